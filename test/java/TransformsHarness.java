import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;
import org.apache.kafka.common.record.TimestampType;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Sluice's transforms harness: runs Kafka's own transformations and predicates on records read as JSON
 * lines and prints one JSON line per operation. Schemas and values travel as the typed descriptions of
 * JsonConverterHarness (packages/converters/test/java), whose builders and describers it reuses.
 *
 * <pre>
 * {"id","op":"configdef","class"}                 -> {"id","keys":[{name,type,default,importance,documentation,validator}]}
 * {"id","op":"validate","class","config"}         -> {"id","errors":{key:[msg]},"configureError"?}
 * {"id","op":"apply","class","config","records"}  -> {"id","results":[{"record":R}|{"dropped":true}|{"error":msg}]} or {"id","error"}
 * {"id","op":"test","class","config","records"}   -> {"id","results":[{"test":bool}|{"error":msg}]} or {"id","error"}
 * R = {topic, partition, keySchema, key, valueSchema, value, timestamp, headers:[[key,SD,VD]], offset?}
 * </pre>
 * One transformation instance per operation sees all its records in order, as a task's chain would.
 */
public final class TransformsHarness {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final JsonConverter KEY_JSON = new JsonConverter();
    private static final JsonConverter VALUE_JSON = new JsonConverter();

    public static void main(String[] args) throws Exception {
        KEY_JSON.configure(Map.of("schemas.enable", "true"), true);
        VALUE_JSON.configure(Map.of("schemas.enable", "true"), false);
        JsonConverterHarness.serve(TransformsHarness::run);
    }

