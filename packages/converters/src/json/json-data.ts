import type { Field, Schema } from '@sluice/api'
import {
  bigDecimalToString,
  DateLogical,
  Decimal,
  DecimalLogical,
  decimalTextToFloat,
  decimalToInteger,
  describeJsValue,
  isPlainObject,
  isStructValue,
  javaDoubleToString,
  javaFloatToString,
  Struct,
  schemaEquals,
  TimeLogical,
  TimestampLogical,
} from '@sluice/api'
import { decodeBase64, encodeBase64 } from '../base64.js'
import { atSegment, ValueError } from '../conversion-error.js'
import { JsonNumber, type JsonObject, type JsonValue, nodeTypeName, quoteJsonString } from './json-text.js'

const DECIMAL = 'org.apache.kafka.connect.data.Decimal'
const DATE = 'org.apache.kafka.connect.data.Date'
const TIME = 'org.apache.kafka.connect.data.Time'
const TIMESTAMP = 'org.apache.kafka.connect.data.Timestamp'

const INT_RANGE = {
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  INT32: [-2147483648, 2147483647],
} as const
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
/** The valid range of JS `Date` time values (±10^8 days). */
const MAX_DATE_MS = 8.64e15

/** JsonConverter options that affect data (not the envelope). */
export interface JsonDataOptions {
  /** `decimal.format=NUMERIC`: Decimals as JSON numbers instead of base64 strings. */
  readonly decimalNumeric: boolean
  /** `replace.null.with.default`: a null value of a schema with a default converts as the default. */
  readonly replaceNullWithDefault: boolean
}

// `"name":` prefixes of struct fields, computed once per struct schema.
const fieldPrefixes = new WeakMap<Schema, string[]>()

function prefixesOf(schema: Schema): string[] {
  let p = fieldPrefixes.get(schema)
  if (p === undefined) {
    p = schema.fields.map((f) => `${quoteJsonString(f.name)}:`)
    fieldPrefixes.set(schema, p)
  }
  return p
}

function invalidType(schema: Schema | null, value: unknown): ValueError {
  return new ValueError(
    `Invalid type for ${schema === null ? 'unknown schema' : schema.type}: ${describeJsValue(value)}`,
  )
}

function quotedNonFinite(text: string): string {
  // Jackson writes NaN and infinities as strings (JsonWriteFeature.WRITE_NAN_AS_STRINGS).
  return `"${text}"`
}

/** Java's `Double` in JSON: `1.0`, `1.0E10`, `"NaN"`. */
export function doubleJson(d: number): string {
  return Number.isFinite(d) ? javaDoubleToString(d) : quotedNonFinite(javaDoubleToString(d))
}

/** Java's `Float` in JSON: `0.1`, `3.4028235E38`, `"Infinity"`. */
export function floatJson(f: number): string {
  const s = javaFloatToString(f)
  return Number.isFinite(f) ? s : quotedNonFinite(s)
}

/**
 * Writes Connect values as JSON text exactly as Kafka Connect's JsonConverter (`convertToJson`) with
 * Jackson does: field order of the schema, Java's number formats, base64 bytes, maps with non-string
 * keys as `[[k, v], ...]`, logical types as ints or (Decimal) base64/number.
 */
