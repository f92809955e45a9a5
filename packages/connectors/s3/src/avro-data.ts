import { DataError, Decimal, DecimalLogical, type Schema, Struct } from '@sluice/api'

/**
 * Connect schemas and values as Avro, the way Confluent's `AvroData.fromConnectSchema` maps them:
 * INT8/INT16 as `int` with `connect.type`, logical Decimal/Date/Time/Timestamp as Avro logical types,
 * optional types as `["null", T]` unions with default null, structs as records named after the Connect
 * schema (or `io.confluent.connect.avro.ConnectDefault`), non-string-keyed maps as arrays of
 * `MapEntry` records.
 */

const DECIMAL = 'org.apache.kafka.connect.data.Decimal'
const DATE = 'org.apache.kafka.connect.data.Date'
const TIME = 'org.apache.kafka.connect.data.Time'
const TIMESTAMP = 'org.apache.kafka.connect.data.Timestamp'
const NAMESPACE = 'io.confluent.connect.avro'
const MS_PER_DAY = 86_400_000

type AvroSchema = string | Record<string, unknown> | AvroSchema[]

/** Avro names allow `[A-Za-z_][A-Za-z0-9_]*` per dotted part. */
function avroFullName(name: string | undefined, fallback: string): string {
  const raw = name ?? `${NAMESPACE}.${fallback}`
  return raw
    .split('.')
    .map((p) => (p === '' ? '_' : p.replace(/[^A-Za-z0-9_]/g, '_').replace(/^[0-9]/, '_$&')))
    .join('.')
}

/** Converts one Connect schema; `defined` remembers named types so a repeated name is referenced. */
export function toAvroSchema(schema: Schema, defined = new Set<string>()): AvroSchema {
  const base = nonNullable(schema, defined)
  return schema.isOptional ? ['null', base] : base
}

function nonNullable(schema: Schema, defined: Set<string>): AvroSchema {
  switch (schema.name) {
    case DECIMAL: {
      const scale = Number(schema.parameters?.scale ?? 0)
      const precision = Number(schema.parameters?.['connect.decimal.precision'] ?? 64)
      return { type: 'bytes', logicalType: 'decimal', precision, scale, 'connect.name': DECIMAL }
    }
    case DATE:
      return { type: 'int', logicalType: 'date', 'connect.name': DATE }
    case TIME:
      return { type: 'int', logicalType: 'time-millis', 'connect.name': TIME }
    case TIMESTAMP:
      return { type: 'long', logicalType: 'timestamp-millis', 'connect.name': TIMESTAMP }
  }
  switch (schema.type) {
    case 'INT8':
      return { type: 'int', 'connect.type': 'int8' }
    case 'INT16':
      return { type: 'int', 'connect.type': 'int16' }
    case 'INT32':
      return 'int'
    case 'INT64':
      return 'long'
    case 'FLOAT32':
      return 'float'
    case 'FLOAT64':
      return 'double'
    case 'BOOLEAN':
      return 'boolean'
    case 'STRING':
      return 'string'
    case 'BYTES':
      return 'bytes'
    case 'ARRAY':
      return { type: 'array', items: toAvroSchema(schema.valueSchema, defined) }
    case 'MAP':
      if (schema.keySchema.type === 'STRING' && !schema.keySchema.isOptional)
        return { type: 'map', values: toAvroSchema(schema.valueSchema, defined) }
      return {
        type: 'array',
        items: record(`${NAMESPACE}.MapEntry`, defined, () => [
          { name: 'key', type: toAvroSchema(schema.keySchema, defined) },
          { name: 'value', type: toAvroSchema(schema.valueSchema, defined) },
        ]),
      }
    case 'STRUCT':
      return record(avroFullName(schema.name, 'ConnectDefault'), defined, () =>
        schema.fields.map((f) => {
          const t = toAvroSchema(f.schema, defined)
          return f.schema.isOptional ? { name: f.name, type: t, default: null } : { name: f.name, type: t }
        }),
      )
  }
}

function record(fullName: string, defined: Set<string>, fields: () => unknown[]): AvroSchema {
  // Avro forbids redefining a name: later uses refer to the first definition (Debezium's before/after).
  if (defined.has(fullName)) return fullName
  defined.add(fullName)
  const dot = fullName.lastIndexOf('.')
  return {
    type: 'record',
    name: fullName.slice(dot + 1),
    ...(dot > 0 ? { namespace: fullName.slice(0, dot) } : {}),
    fields: fields(),
  }
}

/** A Connect value as the plain value avsc encodes for {@link toAvroSchema} (unions unwrapped). */
export function toAvroValue(schema: Schema, value: unknown): unknown {
  if (value === null || value === undefined) {
    if (schema.defaultValue !== undefined && schema.defaultValue !== null)
      return toAvroValue(schema, schema.defaultValue)
    if (!schema.isOptional) throw new DataError(`null value for a required ${schema.type} schema`)
    return null
  }
  switch (schema.name) {
    case DECIMAL:
      if (!(value instanceof Decimal)) break
      return Buffer.from(DecimalLogical.fromLogical(schema, value))
    case DATE:
      if (!(value instanceof Date)) break
      return Math.floor(value.getTime() / MS_PER_DAY)
    case TIME:
    case TIMESTAMP:
      if (!(value instanceof Date)) break
      return value.getTime()
  }
  switch (schema.type) {
    case 'INT64':
      if (typeof value === 'bigint') {
        if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER))
          throw new DataError(`INT64 value ${value} is beyond what the Avro writer encodes exactly (±2^53)`)
        return Number(value)
      }
      return value
    case 'BYTES':
      if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
      break
    case 'ARRAY':
      if (Array.isArray(value)) return value.map((v) => toAvroValue(schema.valueSchema, v))
      break
    case 'MAP': {
      const entries: Array<[unknown, unknown]> =
        value instanceof Map ? [...value.entries()] : Object.entries(value as Record<string, unknown>)
      if (schema.keySchema.type === 'STRING' && !schema.keySchema.isOptional)
        return Object.fromEntries(entries.map(([k, v]) => [String(k), toAvroValue(schema.valueSchema, v)]))
      return entries.map(([k, v]) => ({
        key: toAvroValue(schema.keySchema, k),
        value: toAvroValue(schema.valueSchema, v),
      }))
    }
    case 'STRUCT': {
      if (!(value instanceof Struct)) break
      const out: Record<string, unknown> = {}
      for (const f of schema.fields) out[f.name] = toAvroValue(f.schema, value.get(f.name))
      return out
    }
    default:
      return value
  }
  throw new DataError(`Invalid value for ${schema.type} schema${schema.name ? ` ${schema.name}` : ''}`)
}
