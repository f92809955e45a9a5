import type { Schema, SchemaType } from '@sluice/api'
import { SchemaBuilder } from '@sluice/api'
import { atSegment, ValueError } from '../conversion-error.js'
import { type JsonDataOptions, readJson, writeJson } from './json-data.js'
import { JsonNumber, type JsonValue, quoteJsonString } from './json-text.js'

/** JSON type names of Kafka Connect's `JsonSchema` (FLOAT32 is `float`, FLOAT64 `double`). */
const TYPE_NAMES: Readonly<Record<SchemaType, string>> = {
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FLOAT32: 'float',
  FLOAT64: 'double',
  BOOLEAN: 'boolean',
  STRING: 'string',
  BYTES: 'bytes',
  ARRAY: 'array',
  MAP: 'map',
  STRUCT: 'struct',
}

const BUILDERS: Readonly<Record<string, () => SchemaBuilder>> = {
  boolean: SchemaBuilder.bool,
  int8: SchemaBuilder.int8,
  int16: SchemaBuilder.int16,
  int32: SchemaBuilder.int32,
  int64: SchemaBuilder.int64,
  float: SchemaBuilder.float32,
  double: SchemaBuilder.float64,
  bytes: SchemaBuilder.bytes,
  string: SchemaBuilder.string,
}

/**
 * The JSON of a Connect schema exactly as JsonConverter's `asJsonSchema` writes it: `"type"`, then
 * `"items"` / `"keys"`,`"values"` / `"fields"` (each field's schema followed by `"field"`), then
 * `"optional"` (always), and `"name"`, `"version"`, `"doc"`, `"parameters"`, `"default"` when set.
 */
export function schemaToJson(opts: JsonDataOptions, schema: Schema): string {
  let out = `{"type":"${TYPE_NAMES[schema.type]}"`
  switch (schema.type) {
    case 'ARRAY':
      out += `,"items":${schemaToJson(opts, schema.valueSchema)}`
      break
    case 'MAP':
      out += `,"keys":${schemaToJson(opts, schema.keySchema)},"values":${schemaToJson(opts, schema.valueSchema)}`
      break
    case 'STRUCT': {
      out += ',"fields":['
      const fields = schema.fields
      for (let i = 0; i < fields.length; i++) {
        const f = fields[i]!
        if (i > 0) out += ','
        const fieldJson = schemaToJson(opts, f.schema)
        out += `${fieldJson.slice(0, -1)},"field":${quoteJsonString(f.name)}}`
      }
      out += ']'
      break
    }
  }
  out += schema.isOptional ? ',"optional":true' : ',"optional":false'
  if (schema.name !== undefined) out += `,"name":${quoteJsonString(schema.name)}`
  if (schema.version !== undefined) out += `,"version":${schema.version}`
  if (schema.doc !== undefined) out += `,"doc":${quoteJsonString(schema.doc)}`
  const params = schema.parameters
  if (params !== undefined) {
    out += ',"parameters":{'
    let first = true
    for (const k of Object.keys(params)) {
      if (!first) out += ','
      first = false
      out += `${quoteJsonString(k)}:${quoteJsonString(params[k] ?? '')}`
    }
    out += '}'
  }
  const dflt = schema.defaultValue
  if (dflt !== undefined && dflt !== null) {
    try {
      out += `,"default":${writeJson(opts, schema, dflt)}`
    } catch (err) {
      throw atSegment(err, '.default')
    }
  }
  return `${out}}`
}

/**
 * The Connect schema of a JSON schema (JsonConverter's `asConnectSchema`); `null` for JSON `null`. A
 * `"default"` is converted with `opts` like a payload value.
 * @throws {@link ValueError} with Kafka's messages, e.g. `Schema must contain 'type' field`
 */
export function schemaFromJson(opts: JsonDataOptions, json: JsonValue): Schema | null {
  if (json === null) return null
  const obj = json instanceof Map ? json : undefined
  const typeNode = obj?.get('type')
  if (typeof typeNode !== 'string') throw new ValueError("Schema must contain 'type' field")
  let builder: SchemaBuilder
  const primitive = BUILDERS[typeNode]
  if (primitive !== undefined) {
    builder = primitive()
  } else if (typeNode === 'array') {
    const items = obj?.get('items')
    if (items === undefined || items === null)
      throw new ValueError('Array schema did not specify the element type')
    builder = SchemaBuilder.array(nested(opts, items, '.items'))
  } else if (typeNode === 'map') {
    const keys = obj?.get('keys')
    if (keys === undefined) throw new ValueError('Map schema did not specify the key type')
    const values = obj?.get('values')
    if (values === undefined) throw new ValueError('Map schema did not specify the value type')
    builder = SchemaBuilder.map(nested(opts, keys, '.keys'), nested(opts, values, '.values'))
  } else if (typeNode === 'struct') {
    builder = SchemaBuilder.struct()
    const fields = obj?.get('fields')
    if (!Array.isArray(fields)) throw new ValueError('Struct schema\'s "fields" argument is not an array.')
    for (const field of fields) {
      const name = field instanceof Map ? field.get('field') : undefined
      if (typeof name !== 'string') throw new ValueError("Struct schema's field name not specified properly")
      builder.field(name, nested(opts, field, `.fields.${name}`))
    }
  } else {
    throw new ValueError(`Unknown schema type: ${typeNode}`)
  }
  if (obj?.get('optional') === true) builder.optional()
  else builder.required()
  const name = obj?.get('name')
  if (typeof name === 'string') builder.name(name)
  const version = obj?.get('version')
  if (typeof version === 'number') builder.version(javaInt(version))
  else if (version instanceof JsonNumber && version.integral) builder.version(javaInt(BigInt(version.text)))
  const doc = obj?.get('doc')
  if (typeof doc === 'string') builder.doc(doc)
  const params = obj?.get('parameters')
  if (params instanceof Map) {
    for (const [k, v] of params) {
      if (typeof v !== 'string') throw new ValueError('Schema parameters must have string values.')
      builder.parameter(k, v)
    }
  }
  const dflt = obj?.get('default')
  if (dflt !== undefined) {
    // Like Java, the default is read against the schema as built so far (without a default).
    let value: unknown
    try {
      value = readJson(opts, builder.build(), dflt)
    } catch (err) {
      throw atSegment(err, '.default')
    }
    if (builder.type === 'STRUCT') {
      // Java validates the default against the builder itself, which a Struct's schema never equals.
      throw atSegment(
        new ValueError(
          'Invalid default value: Struct schemas do not match. (Kafka Connect cannot read struct defaults)',
        ),
        '.default',
      )
    }
    try {
      builder.defaultValue(value)
    } catch (err) {
      throw atSegment(err, '.default')
    }
  }
  return builder.build()
}

function nested(opts: JsonDataOptions, json: JsonValue, segment: string): Schema {
  let schema: Schema | null
  try {
    schema = schemaFromJson(opts, json)
  } catch (err) {
    throw atSegment(err, segment)
  }
  if (schema === null) throw new ValueError(`${segment.slice(1)} schema cannot be null.`)
  return schema
}

/** Java's `JsonNode.intValue()` of an integral number: the low 32 bits. */
function javaInt(v: number | bigint): number {
  return Number(BigInt.asIntN(32, BigInt(v)))
}