export function writeJson(opts: JsonDataOptions, schema: Schema | null, value: unknown): string {
  if (value === null || value === undefined) {
    if (schema === null) return 'null'
    const dflt = schema.defaultValue
    if (dflt !== undefined && dflt !== null && opts.replaceNullWithDefault)
      return writeJson(opts, schema, dflt)
    if (schema.isOptional) return 'null'
    throw new ValueError('Conversion error: null value for field that is required and has no default value')
  }
  if (schema === null) return writeSchemaless(opts, value)
  const name = schema.name
  if (name !== undefined && name.length > 30 && name.startsWith('org.apache.kafka.connect.data.')) {
    const logical = writeLogical(opts, schema, name, value)
    if (logical !== undefined) return logical
  }
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32': {
      if (typeof value !== 'number') throw invalidType(schema, value)
      const [min, max] = INT_RANGE[schema.type]
      if (!Number.isInteger(value) || value < min || value > max) {
        throw new ValueError(
          `Invalid value for ${schema.type}: ${value} is not an integer in [${min}, ${max}]`,
        )
      }
      return value === 0 ? '0' : String(value)
    }
    case 'INT64':
      return int64Json(schema, value)
    case 'FLOAT32':
      if (typeof value !== 'number') throw invalidType(schema, value)
      return floatJson(value)
    case 'FLOAT64':
      if (typeof value !== 'number') throw invalidType(schema, value)
      return doubleJson(value)
    case 'BOOLEAN':
      if (typeof value !== 'boolean') throw invalidType(schema, value)
      return value ? 'true' : 'false'
    case 'STRING':
      if (typeof value !== 'string') throw invalidType(schema, value)
      return quoteJsonString(value)
    case 'BYTES':
      if (!(value instanceof Uint8Array)) throw invalidType(schema, value)
      return `"${encodeBase64(value)}"`
    case 'ARRAY': {
      if (!Array.isArray(value)) throw invalidType(schema, value)
      const elementSchema = schema.valueSchema
      let out = '['
      for (let i = 0; i < value.length; i++) {
        if (i > 0) out += ','
        try {
          out += writeJson(opts, elementSchema, value[i])
        } catch (err) {
          throw atSegment(err, `[${i}]`)
        }
      }
      return `${out}]`
    }
    case 'MAP':
      return writeMap(opts, schema, value)
    case 'STRUCT': {
      if (!isStructValue(value)) throw invalidType(schema, value)
      const struct = value as Struct
      if (!schemaEquals(struct.schema, schema)) throw new ValueError('Mismatching schema.')
      const fields = schema.fields
      const prefixes = prefixesOf(schema)
      let out = '{'
      for (let i = 0; i < fields.length; i++) {
        const f = fields[i] as Field
        if (i > 0) out += ','
        try {
          out += prefixes[i] + writeJson(opts, f.schema, struct.getWithoutDefault(f.name))
        } catch (err) {
          throw atSegment(err, `.${f.name}`)
        }
      }
      return `${out}}`
    }
  }
}

function int64Json(schema: Schema | null, value: unknown): string {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < -(2 ** 63) || value >= 2 ** 63) {
      throw new ValueError(`Invalid value for INT64: ${value} is not a 64-bit integer`)
    }
    return value === 0 ? '0' : String(value)
  }
  if (typeof value === 'bigint') {
    if (value < INT64_MIN || value > INT64_MAX) {
      throw new ValueError(`Invalid value for INT64: ${value} is not a 64-bit integer`)
    }
    return value.toString()
  }
  throw invalidType(schema, value)
}

/** The logical-type JSON of `value`, or `undefined` when `name` is not a logical type. */
function writeLogical(
  opts: JsonDataOptions,
  schema: Schema,
  name: string,
  value: unknown,
): string | undefined {
  switch (name) {
    case DECIMAL:
      if (!(value instanceof Decimal)) {
        throw new ValueError(`Invalid type for Decimal, expected Decimal but was ${describeJsValue(value)}`)
      }
      if (opts.decimalNumeric) return bigDecimalToString(value.unscaled, value.scale)
      return `"${encodeBase64(DecimalLogical.fromLogical(schema, value))}"`
    case DATE:
      if (!(value instanceof Date)) {
        throw new ValueError(`Invalid type for Date, expected Date but was ${describeJsValue(value)}`)
      }
      return String(DateLogical.fromLogical(schema, value))
    case TIME:
      if (!(value instanceof Date)) {
        throw new ValueError(`Invalid type for Time, expected Date but was ${describeJsValue(value)}`)
      }
      return String(TimeLogical.fromLogical(schema, value))
    case TIMESTAMP: {
      if (!(value instanceof Date)) {
        throw new ValueError(`Invalid type for Timestamp, expected Date but was ${describeJsValue(value)}`)
      }
      const ms = TimestampLogical.fromLogical(schema, value)
      if (Number.isNaN(ms)) throw new ValueError('Invalid Date value for Timestamp')
      return String(ms)
    }
  }
  return undefined
}

