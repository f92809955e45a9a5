import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sluice's compatibility harness: runs operations read as JSON lines from stdin through Kafka Connect's
 * own converters and prints one JSON line per operation. Schemas and values travel as typed descriptions
 * (see packages/converters/test/support/describe.ts) so both sides build exactly the same Java/JS data.
 *
 * <pre>
 * {"id":..,"op":"encode","converter":class,"kind":"key|value|header","config":{..},"schema":SD,"value":VD[,"valueSchema":SD]}
 *   -> {"id":..,"bytes":base64|null,"decoded":{"schema":SD,"value":VD}|"decodeError":..} or {"id":..,"error":..}
 * {"id":..,"op":"decode","converter":class,"kind":..,"config":{..},"bytes":base64|null}
 *   -> {"id":..,"schema":SD,"value":VD} or {"id":..,"error":..}
 * </pre>
 */
public final class JsonConverterHarness {
    // Descriptions nest twice as deep as the values they describe: allow deep output.
    // ASCII output (non-ASCII escaped), so strings with unpaired surrogates survive the trip to Node.
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
        .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(100_000).build())
        .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
        .build());
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Map<String, Object> CONVERTERS = new HashMap<>();

    public static void main(String[] args) throws Exception {
        serve(JsonConverterHarness::run);
    }

    /** One operation of a harness: fills `result` or throws. */
    interface Operation {
        void run(JsonNode op, ObjectNode result) throws Exception;
    }

    /**
     * The harness loop (also TransformsHarness's): one JSON operation per stdin line, one JSON result per
     * stdout line, carrying the operation's id; a throwing operation answers {"id","error"}.
     */
    static void serve(Operation operation) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, "UTF-8");
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.isBlank()) continue;
            JsonNode op = MAPPER.readTree(line);
            ObjectNode result = F.objectNode();
            result.put("id", op.get("id").asText());
            try {
                operation.run(op, result);
            } catch (Throwable t) {
                result.put("error", message(t));
            }
            String json;
            try {
                json = MAPPER.writeValueAsString(result);
            } catch (Exception e) {
                json = MAPPER.writeValueAsString(F.objectNode().put("id", op.get("id").asText()).put("error", "harness: " + e));
            }
            out.println(json);
        }
        out.flush();
    }

    private static void run(JsonNode op, ObjectNode result) throws Exception {
        Object converter = converter(op);
        boolean header = "header".equals(op.get("kind").asText());
        if ("encode".equals(op.get("op").asText())) {
            Schema schema = schema(op.get("schema"));
            Object value = value(op.has("valueSchema") ? schema(op.get("valueSchema")) : schema, op.get("value"));
            byte[] bytes = header
                ? ((HeaderConverter) converter).fromConnectHeader("topic", "h", schema, value)
                : ((Converter) converter).fromConnectData("topic", schema, value);
            result.put("bytes", bytes == null ? null : Base64.getEncoder().encodeToString(bytes));
            try {
                result.set("decoded", decode(converter, header, bytes));
            } catch (Throwable t) {
                result.put("decodeError", message(t));
            }
        } else {
            JsonNode b = op.get("bytes");
            byte[] bytes = b == null || b.isNull() ? null : Base64.getDecoder().decode(b.asText());
            ObjectNode decoded = decode(converter, header, bytes);
            result.set("schema", decoded.get("schema"));
            result.set("value", decoded.get("value"));
        }
    }

    private static ObjectNode decode(Object converter, boolean header, byte[] bytes) {
        SchemaAndValue sv = header
            ? ((HeaderConverter) converter).toConnectHeader("topic", "h", bytes)
            : ((Converter) converter).toConnectData("topic", bytes);
        ObjectNode o = F.objectNode();
        o.set("schema", sv == null ? F.nullNode() : describe(sv.schema()));
        o.set("value", sv == null ? F.nullNode() : describe(sv.value()));
        return o;
    }

    /** One configured converter per class, kind and config, reused like a worker reuses its converters. */
    private static Object converter(JsonNode op) throws Exception {
        String key = op.get("converter").asText() + "|" + op.get("kind").asText() + "|" + op.get("config");
        Object c = CONVERTERS.get(key);
        if (c != null) return c;
        c = Class.forName(op.get("converter").asText()).getDeclaredConstructor().newInstance();
        Map<String, Object> config = new HashMap<>();
        op.get("config").properties().forEach(e -> config.put(e.getKey(), e.getValue().asText()));
        String kind = op.get("kind").asText();
        if ("header".equals(kind)) {
            config.put("converter.type", "header");
            ((HeaderConverter) c).configure(config);
        } else {
            ((Converter) c).configure(config, "key".equals(kind));
        }
        CONVERTERS.put(key, c);
        return c;
    }

    static String message(Throwable t) {
        StringBuilder sb = new StringBuilder(t.toString());
        for (Throwable c = t.getCause(); c != null && c != t; c = c.getCause()) sb.append(" / ").append(c);
        return sb.toString();
    }

    // ---- descriptions -> Kafka schemas and values

    static Schema schema(JsonNode sd) {
        if (sd == null || sd.isNull()) return null;
        Schema.Type type = Schema.Type.valueOf(sd.get("type").asText());
        SchemaBuilder b;
        switch (type) {
            case ARRAY:
                b = SchemaBuilder.array(schema(sd.get("values")));
                break;
            case MAP:
                b = SchemaBuilder.map(schema(sd.get("keys")), schema(sd.get("values")));
                break;
            case STRUCT:
                b = SchemaBuilder.struct();
                for (JsonNode f : sd.get("fields")) b.field(f.get("name").asText(), schema(f.get("schema")));
                break;
            default:
                b = SchemaBuilder.type(type);
        }
        if (sd.path("optional").asBoolean()) b.optional();
        if (sd.hasNonNull("name")) b.name(sd.get("name").asText());
        if (sd.hasNonNull("version")) b.version(sd.get("version").asInt());
        if (sd.hasNonNull("doc")) b.doc(sd.get("doc").asText());
        if (sd.hasNonNull("parameters")) {
            for (JsonNode p : sd.get("parameters")) b.parameter(p.get(0).asText(), p.get(1).asText());
        }
        // A struct default must be built on the builder itself to pass SchemaBuilder's validation.
        if (sd.hasNonNull("default")) b.defaultValue(value(b, sd.get("default")));
        return b.build();
    }

    static Object value(Schema s, JsonNode vd) {
        if (vd == null || vd.isNull()) return null;
        String tag = vd.fieldNames().next();
        JsonNode x = vd.get(tag);
        switch (tag) {
            case "i8": return (byte) x.asInt();
            case "i16": return (short) x.asInt();
            case "i32": return x.asInt();
            case "i64": return Long.parseLong(x.asText());
            case "f32": return Float.intBitsToFloat((int) Long.parseLong(x.asText(), 16));
            case "f64": return Double.longBitsToDouble(Long.parseUnsignedLong(x.asText(), 16));
            case "bool": return x.asBoolean();
            case "str": return x.asText();
            case "bytes": return Base64.getDecoder().decode(x.asText());
            case "dec": return new BigDecimal(new BigInteger(x.get(0).asText()), x.get(1).asInt());
            case "date": return new java.util.Date(x.asLong());
            case "arr": {
                List<Object> list = new ArrayList<>();
                for (JsonNode e : x) list.add(value(s == null ? null : s.valueSchema(), e));
                return list;
            }
            case "map": {
                Map<Object, Object> map = new LinkedHashMap<>();
                for (JsonNode e : x) {
                    map.put(value(s == null ? null : s.keySchema(), e.get(0)), value(s == null ? null : s.valueSchema(), e.get(1)));
                }
                return map;
            }
            case "struct": {
                Struct st = new Struct(s);
                for (JsonNode e : x) {
                    String name = e.get(0).asText();
                    st.put(name, value(s.field(name).schema(), e.get(1)));
                }
                return st;
            }
            default:
                throw new IllegalArgumentException("unknown value tag " + tag);
        }
    }

    // ---- Kafka schemas and values -> descriptions

    static JsonNode describe(Schema s) {
        if (s == null) return F.nullNode();
        ObjectNode o = F.objectNode();
        o.put("type", s.type().name());
        o.put("optional", s.isOptional());
        if (s.name() != null) o.put("name", s.name());
        if (s.version() != null) o.put("version", s.version());
        if (s.doc() != null) o.put("doc", s.doc());
        if (s.parameters() != null) {
            ArrayNode params = o.putArray("parameters");
            s.parameters().forEach((k, v) -> params.addArray().add(k).add(v));
        }
        if (s.defaultValue() != null) o.set("default", describe(s.defaultValue()));
        switch (s.type()) {
            case ARRAY:
                o.set("values", describe(s.valueSchema()));
                break;
            case MAP:
                o.set("keys", describe(s.keySchema()));
                o.set("values", describe(s.valueSchema()));
                break;
            case STRUCT: {
                ArrayNode fields = o.putArray("fields");
                for (Field f : s.fields()) fields.addObject().put("name", f.name()).set("schema", describe(f.schema()));
                break;
            }
            default:
        }
        return o;
    }

    static JsonNode describe(Object v) {
        if (v == null) return F.nullNode();
        ObjectNode o = F.objectNode();
        if (v instanceof Byte) o.put("i8", (Byte) v);
        else if (v instanceof Short) o.put("i16", (Short) v);
        else if (v instanceof Integer) o.put("i32", (Integer) v);
        else if (v instanceof Long) o.put("i64", v.toString());
        else if (v instanceof Float) o.put("f32", Integer.toHexString(Float.floatToIntBits((Float) v)));
        else if (v instanceof Double) o.put("f64", Long.toHexString(Double.doubleToLongBits((Double) v)));
        else if (v instanceof Boolean) o.put("bool", (Boolean) v);
        else if (v instanceof String) o.put("str", (String) v);
        else if (v instanceof byte[]) o.put("bytes", Base64.getEncoder().encodeToString((byte[]) v));
        else if (v instanceof ByteBuffer) {
            ByteBuffer bb = ((ByteBuffer) v).duplicate();
            byte[] bytes = new byte[bb.remaining()];
            bb.get(bytes);
            o.put("bytes", Base64.getEncoder().encodeToString(bytes));
        } else if (v instanceof BigDecimal) {
            o.putArray("dec").add(((BigDecimal) v).unscaledValue().toString()).add(((BigDecimal) v).scale());
        } else if (v instanceof java.util.Date) o.put("date", ((java.util.Date) v).getTime());
        else if (v instanceof List) {
            ArrayNode a = o.putArray("arr");
            for (Object e : (List<?>) v) a.add(describe(e));
        } else if (v instanceof Map) {
            ArrayNode a = o.putArray("map");
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) a.addArray().add(describe(e.getKey())).add(describe(e.getValue()));
        } else if (v instanceof Struct) {
            Struct st = (Struct) v;
            ArrayNode a = o.putArray("struct");
            for (Field f : st.schema().fields()) a.addArray().add(f.name()).add(describe(st.getWithoutDefault(f.name())));
        } else o.put("unknown", v.getClass().getName());
        return o;
    }
}