    private static Map<String, String> config(JsonNode op) {
        Map<String, String> config = new HashMap<>();
        if (op.has("config")) op.get("config").properties().forEach(e -> config.put(e.getKey(), e.getValue().asText()));
        return config;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void run(JsonNode op, ObjectNode result) throws Exception {
        Object plugin = Class.forName(op.get("class").asText()).getDeclaredConstructor().newInstance();
        ConfigDef def = plugin instanceof Transformation ? ((Transformation) plugin).config() : ((Predicate) plugin).config();
        switch (op.get("op").asText()) {
            case "configdef": {
                ArrayNode keys = result.putArray("keys");
                for (ConfigDef.ConfigKey k : def.configKeys().values()) {
                    ObjectNode o = keys.addObject();
                    o.put("name", k.name);
                    o.put("type", k.type.name());
                    if (k.hasDefault()) o.put("default", ConfigDef.convertToString(k.defaultValue, k.type));
                    o.put("importance", k.importance.name());
                    o.put("documentation", k.documentation);
                    o.put("validator", k.validator == null ? null : k.validator.toString());
                }
                return;
            }
            case "validate": {
                ObjectNode errors = result.putObject("errors");
                for (ConfigValue v : def.validate(config(op))) {
                    if (v.errorMessages().isEmpty()) continue;
                    ArrayNode a = errors.putArray(v.name());
                    v.errorMessages().forEach(a::add);
                }
                try {
                    if (plugin instanceof Transformation) ((Transformation) plugin).configure(config(op));
                    else ((Predicate) plugin).configure(config(op));
                } catch (Throwable t) {
                    result.put("configureError", JsonConverterHarness.message(t));
                }
                return;
            }
            case "bench": {
                bench(op, result);
                return;
            }
            default:
        }
        boolean isTest = "test".equals(op.get("op").asText());
        if (plugin instanceof Transformation) ((Transformation) plugin).configure(config(op));
        else ((Predicate) plugin).configure(config(op));
        ArrayNode results = result.putArray("results");
        for (JsonNode r : op.get("records")) {
            ObjectNode res = results.addObject();
            try {
                ConnectRecord record = record(r);
                if (isTest) {
                    res.put("test", ((Predicate) plugin).test(record));
                } else {
                    ConnectRecord out = (ConnectRecord) ((Transformation) plugin).apply(record);
                    if (out == null) res.put("dropped", true);
                    else res.set("record", describe(out));
                }
            } catch (Throwable t) {
                res.put("error", JsonConverterHarness.message(t));
            }
        }
    }

    /**
     * {"op":"bench","class":first class,"chain":[{class,config}],"records":n,"passes":p}: the CPU time of this
     * thread per record through the chain (STRING values of 100 chars), after two warm-up passes.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void bench(JsonNode op, ObjectNode result) throws Exception {
        java.util.List<Transformation> chain = new java.util.ArrayList<>();
        for (JsonNode t : op.get("chain")) {
            Transformation tr = (Transformation) Class.forName(t.get("class").asText()).getDeclaredConstructor().newInstance();
            tr.configure(config(t));
            chain.add(tr);
        }
        int n = op.get("records").asInt();
        int passes = op.get("passes").asInt();
        SourceRecord[] records = new SourceRecord[n];
        String filler = "x".repeat(90);
        for (int i = 0; i < n; i++) {
            records[i] = new SourceRecord(null, null, "bench", null, null, null, Schema.STRING_SCHEMA,
                String.format("%09d ", i) + filler);
        }
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        long sink = 0;
        long measured = 0;
        for (int pass = 0; pass < passes + 2; pass++) {
            long t0 = bean.getCurrentThreadCpuTime();
            for (SourceRecord r : records) {
                ConnectRecord out = r;
                for (Transformation t : chain) out = (ConnectRecord) t.apply(out);
                sink += out.value().hashCode();
            }
            if (pass >= 2) measured += bean.getCurrentThreadCpuTime() - t0;
        }
        result.put("nsPerRecord", (double) measured / ((long) n * passes));
        result.put("check", sink);
    }

    private static ConnectRecord<?> record(JsonNode r) {
        Schema keySchema = JsonConverterHarness.schema(r.get("keySchema"));
        Schema valueSchema = JsonConverterHarness.schema(r.get("valueSchema"));
        Object key = JsonConverterHarness.value(keySchema, r.get("key"));
        Object value = JsonConverterHarness.value(valueSchema, r.get("value"));
        Long timestamp = r.hasNonNull("timestamp") ? r.get("timestamp").asLong() : null;
        ConnectHeaders headers = new ConnectHeaders();
        if (r.has("headers")) {
            for (JsonNode h : r.get("headers")) {
                Schema hs = JsonConverterHarness.schema(h.get(1));
                headers.add(h.get(0).asText(), JsonConverterHarness.value(hs, h.get(2)), hs);
            }
        }
        String topic = r.get("topic").asText();
        if (r.hasNonNull("offset")) {
            return new SinkRecord(topic, r.get("partition").asInt(), keySchema, key, valueSchema, value,
                r.get("offset").asLong(), timestamp, TimestampType.CREATE_TIME, headers);
        }
        Integer partition = r.hasNonNull("partition") ? r.get("partition").asInt() : null;
        return new SourceRecord(null, null, topic, partition, keySchema, key, valueSchema, value, timestamp, headers);
    }

    private static ObjectNode describe(ConnectRecord<?> r) {
        ObjectNode o = F.objectNode();
        o.put("topic", r.topic());
        if (r.kafkaPartition() == null) o.putNull("partition");
        else o.put("partition", r.kafkaPartition());
        o.set("keySchema", JsonConverterHarness.describe(r.keySchema()));
        o.set("key", JsonConverterHarness.describe(r.key()));
        o.set("valueSchema", JsonConverterHarness.describe(r.valueSchema()));
        o.set("value", JsonConverterHarness.describe(r.value()));
        if (r.timestamp() == null) o.putNull("timestamp");
        else o.put("timestamp", r.timestamp());
        ArrayNode hs = o.putArray("headers");
        for (Header h : r.headers()) {
            hs.addArray().add(h.key()).add(JsonConverterHarness.describe(h.schema())).add(JsonConverterHarness.describe(h.value()));
        }
        o.set("keyJson", json(KEY_JSON, r.topic(), r.keySchema(), r.key()));
        o.set("valueJson", json(VALUE_JSON, r.topic(), r.valueSchema(), r.value()));
        return o;
    }

    /** The JsonConverter (schemas.enable=true) bytes as text, or {"error":..}. */
    private static JsonNode json(JsonConverter c, String topic, Schema schema, Object value) {
        try {
            byte[] bytes = c.fromConnectData(topic, schema, value);
            return bytes == null ? F.nullNode() : F.textNode(new String(bytes, StandardCharsets.UTF_8));
        } catch (Throwable t) {
            return F.objectNode().put("error", JsonConverterHarness.message(t));
        }
    }
}