function writeMap(opts: JsonDataOptions, schema: Schema, value: unknown): string {
  const keySchema = schema.keySchema
  const valueSchema = schema.valueSchema
  const objectMode = keySchema.type === 'STRING'
  let out = objectMode ? '{' : '['
  let first = true
  const entry = (k: unknown, v: unknown): void => {
    if (!first) out += ','
    first = false
    try {
      if (objectMode) out += `${objectKey(opts, keySchema, k)}:${writeJson(opts, valueSchema, v)}`
      else out += `[${writeJson(opts, keySchema, k)},${writeJson(opts, valueSchema, v)}]`
    } catch (err) {
      throw atSegment(err, `[${typeof k === 'string' ? JSON.stringify(k) : String(k)}]`)
    }
  }
  if (value instanceof Map) {
    for (const [k, v] of value) entry(k, v)
  } else if (typeof value === 'object' && value !== null && isPlainObject(value)) {
    if (!objectMode) throw invalidType(schema, value)
    for (const k of Object.keys(value)) entry(k, (value as Record<string, unknown>)[k])
  } else {
    throw invalidType(schema, value)
  }
  return out + (objectMode ? '}' : ']')
}

/** A string-schema map key as an object member name (Jackson's `asText()` of the key's JSON). */
function objectKey(opts: JsonDataOptions, keySchema: Schema, k: unknown): string {
  if (typeof k === 'string') return quoteJsonString(k)
  if (k === null || k === undefined) {
    const json = writeJson(opts, keySchema, k)
    // A null key becomes the member name "null", like Jackson's NullNode.asText().
    return json === 'null' ? '"null"' : json
  }
  throw invalidType(keySchema, k)
}

/** JSON of a value without schema: the JavaScript type decides (see docs/adr/0002). */
function writeSchemaless(opts: JsonDataOptions, value: unknown): string {
  switch (typeof value) {
    case 'string':
      return quoteJsonString(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'number':
      // Integral numbers are Java Longs; only a double can be -0.0 or beyond 2^53.
      if (Number.isSafeInteger(value) && !Object.is(value, -0)) return String(value)
      return doubleJson(value)
    case 'bigint':
      return int64Json(null, value)
  }
  if (value instanceof Uint8Array) return `"${encodeBase64(value)}"`
  if (Array.isArray(value)) {
    let out = '['
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ','
      try {
        out += writeJson(opts, null, value[i])
      } catch (err) {
        throw atSegment(err, `[${i}]`)
      }
    }
    return `${out}]`
  }
  if (value instanceof Map) {
    let objectMode = true
    for (const k of value.keys()) {
      if (typeof k !== 'string') {
        objectMode = false
        break
      }
    }
    let out = objectMode ? '{' : '['
    let first = true
    for (const [k, v] of value) {
      if (!first) out += ','
      first = false
      try {
        if (objectMode) out += `${quoteJsonString(k as string)}:${writeJson(opts, null, v)}`
        else out += `[${writeKeylessKey(opts, k)},${writeJson(opts, null, v)}]`
      } catch (err) {
        throw atSegment(err, `[${typeof k === 'string' ? JSON.stringify(k) : String(k)}]`)
      }
    }
    return out + (objectMode ? '}' : ']')
  }
  if (isStructValue(value)) throw new ValueError('Mismatching schema.')
  if (typeof value === 'object' && value !== null && isPlainObject(value)) {
    let out = '{'
    let first = true
    for (const k of Object.keys(value)) {
      if (!first) out += ','
      first = false
      try {
        out += `${quoteJsonString(k)}:${writeJson(opts, null, (value as Record<string, unknown>)[k])}`
      } catch (err) {
        throw atSegment(err, `[${JSON.stringify(k)}]`)
      }
    }
    return `${out}}`
  }
  throw new ValueError(
    `JavaScript value of type ${describeJsValue(value)} does not have corresponding schema type` +
      (value instanceof Date || value instanceof Decimal ? ' (logical types need a schema)' : ''),
  )
}

