/**
 * Kafka Connect's `org.apache.kafka.connect.data.Values` string forms, as SimpleHeaderConverter uses them:
 * {@link convertToString} writes a value as text (`[1,2]`, `{"a":1}`, `2024-01-15`), {@link parseString}
 * infers a schema and value back from text, with Java's rules: the narrowest integer type, `FLOAT32` for
 * fractions that fit, Decimal beyond, ISO-8601 dates, times and timestamps, arrays and maps with a
 * common element schema, and the whole text as a `STRING` when nothing else fits.
 *
 * Dates are read and written in UTC (Java uses the JVM's default time zone; Kafka Connect workers
 * normally run in UTC).
 *
 * @packageDocumentation
 */
import type { Schema, SchemaAndValue } from '../data/index.js'
import {
  ConnectSchema,
  DateLogical,
  Decimal,
  DecimalLogical,
  SchemaBuilder,
  Schemas,
  schemaEquals,
  TimeLogical,
  TimestampLogical,
} from '../data/index.js'
import { DataError } from '../errors.js'
import { encodeBase64 } from './base64.js'
import { bigDecimalToString, decimalTextToFloat, decimalToInteger, decimalTruncate } from './java-numbers.js'
import { describeJsValue, isBlank, isStructValue, javaNumberToString, javaTrim } from './java-strings.js'

const MILLIS_PER_DAY = 86_400_000
const NULL_SCHEMA_AND_VALUE: SchemaAndValue = Object.freeze({ schema: null, value: null })
const TRUE: SchemaAndValue = Object.freeze({ schema: Schemas.BOOLEAN, value: true })
const FALSE: SchemaAndValue = Object.freeze({ schema: Schemas.BOOLEAN, value: false })
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const DATE_LENGTH = 10
const TIME_LENGTH = 13
const TIMESTAMP_LENGTH = 24

// ---------------------------------------------------------------------------------------------------------
// Formatting

/**
 * The string form of a value (Java's `Values.convertToString`); `null` for a null value. The schema only
 * tells how JS numbers print (a `FLOAT64` 1 is `1.0`, as the Java `Double` would be).
 * @throws {@link DataError} for values with no string form (e.g. functions)
 */
export function convertToString(schema: Schema | null, value: unknown): string | null {
  if (value === null || value === undefined) return null
  return append(value, false, schema)
}

function append(value: unknown, embedded: boolean, schema: Schema | null | undefined): string {
  if (value === null || value === undefined) return 'null'
  switch (typeof value) {
    case 'number':
      return javaNumberToString(value, schema)
    case 'bigint':
      return value.toString()
    case 'boolean':
      return value ? 'true' : 'false'
    case 'string':
      return embedded ? `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"` : value
  }
  if (value instanceof Decimal) return bigDecimalToString(value.unscaled, value.scale)
  if (value instanceof Uint8Array) return embedded ? `"${encodeBase64(value)}"` : encodeBase64(value)
  if (value instanceof Date) return formatDate(value)
  if (Array.isArray(value)) {
    const element = schema?.type === 'ARRAY' ? elementSchema(schema) : undefined
    return `[${value.map((v) => append(v, true, element)).join(',')}]`
  }
  if (isStructValue(value)) {
    const s = value as { schema: Schema; get(name: string): unknown }
    return `{${s.schema.fields.map((f) => `${append(f.name, true, null)}:${append(s.get(f.name), true, f.schema)}`).join(',')}}`
  }
  if (typeof value === 'object') {
    const keySchema = schema?.type === 'MAP' ? keySchemaOf(schema) : undefined
    const valueSchema = schema?.type === 'MAP' ? elementSchema(schema) : undefined
    const entries: Iterable<[unknown, unknown]> =
      value instanceof Map ? value : Object.entries(value as Record<string, unknown>)
    const parts: string[] = []
    for (const [k, v] of entries) parts.push(`${append(k, true, keySchema)}:${append(v, true, valueSchema)}`)
    return `{${parts.join(',')}}`
  }
  throw new DataError(`Failed to serialize unexpected value type ${describeJsValue(value)}: ${String(value)}`)
}

