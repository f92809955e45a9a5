import { DataError, Decimal, DecimalLogical, type Schema, Struct } from '@sluice/api'

/**
 * Connect values as the JSON Confluent's JsonFormat writes: its internal JsonConverter with
 * `schemas.enable=false` for values with a schema (the payload only, fields in schema order, Java's
 * number formats, base64 bytes, Decimal per `json.decimal.format`, Date/Time/Timestamp as integers), and
 * Jackson's `writeObject` for schemaless values (maps, lists, primitives).
 */
export interface JsonWriteOptions {
  readonly decimalFormat: 'BASE64' | 'NUMERIC'
}

const DECIMAL = 'org.apache.kafka.connect.data.Decimal'
const DATE = 'org.apache.kafka.connect.data.Date'
const TIME = 'org.apache.kafka.connect.data.Time'
const TIMESTAMP = 'org.apache.kafka.connect.data.Timestamp'
const MS_PER_DAY = 86_400_000

/** Java's `Double.toString` for finite values, as Jackson writes doubles: `1.0`, `0.001`, `1.0E7`. */
export function javaDouble(d: number): string {
  if (!Number.isFinite(d)) return `"${Number.isNaN(d) ? 'NaN' : d > 0 ? 'Infinity' : '-Infinity'}"`
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0'
  const abs = Math.abs(d)
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(d)
    return s.includes('.') ? s : `${s}.0`
  }
  // Scientific: one digit before the point, at least one after, exponent without '+'.
  const [mantissa, exp] = d.toExponential().split('e') as [string, string]
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`
  return `${m}E${exp.replace('+', '')}`
}

/** Java's `Float.toString`: the shortest decimal that reads back as the same 32-bit float. */
export function javaFloat(f: number): string {
  if (!Number.isFinite(f) || f === 0) return javaDouble(f)
  const target = Math.fround(f)
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(target.toPrecision(p))
    if (Math.fround(candidate) === target) return javaDouble(candidate)
  }
  return javaDouble(target)
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
}

function invalid(schema: Schema | null, value: unknown): DataError {
  const what = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value
  return new DataError(`Invalid value for ${schema === null ? 'schemaless' : schema.type} data: ${what}`)
}

function int64(value: unknown, schema: Schema | null): string {
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'number' && Number.isInteger(value)) return String(value)
  throw invalid(schema, value)
}

/** Writes `value` (with `schema`, or schemaless when null) as JSON text. */
export function toJson(opts: JsonWriteOptions, schema: Schema | null, value: unknown): string {
  if (value === null || value === undefined) {
    if (schema !== null && schema.defaultValue !== undefined && schema.defaultValue !== null)
      return toJson(opts, schema, schema.defaultValue)
    if (schema !== null && !schema.isOptional)
      throw new DataError('Conversion error: null value for field that is required and has no default value')
    return 'null'
  }
  if (schema === null) return schemaless(opts, value)
  switch (schema.name) {
    case DECIMAL:
      if (!(value instanceof Decimal)) throw invalid(schema, value)
      return opts.decimalFormat === 'NUMERIC'
        ? value.toString()
        : `"${base64(DecimalLogical.fromLogical(schema, value))}"`
    case DATE:
      if (!(value instanceof Date)) throw invalid(schema, value)
      return String(Math.floor(value.getTime() / MS_PER_DAY))
    case TIME:
      if (!(value instanceof Date)) throw invalid(schema, value)
      return String(value.getTime())
    case TIMESTAMP:
      if (!(value instanceof Date)) throw invalid(schema, value)
      return String(value.getTime())
  }
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid(schema, value)
      return String(value)
    case 'INT64':
      return int64(value, schema)
    case 'FLOAT32':
      if (typeof value !== 'number') throw invalid(schema, value)
      return javaFloat(value)
    case 'FLOAT64':
      if (typeof value !== 'number') throw invalid(schema, value)
      return javaDouble(value)
    case 'BOOLEAN':
      if (typeof value !== 'boolean') throw invalid(schema, value)
      return value ? 'true' : 'false'
    case 'STRING':
      if (typeof value !== 'string') throw invalid(schema, value)
      return JSON.stringify(value)
    case 'BYTES':
      if (!(value instanceof Uint8Array)) throw invalid(schema, value)
      return `"${base64(value)}"`
    case 'ARRAY': {
      if (!Array.isArray(value)) throw invalid(schema, value)
      const el = schema.valueSchema
      return `[${value.map((v) => toJson(opts, el, v)).join(',')}]`
    }
    case 'MAP': {
      const entries: Array<[unknown, unknown]> =
        value instanceof Map ? [...value.entries()] : Object.entries(value as Record<string, unknown>)
      const ks = schema.keySchema
      const vs = schema.valueSchema
      // JsonConverter writes string-keyed maps as objects, any other key type as [[k, v], …].
      if (ks.type === 'STRING')
        return `{${entries.map(([k, v]) => `${JSON.stringify(String(k))}:${toJson(opts, vs, v)}`).join(',')}}`
      return `[${entries.map(([k, v]) => `[${toJson(opts, ks, k)},${toJson(opts, vs, v)}]`).join(',')}]`
    }
    case 'STRUCT': {
      if (!(value instanceof Struct)) throw invalid(schema, value)
      // Plain loops and concatenation: this is the per-record hot path of JsonFormat.
      let out = '{'
      const fields = schema.fields
      for (let i = 0; i < fields.length; i++) {
        const f = fields[i]!
        if (i > 0) out += ','
        out += `${keyJson(f.name)}:${toJson(opts, f.schema, value.get(f.name))}`
      }
      return `${out}}`
    }
  }
}

/** Jackson's `writeObject` of a schemaless Connect value. */
function schemaless(opts: JsonWriteOptions, value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value)
    case 'number':
      return Number.isInteger(value) ? String(value) : javaDouble(value as number)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'bigint':
      return (value as bigint).toString()
    case 'object':
      break
    default:
      return 'null'
  }
  if (value === null) return 'null'
  // Plain objects first: what JsonConverter makes of every schemaless JSON object, so the hot path of
  // schemaless records; a prototype check is cheaper than the chain of instanceof tests below.
  const proto = Object.getPrototypeOf(value)
  if (proto === Object.prototype || proto === null)
    return schemalessObject(opts, value as Record<string, unknown>)
  if (Array.isArray(value)) {
    let out = '['
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + schemaless(opts, value[i])
    return `${out}]`
  }
  if (value instanceof Uint8Array) return `"${base64(value)}"`
  if (value instanceof Struct) return toJson(opts, value.schema, value)
  if (value instanceof Decimal) return value.toString()
  if (value instanceof Date) return String(value.getTime())
  if (value instanceof Map) {
    let out = '{'
    let first = true
    for (const [k, v] of value) {
      out += `${first ? '' : ','}${JSON.stringify(String(k))}:${schemaless(opts, v)}`
      first = false
    }
    return `${out}}`
  }
  return schemalessObject(opts, value as Record<string, unknown>)
}

/**
 * JSON text of object keys and field names, cached: the same few keys come back record after record,
 * and a lookup is cheaper than escaping each again. Bounded, so arbitrary keys cannot grow it forever.
 */
const KEY_JSON = new Map<string, string>()
const KEY_JSON_MAX = 10_000

function keyJson(k: string): string {
  let j = KEY_JSON.get(k)
  if (j === undefined) {
    j = JSON.stringify(k)
    if (KEY_JSON.size < KEY_JSON_MAX) KEY_JSON.set(k, j)
  }
  return j
}

/** A schemaless object's own enumerable string keys, in order (plain loops: the per-record hot path). */
function schemalessObject(opts: JsonWriteOptions, obj: Record<string, unknown>): string {
  const keys = Object.keys(obj)
  let out = '{'
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!
    const v = obj[k]
    // Strings and integers inline: most values of JSON records.
    const text =
      typeof v === 'string'
        ? JSON.stringify(v)
        : typeof v === 'number' && Number.isInteger(v)
          ? String(v)
          : schemaless(opts, v)
    out += i > 0 ? `,${keyJson(k)}:${text}` : `${keyJson(k)}:${text}`
  }
  return `${out}}`
}