function writeKeylessKey(opts: JsonDataOptions, k: unknown): string {
  return writeJson(opts, null, k)
}

// ---------------------------------------------------------------------------------------------------------
// JSON → Connect

function expected(schema: Schema, what: string, node: JsonValue | undefined): ValueError {
  return new ValueError(`Invalid type for ${schema.type}: expected ${what} but found ${nodeTypeName(node)}`)
}

/**
 * Converts a parsed JSON value to a Connect value like JsonConverter's `convertToConnect`: with a schema
 * it is checked against the schema (nulls become the default or null, or fail for required schemas);
 * without one, objects become plain objects, integers `number`/`bigint` (Java `Long`), other numbers
 * `number` (Java `Double`).
 *
 * Unlike Java, values of the wrong JSON type fail with a {@link ValueError} instead of silently becoming
 * 0, false or null, and integers out of range fail instead of being truncated.
 */
export function readJson(opts: JsonDataOptions, schema: Schema | null, node: JsonValue | undefined): unknown {
  if (schema === null) return readSchemaless(node)
  if (node === null || node === undefined) {
    const dflt = schema.defaultValue
    if (dflt !== undefined && dflt !== null && opts.replaceNullWithDefault) return dflt
    if (schema.isOptional) return null
    throw new ValueError(`Invalid null value for required ${schema.type} field`)
  }
  const name = schema.name
  if (name !== undefined && name.length > 30 && name.startsWith('org.apache.kafka.connect.data.')) {
    const logical = readLogical(schema, name, node)
    if (logical !== undefined) return logical
  }
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32': {
      const [min, max] = INT_RANGE[schema.type]
      const n = integralValue(schema, node)
      if (n < min || n > max) {
        throw new ValueError(
          `Invalid value for ${schema.type}: ${numberText(node)} is out of range [${min}, ${max}]`,
        )
      }
      return Number(n)
    }
    case 'INT64': {
      const n = integralValue(schema, node)
      if (typeof n === 'number') return n
      if (n < INT64_MIN || n > INT64_MAX) {
        throw new ValueError(`Invalid value for INT64: ${numberText(node)} is out of the 64-bit range`)
      }
      return Number.isSafeInteger(Number(n)) ? Number(n) : n
    }
    case 'FLOAT32':
      if (typeof node === 'number') return Math.fround(node)
      if (node instanceof JsonNumber)
        return node.integral
          ? decimalTextToFloat(node.text)
          : unsignedZero(decimalTextToFloat(node.text), node.text)
      return Math.fround(nonFinite(schema, node))
    case 'FLOAT64':
      if (typeof node === 'number') return node
      if (node instanceof JsonNumber) return decimalToDouble(node.text)
      return nonFinite(schema, node)
    case 'BOOLEAN':
      if (typeof node !== 'boolean') throw expected(schema, 'a JSON boolean', node)
      return node
    case 'STRING':
      if (typeof node !== 'string') throw expected(schema, 'a JSON string', node)
      return node
    case 'BYTES':
      if (typeof node !== 'string') throw expected(schema, 'a base64 JSON string', node)
      try {
        return decodeBase64(node)
      } catch (err) {
        throw new ValueError(`Invalid bytes field: ${(err as Error).message}`, { cause: err })
      }
    case 'ARRAY': {
      if (!Array.isArray(node)) throw expected(schema, 'a JSON array', node)
      const elementSchema = schema.valueSchema
      const out = new Array<unknown>(node.length)
      for (let i = 0; i < node.length; i++) {
        try {
          out[i] = readJson(opts, elementSchema, node[i])
        } catch (err) {
          throw atSegment(err, `[${i}]`)
        }
      }
      return out
    }
    case 'MAP':
      return readMap(opts, schema, node)
    case 'STRUCT': {
      if (!(node instanceof Map)) {
        throw new ValueError(`Structs should be encoded as JSON objects, but found ${nodeTypeName(node)}`)
      }
      const struct = new Struct(schema)
      for (const f of schema.fields) {
        try {
          struct.put(f, readJson(opts, f.schema, node.get(f.name)))
        } catch (err) {
          throw atSegment(err, `.${f.name}`)
        }
      }
      return struct
    }
  }
}