function elementSchema(schema: Schema): Schema | undefined {
  try {
    return schema.valueSchema
  } catch {
    return undefined
  }
}

function keySchemaOf(schema: Schema): Schema | undefined {
  try {
    return schema.keySchema
  } catch {
    return undefined
  }
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0')
}

/** Java's `Values.dateFormatFor(d).format(d)`: time before 1970-01-02, date at midnight, else timestamp. */
/** A `java.util.Date` as `Values.dateFormatFor(d).format(d)` prints it (time, date or timestamp form, UTC). */
export function formatDate(d: Date): string {
  const ms = d.getTime()
  const time = `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(
    d.getUTCMilliseconds(),
    3,
  )}Z`
  if (ms < MILLIS_PER_DAY) return time
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`
  if (ms % MILLIS_PER_DAY === 0) return date
  return `${date}T${time}`
}

// ---------------------------------------------------------------------------------------------------------
// Parsing

/** Java's `Values.Parser`: splits text at unescaped `: , { } [ ] "`; each delimiter is its own token. */
class Tokenizer {
  readonly original: string
  #index = 0
  #next: string | null = null
  #previous: string | null = null

  constructor(original: string) {
    this.original = original
  }

  position(): number {
    return this.#index
  }

  mark(): number {
    return this.#index - (this.#next === null ? 0 : this.#next.length)
  }

  rewindTo(position: number): void {
    this.#index = position
    this.#next = null
    this.#previous = null
  }

  hasNext(): boolean {
    return this.#next !== null || this.#index < this.original.length
  }

  next(): string {
    if (this.#next !== null) {
      this.#previous = this.#next
      this.#next = null
    } else {
      this.#previous = this.#consume()
    }
    return this.#previous
  }

  /** The text of the next `n` tokens, or null (position unchanged) when there are fewer. */
  nextTokens(n: number): string | null {
    const start = this.mark()
    for (let i = 0; i < n; i++) {
      if (!this.hasNext()) {
        this.rewindTo(start)
        return null
      }
      this.next()
    }
    return this.original.substring(start, this.position())
  }

  previous(): string | null {
    return this.#previous
  }

  /** Consumes the next non-blank token if it is `expected` (ignoring surrounding white space). */
  canConsume(expected: string): boolean {
    if (this.#isNext(expected)) {
      this.#next = null
      return true
    }
    return false
  }

  #isNext(expected: string): boolean {
    if (this.#next === null) {
      if (!this.hasNext()) return false
      this.#next = this.#consume()
    }
    while (isBlank(this.#next) && this.#index < this.original.length) this.#next = this.#consume()
    return javaTrim(this.#next) === expected
  }

  #consume(): string {
    const s = this.original
    const start = this.#index
    let escaped = false
    let i = start
    while (i < s.length) {
      const c = s.charCodeAt(i)
      switch (c) {
        case 0x5c: // \
          escaped = !escaped
          break
        case 0x3a: // :
        case 0x2c: // ,
        case 0x7b: // {
        case 0x7d: // }
        case 0x5b: // [
        case 0x5d: // ]
        case 0x22: // "
          if (!escaped) {
            if (start < i) {
              this.#index = i
              return s.substring(start, i)
            }
            this.#index = i + 1
            return s.substring(start, start + 1)
          }
          escaped = false
          break
        default:
          escaped = false
      }
      i++
    }
    this.#index = i
    return s.substring(start, i)
  }
}

/** A failure inside parsing that makes the enclosing array/map parse fall back (Java's `DataException`). */
class ParseFailure extends Error {}

/**
 * Infers the schema and value of a string (Java's `Values.parseString`): `true`/`false` → BOOLEAN,
 * integers → the narrowest of INT8…INT64, other numbers → FLOAT32, FLOAT64 or Decimal, ISO-8601
 * `yyyy-MM-dd` / `HH:mm:ss.SSSZ` / `yyyy-MM-ddTHH:mm:ss.SSSZ` → Date / Time / Timestamp, `[…]` → ARRAY and
 * `{…}` → MAP (with a common element schema, or none), `null` → null; anything else, the whole string.
 */
export function parseString(value: string | null): SchemaAndValue {
  if (value === null) return NULL_SCHEMA_AND_VALUE
  if (value === '') return { schema: Schemas.STRING, value }
  return new ValueParser(new Tokenizer(value)).parse(false) ?? NULL_SCHEMA_AND_VALUE
}

class ValueParser {
  readonly #p: Tokenizer

  constructor(p: Tokenizer) {
    this.#p = p
  }

  #singleTokenLiteral(embedded: boolean, literal: string): boolean {
    const p = this.#p
    const start = p.mark()
    if (p.canConsume(literal)) {
      // A top-level "true}" is the string "true}", not the boolean followed by garbage.
      if (embedded || !p.hasNext()) return true
    }
    p.rewindTo(start)
    return false
  }

  parse(embedded: boolean): SchemaAndValue | null {
    const p = this.#p
    if (!p.hasNext()) return null
    if (embedded && p.canConsume('"')) return this.#parseQuotedString()
    if (this.#singleTokenLiteral(embedded, 'null')) return null
    if (this.#singleTokenLiteral(embedded, 'true')) return TRUE
    if (this.#singleTokenLiteral(embedded, 'false')) return FALSE
    const start = p.mark()
    try {
      if (p.canConsume('[')) return this.#parseArray()
      if (p.canConsume('{')) return this.#parseMap()
    } catch (err) {
      if (!(err instanceof ParseFailure || err instanceof DataError)) throw err
      // Not a valid array or map: read it as a plain token/string instead.
      p.rewindTo(start)
    }
    const token = p.next()
    if (isBlank(token)) return { schema: Schemas.STRING, value: token }
    return this.#parseNextToken(embedded, javaTrim(token))
  }

  #parseNextToken(embedded: boolean, token: string): SchemaAndValue {
    const first = token.charCodeAt(0)
    const digit = first >= 0x30 && first <= 0x39
    if (digit) {
      const temporal = this.#parseMultipleTokensAsTemporal(token)
      if (temporal !== null) return temporal
    }
    if (digit || first === 0x2b || first === 0x2d) {
      const n = parseAsNumber(token)
      if (n !== null) return n
    }
    if (embedded) throw new ParseFailure('Failed to parse embedded value')
    return { schema: Schemas.STRING, value: this.#p.original }
  }

  #parseQuotedString(): SchemaAndValue {
    const p = this.#p
    let content = ''
    while (p.hasNext()) {
      if (p.canConsume('"')) break
      content += p.next()
    }
    return parseAsTemporal(content) ?? { schema: Schemas.STRING, value: content }
  }

  #parseArray(): SchemaAndValue {
    const p = this.#p
    let result: unknown[] = []
    const merger = new SchemaMerger()
    while (p.hasNext()) {
      if (p.canConsume(']')) {
        const common = merger.schema
        if (common !== null) {
          const schema = SchemaBuilder.array(common).build()
          result = result.map((v) => convertTo(common, v))
          return { schema, value: result }
        }
        // Every element is null: an array schema without element schema.
        return { schema: new ConnectSchema({ type: 'ARRAY' }), value: result }
      }
      if (p.canConsume(',')) throw new ParseFailure(`Unable to parse an empty array element: ${p.original}`)
      const element = this.parse(true)
      merger.merge(element)
      result.push(element === null ? null : element.value)
      const position = p.mark()
      if (p.canConsume(']')) p.rewindTo(position)
      else if (!p.canConsume(',')) throw new ParseFailure("Array elements missing ',' delimiter")
    }
    if (p.previous() === ',') throw new ParseFailure(`Array is missing element after ',': ${p.original}`)
    throw new ParseFailure(`Array is missing terminating ']': ${p.original}`)
  }

  #parseMap(): SchemaAndValue {
    const p = this.#p
    let result = new Map<unknown, unknown>()
    const keys = new SchemaMerger()
    const values = new SchemaMerger()
    while (p.hasNext()) {
      if (p.canConsume('}')) {
        const k = keys.schema
        const v = values.schema
        if (k !== null && v !== null) {
          const schema = SchemaBuilder.map(k, v).build()
          const aligned = new Map<unknown, unknown>()
          for (const [key, value] of result) aligned.set(convertTo(k, key), convertTo(v, value))
          result = aligned
          return { schema, value: result }
        }
        if (k !== null) {
          const aligned = new Map<unknown, unknown>()
          for (const [key, value] of result) aligned.set(convertTo(k, key), value)
          return { schema: new ConnectSchema({ type: 'MAP', keySchema: k }), value: aligned }
        }
        return { schema: new ConnectSchema({ type: 'MAP' }), value: result }
      }
      if (p.canConsume(','))
        throw new ParseFailure(`Unable to parse a map entry with no key or value: ${p.original}`)
      const key = this.parse(true)
      if (key === null || key.value === null)
        throw new ParseFailure(`Map entry may not have a null key: ${p.original}`)
      if (!p.canConsume(':')) {
        throw new ParseFailure(`Map entry is missing ':' at ${p.position()} in ${p.original}`)
      }
      const value = this.parse(true)
      result.set(key.value, value === null ? null : value.value)
      p.canConsume(',')
      keys.merge(key)
      values.merge(value)
    }
    if (p.previous() === ',') throw new ParseFailure(`Map is missing element after ',': ${p.original}`)
    throw new ParseFailure(`Map is missing terminating '}': ${p.original}`)
  }

  #parseMultipleTokensAsTemporal(token: string): SchemaAndValue | null {
    // A time or timestamp is split into 5 tokens at its unescaped colons.
    const p = this.#p
    const position = p.mark()
    const remainder = p.nextTokens(4)
    if (remainder !== null) {
      const temporal = parseAsTemporal(token + remainder)
      if (temporal !== null) return temporal
    }
    p.rewindTo(position)
    return parseAsTemporal(token)
  }
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

/** Java's `parseAsNumber`: the narrowest integer, else FLOAT32, FLOAT64 or Decimal; null if not a number. */
function parseAsNumber(token: string): SchemaAndValue | null {
  if (!NUMBER.test(token)) return null
  let decimal: Decimal
  try {
    decimal = Decimal.fromString(token)
  } catch {
    return null
  }
  const exact = parseAsExactDecimal(decimal)
  if (exact !== null) return exact
  const canonical = token.replace(/^\+/, '')
  if (decimal.scale !== 0) {
    const f = decimalTextToFloat(canonical)
    if (Number.isFinite(f)) return { schema: Schemas.FLOAT32, value: f }
    const d = Number(canonical)
    if (Number.isFinite(d)) return { schema: Schemas.FLOAT64, value: d }
  }
  return { schema: DecimalLogical.schema(decimal.scale), value: decimal }
}

function parseAsExactDecimal(d: Decimal): SchemaAndValue | null {
  const integral = decimalToInteger(d.unscaled, d.scale)
  if (typeof integral !== 'bigint' || integral < INT64_MIN || integral > INT64_MAX) return null
  const n = Number(integral)
  if (n >= -128 && n <= 127) return { schema: Schemas.INT8, value: n }
  if (n >= -32768 && n <= 32767) return { schema: Schemas.INT16, value: n }
  if (n >= -2147483648 && n <= 2147483647) return { schema: Schemas.INT32, value: n }
  return { schema: Schemas.INT64, value: Number.isSafeInteger(n) ? n : integral }
}

const TIME_RE = /^(\d+):(\d+):(\d+)\.(\d+)Z/
const TIMESTAMP_RE = /^(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)\.(\d+)Z/
const DATE_RE = /^(\d+)-(\d+)-(\d+)/

/** Java's `parseAsTemporal`: by length, a time, timestamp or date in UTC (lenient, like SimpleDateFormat). */
function parseAsTemporal(token: string): SchemaAndValue | null {
  const t = token.replaceAll('\\:', ':')
  let m: RegExpExecArray | null
  switch (t.length) {
    case TIME_LENGTH:
      m = TIME_RE.exec(t)
      return m === null ? null : { schema: TimeLogical.SCHEMA, value: utc(1970, 1, 1, m, 1) }
    case TIMESTAMP_LENGTH:
      m = TIMESTAMP_RE.exec(t)
      return m === null ? null : { schema: TimestampLogical.SCHEMA, value: utc(+m[1]!, +m[2]!, +m[3]!, m, 4) }
    case DATE_LENGTH:
      m = DATE_RE.exec(t)
      return m === null ? null : { schema: DateLogical.SCHEMA, value: utc(+m[1]!, +m[2]!, +m[3]!) }
  }
  return null
}

/** A UTC date; out-of-range fields roll over like a lenient Java calendar. */
function utc(year: number, month: number, day: number, m?: RegExpExecArray, from = 0): Date {
  const d = new Date(0)
  d.setUTCFullYear(year, month - 1, day)
  if (m !== undefined) d.setUTCHours(+m[from]!, +m[from + 1]!, +m[from + 2]!, +m[from + 3]!)
  return d
}

/** Java's `SchemaMerger`: the common schema of parsed elements (numeric types widen). */
class SchemaMerger {
  schema: Schema | null = null
  #compatible = true

  merge(latest: SchemaAndValue | null): void {
    if (latest === null || latest.schema === null || !this.#compatible) return
    if (this.schema === null) {
      this.schema = latest.schema
      return
    }
    this.schema = mergeSchemas(this.schema, latest.schema)
    this.#compatible = this.schema !== null
  }
}

const NUMERIC_ORDER: Readonly<Partial<Record<string, number>>> = {
  INT8: 0,
  INT16: 1,
  INT32: 2,
  INT64: 3,
  FLOAT32: 4,
  FLOAT64: 5,
}

function mergeSchemas(previous: Schema, next: Schema): Schema | null {
  if (previous.type !== next.type) {
    const a = NUMERIC_ORDER[previous.type]
    const b = NUMERIC_ORDER[next.type]
    if (a === undefined || b === undefined) return null
    // The wider numeric schema wins.
    return b > a ? next : previous
  }
  if (previous.isOptional === next.isOptional) return previous.isOptional ? previous : next
  return schemaEquals(previous, next) ? previous : null
}

// ---------------------------------------------------------------------------------------------------------
// Conversion of parsed values to the common schema (Java's `convertTo` with no source schema)

function convertTo(to: Schema, value: unknown): unknown {
  if (value === null || value === undefined) {
    if (to.isOptional) return null
    throw new ParseFailure('Unable to convert a null value to a schema that requires a value')
  }
  switch (to.type) {
    case 'BYTES':
      if (to.name === DecimalLogical.LOGICAL_NAME) return toDecimal(to, value)
      if (value instanceof Uint8Array) return value
      if (value instanceof Decimal) return DecimalLogical.fromLogical(to, value)
      throw cannotConvert(value, to)
    case 'STRING':
      return append(value, false, null)
    case 'BOOLEAN':
      if (typeof value === 'boolean') return value
      if (typeof value === 'string') {
        const parsed = parseString(value)
        if (typeof parsed.value === 'boolean') return parsed.value
      }
      return asLong(value) !== 0n
    case 'INT8':
      return Number(BigInt.asIntN(8, asLong(value)))
    case 'INT16':
      return Number(BigInt.asIntN(16, asLong(value)))
    case 'INT32':
      if (to.name === DateLogical.LOGICAL_NAME)
        return toTemporal(to, value, (n) => DateLogical.toLogical(to, n))
      if (to.name === TimeLogical.LOGICAL_NAME)
        return toTemporal(to, value, (n) => TimeLogical.toLogical(to, n))
      if (typeof value === 'number' && Number.isInteger(value)) return value
      return Number(BigInt.asIntN(32, asLong(value)))
    case 'INT64': {
      if (to.name === TimestampLogical.LOGICAL_NAME) {
        return toTemporal(to, value, (n) => TimestampLogical.toLogical(to, n))
      }
      if ((typeof value === 'number' && Number.isInteger(value)) || typeof value === 'bigint') return value
      const n = asLong(value)
      return Number.isSafeInteger(Number(n)) ? Number(n) : n
    }
    case 'FLOAT32':
      return Math.fround(asDouble(value))
    case 'FLOAT64':
      return asDouble(value)
    case 'ARRAY':
      if (Array.isArray(value)) return value
      if (typeof value === 'string' && Array.isArray(parseString(value).value))
        return parseString(value).value
      throw cannotConvert(value, to)
    case 'MAP':
      if (value instanceof Map) return value
      if (typeof value === 'string' && parseString(value).value instanceof Map)
        return parseString(value).value
      throw cannotConvert(value, to)
    case 'STRUCT':
      if (isStructValue(value)) return value
      throw cannotConvert(value, to)
  }
}

function toTemporal(to: Schema, value: unknown, fromNumber: (n: number) => Date): Date {
  const v = typeof value === 'string' ? parseString(value).value : value
  if (v instanceof Date) return v
  return fromNumber(Number(BigInt.asIntN(to.type === 'INT32' ? 32 : 64, asLong(v))))
}

function toDecimal(to: Schema, value: unknown): Decimal {
  if (value instanceof Uint8Array) return DecimalLogical.toLogical(to, value)
  if (value instanceof Decimal) return value
  // BigDecimal.valueOf(double): the double's shortest decimal text.
  if (typeof value === 'number') return Decimal.fromString(javaNumberToString(value, Schemas.FLOAT64))
  if (typeof value === 'bigint') return Decimal.fromString(javaNumberToString(Number(value), Schemas.FLOAT64))
  if (typeof value === 'string') return Decimal.fromString(value)
  throw cannotConvert(value, to)
}

function cannotConvert(value: unknown, to: Schema | null): ParseFailure {
  return new ParseFailure(
    `Unable to convert ${String(value)} (${describeJsValue(value)}) to ${to === null ? 'a number' : String(to)}`,
  )
}

/** Java's `asLong` without a source schema: truncating numeric conversion. */
function asLong(value: unknown): bigint {
  if (typeof value === 'bigint') return BigInt.asIntN(64, value)
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 0n
    if (value >= 2 ** 63) return INT64_MAX
    if (value <= -(2 ** 63)) return INT64_MIN
    return BigInt(Math.trunc(value))
  }
  if (value instanceof Decimal) return BigInt.asIntN(64, decimalTruncate(value.unscaled, value.scale))
  if (typeof value === 'string' && NUMBER.test(value.trim()) && value.trim() === value) {
    const d = Decimal.fromString(value)
    return BigInt.asIntN(64, decimalTruncate(d.unscaled, d.scale))
  }
  throw cannotConvert(value, null)
}

function asDouble(value: unknown): number {
  if (typeof value === 'number') return value
  if (typeof value === 'bigint') return Number(value)
  if (value instanceof Decimal) return Number(bigDecimalToString(value.unscaled, value.scale))
  if (typeof value === 'string' && NUMBER.test(value)) return Number(value)
  return Number(asLong(value))
}
