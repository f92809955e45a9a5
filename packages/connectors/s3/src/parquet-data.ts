import { DataError, Decimal, type Schema, Struct } from '@sluice/api'
import type { SchemaElement } from 'hyparquet'
import type { ColumnSource } from 'hyparquet-writer'

/**
 * Connect struct schemas as a Parquet schema, the way parquet-avro (Confluent's ParquetFormat) maps the
 * Avro form: INT8/INT16 as INT32 with INT_8/INT_16, strings as UTF8 byte arrays, Decimal as DECIMAL
 * bytes, Date/Time/Timestamp as DATE/TIME_MILLIS/TIMESTAMP_MILLIS, structs as groups, arrays as 3-level
 * LISTs, maps as MAPs of `key_value` groups; optional schemas are OPTIONAL, others REQUIRED.
 */

const DECIMAL = 'org.apache.kafka.connect.data.Decimal'
const DATE = 'org.apache.kafka.connect.data.Date'
const TIME = 'org.apache.kafka.connect.data.Time'
const TIMESTAMP = 'org.apache.kafka.connect.data.Timestamp'
const MS_PER_DAY = 86_400_000

type Repetition = 'REQUIRED' | 'OPTIONAL' | 'REPEATED'

function elements(name: string, schema: Schema, repetition?: Repetition): SchemaElement[] {
  const repetition_type: Repetition = repetition ?? (schema.isOptional ? 'OPTIONAL' : 'REQUIRED')
  switch (schema.name) {
    case DECIMAL:
      return [
        {
          name,
          repetition_type,
          type: 'BYTE_ARRAY',
          converted_type: 'DECIMAL',
          scale: Number(schema.parameters?.scale ?? 0),
          precision: Number(schema.parameters?.['connect.decimal.precision'] ?? 38),
        },
      ]
    case DATE:
      return [{ name, repetition_type, type: 'INT32', converted_type: 'DATE' }]
    case TIME:
      return [{ name, repetition_type, type: 'INT32', converted_type: 'TIME_MILLIS' }]
    case TIMESTAMP:
      return [{ name, repetition_type, type: 'INT64', converted_type: 'TIMESTAMP_MILLIS' }]
  }
  switch (schema.type) {
    case 'INT8':
      return [{ name, repetition_type, type: 'INT32', converted_type: 'INT_8' }]
    case 'INT16':
      return [{ name, repetition_type, type: 'INT32', converted_type: 'INT_16' }]
    case 'INT32':
      return [{ name, repetition_type, type: 'INT32' }]
    case 'INT64':
      return [{ name, repetition_type, type: 'INT64' }]
    case 'FLOAT32':
      return [{ name, repetition_type, type: 'FLOAT' }]
    case 'FLOAT64':
      return [{ name, repetition_type, type: 'DOUBLE' }]
    case 'BOOLEAN':
      return [{ name, repetition_type, type: 'BOOLEAN' }]
    case 'STRING':
      return [{ name, repetition_type, type: 'BYTE_ARRAY', converted_type: 'UTF8' }]
    case 'BYTES':
      return [{ name, repetition_type, type: 'BYTE_ARRAY' }]
    case 'STRUCT':
      return [
        { name, repetition_type, num_children: schema.fields.length },
        ...schema.fields.flatMap((f) => elements(f.name, f.schema)),
      ]
    case 'ARRAY':
      return [
        { name, repetition_type, converted_type: 'LIST', num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        ...elements('element', schema.valueSchema),
      ]
    case 'MAP':
      return [
        { name, repetition_type, converted_type: 'MAP', num_children: 1 },
        { name: 'key_value', repetition_type: 'REPEATED', num_children: 2 },
        ...elements('key', schema.keySchema, 'REQUIRED'),
        ...elements('value', schema.valueSchema),
      ]
  }
}

/** The Parquet schema (flattened, depth first) of a Connect STRUCT schema. */
export function parquetSchema(schema: Schema): SchemaElement[] {
  return [
    { name: 'root', num_children: schema.fields.length },
    ...schema.fields.flatMap((f) => elements(f.name, f.schema)),
  ]
}

/** One Connect value as the writer takes it (bigint INT64, unscaled bigint decimals, plain objects). */
function toParquetValue(schema: Schema, value: unknown): unknown {
  if (value === null || value === undefined) {
    if (schema.defaultValue !== undefined && schema.defaultValue !== null)
      return toParquetValue(schema, schema.defaultValue)
    if (!schema.isOptional) throw new DataError(`null value for a required ${schema.type} field`)
    return null
  }
  switch (schema.name) {
    case DECIMAL:
      if (value instanceof Decimal) return value.unscaled
      break
    case DATE:
      if (value instanceof Date) return Math.floor(value.getTime() / MS_PER_DAY)
      break
    case TIME:
      if (value instanceof Date) return value.getTime()
      break
    case TIMESTAMP:
      if (value instanceof Date) return BigInt(value.getTime())
      break
  }
  switch (schema.type) {
    case 'INT64':
      if (typeof value === 'bigint') return value
      if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value)
      break
    case 'BYTES':
      if (value instanceof Uint8Array) return value
      break
    case 'ARRAY':
      if (Array.isArray(value)) return value.map((v) => toParquetValue(schema.valueSchema, v))
      break
    case 'MAP': {
      const entries: Array<[unknown, unknown]> =
        value instanceof Map ? [...value.entries()] : Object.entries(value as Record<string, unknown>)
      return entries.map(([k, v]) => ({
        key: toParquetValue(schema.keySchema, k),
        value: toParquetValue(schema.valueSchema, v),
      }))
    }
    case 'STRUCT': {
      if (!(value instanceof Struct)) break
      const out: Record<string, unknown> = {}
      for (const f of schema.fields) out[f.name] = toParquetValue(f.schema, value.get(f.name))
      return out
    }
    default:
      return value
  }
  throw new DataError(`Invalid value for ${schema.type} schema${schema.name ? ` ${schema.name}` : ''}`)
}

/** Column data (one column per top-level field) for a batch of Struct rows of `schema`. */
export function parquetColumns(schema: Schema, rows: readonly unknown[]): ColumnSource[] {
  return schema.fields.map((f) => ({
    name: f.name,
    data: rows.map((row) => {
      if (!(row instanceof Struct)) throw new DataError('ParquetFormat needs Struct values')
      return toParquetValue(f.schema, row.get(f.name))
    }),
  }))
}