/**
 * The double of a decimal literal. Jackson reads decimals as `BigDecimal`, which has no negative zero:
 * `-0.0` is read as 0.0 (while `-1e-400` still underflows to -0.0).
 */
function decimalToDouble(text: string): number {
  return unsignedZero(Number(text), text)
}

function unsignedZero(d: number, text: string): number {
  if (d !== 0) return d
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x65 || c === 0x45) break
    if (c >= 0x31 && c <= 0x39) return d
  }
  return 0
}

/** NaN and infinities, which Jackson writes as strings. */
function nonFinite(schema: Schema, node: JsonValue): number {
  if (node === 'NaN') return Number.NaN
  if (node === 'Infinity') return Number.POSITIVE_INFINITY
  if (node === '-Infinity') return Number.NEGATIVE_INFINITY
  throw expected(schema, 'a JSON number (or "NaN", "Infinity", "-Infinity")', node)
}

function numberText(node: JsonValue): string {
  return node instanceof JsonNumber ? node.text : String(node)
}

/** The integer value of a numeric node (`1`, `1.0`, `1e3` are integral; `1.5` is not). */
function integralValue(schema: Schema, node: JsonValue): number | bigint {
  if (typeof node === 'number') return node
  if (!(node instanceof JsonNumber)) throw expected(schema, 'a JSON number', node)
  if (node.integral) return BigInt(node.text)
  const d = Decimal.fromString(node.text)
  const n = decimalToInteger(d.unscaled, d.scale)
  if (n === 'fraction')
    throw new ValueError(`Invalid value for ${schema.type}: ${node.text} is not an integer`)
  if (n === 'overflow') throw new ValueError(`Invalid value for ${schema.type}: ${node.text} is out of range`)
  return n
}

function readLogical(schema: Schema, name: string, node: JsonValue): unknown {
  switch (name) {
    case DECIMAL: {
      if (typeof node === 'number') return new Decimal(BigInt(node), 0)
      if (node instanceof JsonNumber) return Decimal.fromString(node.text)
      if (typeof node === 'string') {
        try {
          return DecimalLogical.toLogical(schema, decodeBase64(node))
        } catch (err) {
          throw new ValueError(`Invalid bytes for Decimal field: ${(err as Error).message}`, { cause: err })
        }
      }
      throw new ValueError(
        `Invalid type for Decimal, underlying representation should be numeric or bytes but was ${nodeTypeName(node)}`,
      )
    }
    case DATE: {
      if (!isInt(node)) {
        throw new ValueError(
          `Invalid type for Date, underlying representation should be integer but was ${nodeTypeName(node)}`,
        )
      }
      return checkedDate(DateLogical.toLogical(schema, node), 'Date', node)
    }
    case TIME:
      if (!isInt(node)) {
        throw new ValueError(
          `Invalid type for Time, underlying representation should be integer but was ${nodeTypeName(node)}`,
        )
      }
      return TimeLogical.toLogical(schema, node)
    case TIMESTAMP: {
      if (typeof node === 'number')
        return checkedDate(TimestampLogical.toLogical(schema, node), 'Timestamp', node)
      if (node instanceof JsonNumber && node.integral) {
        throw new ValueError(`Invalid value for Timestamp: ${node.text} is out of the supported range`)
      }
      throw new ValueError(
        `Invalid type for Timestamp, underlying representation should be integral but was ${nodeTypeName(node)}`,
      )
    }
  }
  return undefined
}

/** Jackson's `isInt()`: an integer literal within the Java `int` range. */
function isInt(node: JsonValue): node is number {
  return typeof node === 'number' && node >= -2147483648 && node <= 2147483647
}

function checkedDate(d: Date, what: string, node: JsonValue): Date {
  if (!(Math.abs(d.getTime()) <= MAX_DATE_MS)) {
    throw new ValueError(
      `Invalid value for ${what}: ${numberText(node)} is outside the range of a JavaScript Date`,
    )
  }
  return d
}

function readMap(opts: JsonDataOptions, schema: Schema, node: JsonValue): Map<unknown, unknown> {
  const keySchema = schema.keySchema
  const valueSchema = schema.valueSchema
  const out = new Map<unknown, unknown>()
  if (keySchema.type === 'STRING') {
    if (!(node instanceof Map)) {
      throw new ValueError(
        `Maps with string fields should be encoded as JSON objects, but found ${nodeTypeName(node)}`,
      )
    }
    for (const [k, v] of node) {
      try {
        out.set(k, readJson(opts, valueSchema, v))
      } catch (err) {
        throw atSegment(err, `[${JSON.stringify(k)}]`)
      }
    }
    return out
  }
  if (!Array.isArray(node)) {
    throw new ValueError(
      `Maps with non-string fields should be encoded as JSON array of tuples, but found ${nodeTypeName(node)}`,
    )
  }
  for (let i = 0; i < node.length; i++) {
    const entry = node[i]
    if (!Array.isArray(entry)) {
      throw new ValueError(`Found invalid map entry instead of array tuple: ${nodeTypeName(entry)}`)
    }
    if (entry.length !== 2) {
      throw new ValueError(`Found invalid map entry, expected length 2 but found :${entry.length}`)
    }
    try {
      out.set(readJson(opts, keySchema, entry[0]), readJson(opts, valueSchema, entry[1]))
    } catch (err) {
      throw atSegment(err, `[${i}]`)
    }
  }
  return out
}

/** Schemaless JSON → Connect: Java's inference (integers are `Long`, other numbers `Double`). */
function readSchemaless(node: JsonValue | undefined): unknown {
  if (node === null || node === undefined) return null
  switch (typeof node) {
    case 'boolean':
    case 'string':
    case 'number':
      return node
  }
  if (node instanceof JsonNumber) {
    if (!node.integral) return decimalToDouble(node.text)
    const n = BigInt(node.text)
    if (n < INT64_MIN || n > INT64_MAX) {
      throw new ValueError(`Invalid value for INT64: ${node.text} is out of the 64-bit range`)
    }
    return Number.isSafeInteger(Number(n)) ? Number(n) : n
  }
  if (Array.isArray(node)) {
    const out = new Array<unknown>(node.length)
    for (let i = 0; i < node.length; i++) {
      try {
        out[i] = readSchemaless(node[i])
      } catch (err) {
        throw atSegment(err, `[${i}]`)
      }
    }
    return out
  }
  return readSchemalessObject(node)
}

function readSchemalessObject(node: JsonObject): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of node) {
    let converted: unknown
    try {
      converted = readSchemaless(v)
    } catch (err) {
      throw atSegment(err, `[${JSON.stringify(k)}]`)
    }
    if (k === '__proto__') {
      Object.defineProperty(out, k, {
        value: converted,
        enumerable: true,
        writable: true,
        configurable: true,
      })
    } else out[k] = converted
  }
  return out
}
