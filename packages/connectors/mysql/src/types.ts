import { Decimal, type Schema, SchemaBuilder, Struct } from '@sluice/api'
import type { ColumnDef } from './table.js'

/**
 * MySQL/MariaDB column types → Connect schemas and values, as Debezium 2.7's MySqlValueConverters map
 * them (names, versions, parameters), under the connector's decimal/time/bigint/binary handling modes.
 * Values arrive from two readers: the snapshot's query results (strings and Buffers, see
 * `snapshotTypeCast`) and the binlog decoder (numbers, strings, Buffers); both go through one conversion.
 */
export interface TypeModes {
  readonly decimalMode: 'precise' | 'double' | 'string'
  readonly timePrecisionMode: 'adaptive_time_microseconds' | 'connect'
  readonly bigintUnsignedMode: 'long' | 'precise'
  readonly binaryMode: 'bytes' | 'base64' | 'base64-url-safe' | 'hex'
}

/**
 * Converts one raw column value to its Connect value (null stays null). `streaming` is true for values
 * decoded from the binlog: Debezium formats a few of them differently from the snapshot's JDBC values.
 */
export type ValueConverter = (raw: unknown, streaming?: boolean) => unknown

export interface ColumnMapping {
  readonly schema: Schema
  readonly convert: ValueConverter
}

const MICROS_PER_DAY = 86_400_000_000n
const GEOMETRY_SCHEMA_NAME = 'io.debezium.data.geometry.Geometry'
const POINT_SCHEMA_NAME = 'io.debezium.data.geometry.Point'
/** MySQL's spatial column types. */
export const SPATIAL = new Set([
  'geometry',
  'point',
  'linestring',
  'polygon',
  'multipoint',
  'multilinestring',
  'multipolygon',
  'geometrycollection',
])
const BINARY = new Set(['binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob'])
const TEXT = new Set([
  'char',
  'varchar',
  'tinytext',
  'text',
  'mediumtext',
  'longtext',
  'json',
  'inet4',
  'inet6',
  'uuid',
])

function asString(raw: unknown): string {
  if (typeof raw === 'string') return raw
  if (typeof raw === 'object' && raw !== null && !(raw instanceof Uint8Array)) return JSON.stringify(raw)
  if (Buffer.isBuffer(raw)) return raw.toString('utf8')
  if (raw instanceof Uint8Array) return Buffer.from(raw).toString('utf8')
  return String(raw)
}

function asBuffer(raw: unknown): Buffer {
  if (Buffer.isBuffer(raw)) return raw
  if (raw instanceof Uint8Array) return Buffer.from(raw)
  if (typeof raw === 'string') return Buffer.from(raw, 'latin1')
  throw new TypeError(`expected bytes, got ${typeof raw}`)
}

function asBigInt(raw: unknown): bigint {
  if (typeof raw === 'bigint') return raw
  if (typeof raw === 'number') return BigInt(Math.trunc(raw))
  if (typeof raw === 'boolean') return raw ? 1n : 0n
  return BigInt(asString(raw).trim())
}

/** Days since 1970-01-01 of a proleptic Gregorian date (what java.time's LocalDate.toEpochDay gives). */
function epochDay(y: number, m: number, d: number): number {
  const t = Date.UTC(2000, m - 1, d)
  const shifted = new Date(t)
  shifted.setUTCFullYear(y)
  return Math.round(shifted.getTime() / 86_400_000)
}

const DATE_RE = /^(-?\d{1,4})-(\d{2})-(\d{2})/
const DATETIME_RE = /^(\d{1,4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?/
const TIME_RE = /^(-)?(\d+):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/

function fracMicros(frac: string | undefined): bigint {
  if (frac === undefined || frac === '') return 0n
  return BigInt(frac.padEnd(6, '0').slice(0, 6))
}

/**
 * {@link datetimeMicros} as a plain number, for the common case (about 1685–2255, where the microseconds
 * fit a double exactly); `undefined` when the value needs the exact bigint path. Streaming converts every
 * DATETIME through here, and the bigint arithmetic was a visible share of the per-row cost.
 */
function datetimeMicrosFast(raw: unknown): number | null | undefined {
  // Fixed layout `YYYY-MM-DD HH:MM:SS[.f…]` read by char codes: the regex and Date.UTC were most of it.
  if (typeof raw !== 'string' || raw.length < 19) return undefined
  const d = (i: number): number => raw.charCodeAt(i) - 48
  const sep = raw.charCodeAt(10)
  if (
    raw.charCodeAt(4) !== 45 ||
    raw.charCodeAt(7) !== 45 ||
    (sep !== 32 && sep !== 84) ||
    raw.charCodeAt(13) !== 58 ||
    raw.charCodeAt(16) !== 58
  )
    return undefined
  const y = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3)
  const mo = d(5) * 10 + d(6)
  const day = d(8) * 10 + d(9)
  const h = d(11) * 10 + d(12)
  const mi = d(14) * 10 + d(15)
  const sec = d(17) * 10 + d(18)
  if (!(y >= 0 && mo >= 0 && day >= 0 && h >= 0 && mi >= 0 && sec >= 0)) return undefined
  if (mo === 0 || day === 0) return null
  // Date.UTC reads years 0–99 as 19xx; the bigint path handles those.
  if (y < 100 || mo > 12 || h > 23 || mi > 59 || sec > 59) return undefined
  let frac = 0
  if (raw.length > 19) {
    if (raw.charCodeAt(19) !== 46) return undefined
    let scale = 100_000
    for (let i = 20; i < raw.length && i < 26; i++) {
      const x = d(i)
      if (x < 0 || x > 9) return undefined
      frac += x * scale
      scale /= 10
    }
  }
  // Days since 1970-01-01 in the proleptic Gregorian calendar (the civil-from-days inverse).
  const yy = mo <= 2 ? y - 1 : y
  const era = Math.floor(yy / 400)
  const yoe = yy - era * 400
  const doy = Math.floor((153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  const days = era * 146_097 + doe - 719_468
  const us = (days * 86_400 + h * 3600 + mi * 60 + sec) * 1_000_000 + frac
  return Number.isSafeInteger(us) ? us : undefined
}

/** Microseconds since the epoch of a `YYYY-MM-DD HH:MM:SS[.ffffff]` read as UTC; null for zero dates. */
export function datetimeMicros(raw: unknown): bigint | null {
  if (raw instanceof Date) return BigInt(raw.getTime()) * 1000n
  const m = DATETIME_RE.exec(asString(raw))
  if (m === null) {
    const d = DATE_RE.exec(asString(raw))
    if (d === null) return null
    if (Number(d[2]) === 0 || Number(d[3]) === 0) return null
    return BigInt(epochDay(Number(d[1]), Number(d[2]), Number(d[3]))) * MICROS_PER_DAY
  }
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (mo === 0 || d === 0) return null
  const day = BigInt(epochDay(y, mo, d))
  const secs = BigInt(Number(m[4]) * 3600 + Number(m[5]) * 60 + Number(m[6]))
  return day * MICROS_PER_DAY + secs * 1_000_000n + fracMicros(m[7])
}

/** Microseconds of a `[-]HHH:MM:SS[.ffffff]` TIME (negative and > 24 h allowed, as in MySQL). */
export function timeMicros(raw: unknown): bigint | null {
  const m = TIME_RE.exec(asString(raw).trim())
  if (m === null) return null
  const v = BigInt(Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4])) * 1_000_000n + fracMicros(m[5])
  return m[1] === '-' ? -v : v
}

function toLong(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v
}

/**
 * ISO-8601 UTC text of a TIMESTAMP as Debezium's ZonedTimestamp writes it: from the snapshot (JDBC) the
 * fraction has no trailing zeros; from the binlog a non-zero fraction has the column's `fsp` digits.
 */
export function zonedTimestamp(raw: unknown, fsp = 0): string | null {
  const micros = datetimeMicros(raw)
  if (micros === null) return null
  const ms = Number(micros / 1000n)
  const sub = Number(((micros % 1_000_000n) + 1_000_000n) % 1_000_000n)
  const base = new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)
  const digits = String(sub).padStart(6, '0')
  const frac = fsp > 0 ? `.${digits.slice(0, fsp)}` : sub === 0 ? '' : `.${digits.replace(/0+$/, '')}`
  return `${base}${frac}Z`
}

function bitsLittleEndian(raw: unknown, bits: number): Buffer {
  const size = Math.ceil(bits / 8)
  let v: bigint
  if (Buffer.isBuffer(raw) || raw instanceof Uint8Array) {
    v = 0n
    for (const b of raw as Uint8Array) v = (v << 8n) | BigInt(b)
  } else v = asBigInt(raw)
  const out = Buffer.alloc(size)
  for (let i = 0; i < size; i++) {
    out[i] = Number(v & 0xffn)
    v >>= 8n
  }
  return out
}

function binaryValue(mode: TypeModes['binaryMode']): ValueConverter {
  switch (mode) {
    case 'bytes':
      return (raw) => new Uint8Array(asBuffer(raw))
    case 'base64':
      return (raw) => asBuffer(raw).toString('base64')
    case 'base64-url-safe':
      return (raw) => asBuffer(raw).toString('base64url')
    case 'hex':
      return (raw) => asBuffer(raw).toString('hex')
  }
}

/** The geometry struct schemas (Debezium's `Geometry` and `Point`). */
function geometrySchema(point: boolean, optional: boolean): Schema {
  const b = SchemaBuilder.struct()
  if (point) {
    b.name(POINT_SCHEMA_NAME).version(1).doc('Geometry (POINT)')
    b.field('x', SchemaBuilder.float64().build())
    b.field('y', SchemaBuilder.float64().build())
    b.field('wkb', SchemaBuilder.bytes().optional().build())
  } else {
    b.name(GEOMETRY_SCHEMA_NAME).version(1).doc('Geometry')
    b.field('wkb', SchemaBuilder.bytes().build())
  }
  b.field('srid', SchemaBuilder.int32().optional().build())
  if (optional) b.optional()
  return b.build()
}

/** MySQL's internal geometry value: 4-byte little-endian SRID, then WKB. */
function geometryValue(schema: Schema, point: boolean): ValueConverter {
  return (raw) => {
    const buf = asBuffer(raw)
    const srid = buf.readUInt32LE(0)
    const wkb = new Uint8Array(buf.subarray(4))
    const s = new Struct(schema)
    if (point) {
      // WKB point: byte order, uint32 type, then x and y doubles.
      const le = buf[4] === 1
      s.put('x', le ? buf.readDoubleLE(9) : buf.readDoubleBE(9))
      s.put('y', le ? buf.readDoubleLE(17) : buf.readDoubleBE(17))
    }
    s.put('wkb', wkb)
    s.put('srid', srid === 0 ? null : srid)
    return s
  }
}

/** Parses a MariaDB INFORMATION_SCHEMA default (`'abc'`, `42`, `NULL`, `current_timestamp()`) to raw text, or undefined when it is no literal. */
function literalDefault(expr: string | null): string | undefined {
  if (expr === null || expr === 'NULL') return undefined
  if (expr.startsWith("'") && expr.endsWith("'") && expr.length >= 2)
    return expr.slice(1, -1).replace(/''/g, "'").replace(/\\(.)/g, '$1')
  if (/^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(expr)) return expr
  if (/^b'[01]+'$/i.test(expr)) return String(BigInt(`0b${expr.slice(2, -1)}`))
  return undefined
}

/**
 * The Connect schema and value converter of one column. `optional` is the column's nullability except
 * for key columns (callers pass false).
 */
export function mapColumn(col: ColumnDef, modes: TypeModes, optional = col.nullable): ColumnMapping {
  const t = col.dataType
  const connect = modes.timePrecisionMode === 'connect'
  let b: SchemaBuilder
  let convert: ValueConverter
  let geometry: { point: boolean } | undefined
  if (t === 'bit') {
    const n = col.length ?? 1
    if (n === 1) {
      b = SchemaBuilder.bool()
      convert = (raw) => {
        if (typeof raw === 'boolean') return raw
        if (Buffer.isBuffer(raw) || raw instanceof Uint8Array) return (raw as Uint8Array).some((x) => x !== 0)
        return asBigInt(raw) !== 0n
      }
    } else {
      b = SchemaBuilder.bytes().name('io.debezium.data.Bits').version(1).parameter('length', String(n))
      convert = (raw) => new Uint8Array(bitsLittleEndian(raw, n))
    }
  } else if (t === 'tinyint' || (t === 'smallint' && !col.unsigned)) {
    b = SchemaBuilder.int16()
    convert = (raw) => Number(asBigInt(raw))
  } else if (t === 'smallint' || t === 'mediumint' || (t === 'int' && !col.unsigned)) {
    b = SchemaBuilder.int32()
    convert = (raw) => Number(asBigInt(raw))
  } else if (t === 'int' || (t === 'bigint' && !col.unsigned)) {
    b = SchemaBuilder.int64()
    convert = (raw) => toLong(asBigInt(raw))
  } else if (t === 'bigint') {
    if (modes.bigintUnsignedMode === 'precise') {
      b = SchemaBuilder.bytes()
        .name('org.apache.kafka.connect.data.Decimal')
        .version(1)
        .parameter('scale', '0')
        .parameter('connect.decimal.precision', '20')
      convert = (raw) => new Decimal(BigInt.asUintN(64, asBigInt(raw)), 0)
    } else {
      b = SchemaBuilder.int64()
      // Java's long: values above 2^63-1 wrap to negatives, as in Debezium's `long` mode.
      convert = (raw) => toLong(BigInt.asIntN(64, asBigInt(raw)))
    }
  } else if (t === 'float') {
    b = SchemaBuilder.float32()
    convert = (raw) => Math.fround(Number(raw))
  } else if (t === 'double' || t === 'real') {
    b = SchemaBuilder.float64()
    convert = (raw) => Number(raw)
  } else if (t === 'decimal' || t === 'numeric') {
    const scale = col.scale ?? 0
    if (modes.decimalMode === 'double') {
      b = SchemaBuilder.float64()
      convert = (raw) => Number(raw)
    } else if (modes.decimalMode === 'string') {
      b = SchemaBuilder.string()
      convert = (raw) => Decimal.fromString(asString(raw)).toString()
    } else {
      b = SchemaBuilder.bytes()
        .name('org.apache.kafka.connect.data.Decimal')
        .version(1)
        .parameter('scale', String(scale))
        .parameter('connect.decimal.precision', String(col.length ?? 10))
      convert = (raw) => rescale(Decimal.fromString(asString(raw)), scale)
    }
  } else if (t === 'date') {
    b = connect
      ? SchemaBuilder.int32().name('org.apache.kafka.connect.data.Date').version(1)
      : SchemaBuilder.int32().name('io.debezium.time.Date').version(1)
    convert = (raw) => {
      const us = datetimeMicros(raw)
      if (us === null) return col.nullable ? null : connect ? new Date(0) : 0
      const days = Number(us / MICROS_PER_DAY)
      return connect ? new Date(days * 86_400_000) : days
    }
  } else if (t === 'time') {
    if (connect) {
      b = SchemaBuilder.int32().name('org.apache.kafka.connect.data.Time').version(1)
      convert = (raw) => new Date(Number((timeMicros(raw) ?? 0n) / 1000n))
    } else {
      b = SchemaBuilder.int64().name('io.debezium.time.MicroTime').version(1)
      convert = (raw) => {
        const us = timeMicros(raw)
        return us === null ? null : toLong(us)
      }
    }
  } else if (t === 'datetime') {
    if (connect) {
      b = SchemaBuilder.int64().name('org.apache.kafka.connect.data.Timestamp').version(1)
      convert = (raw) => {
        const us = datetimeMicros(raw)
        return us === null ? (col.nullable ? null : new Date(0)) : new Date(Number(us / 1000n))
      }
    } else if (col.fsp <= 3) {
      b = SchemaBuilder.int64().name('io.debezium.time.Timestamp').version(1)
      convert = (raw) => {
        const fast = datetimeMicrosFast(raw)
        if (fast !== undefined) return fast === null ? (col.nullable ? null : 0) : Math.floor(fast / 1000)
        const us = datetimeMicros(raw)
        return us === null ? (col.nullable ? null : 0) : toLong(floorDiv(us, 1000n))
      }
    } else {
      b = SchemaBuilder.int64().name('io.debezium.time.MicroTimestamp').version(1)
      convert = (raw) => {
        const fast = datetimeMicrosFast(raw)
        if (fast !== undefined) return fast === null ? (col.nullable ? null : 0) : fast
        const us = datetimeMicros(raw)
        return us === null ? (col.nullable ? null : 0) : toLong(us)
      }
    }
  } else if (t === 'timestamp') {
    b = SchemaBuilder.string().name('io.debezium.time.ZonedTimestamp').version(1)
    convert = (raw, streaming) =>
      zonedTimestamp(raw, streaming === true ? col.fsp : 0) ?? (col.nullable ? null : '1970-01-01T00:00:00Z')
  } else if (t === 'year') {
    b = SchemaBuilder.int32().name('io.debezium.time.Year').version(1)
    convert = (raw) => Number(asBigInt(raw))
  } else if (t === 'enum') {
    b = SchemaBuilder.string()
      .name('io.debezium.data.Enum')
      .version(1)
      .parameter('allowed', col.members.join(','))
    convert = (raw) => (typeof raw === 'number' ? (col.members[raw - 1] ?? '') : asString(raw))
  } else if (t === 'set') {
    b = SchemaBuilder.string()
      .name('io.debezium.data.EnumSet')
      .version(1)
      .parameter('allowed', col.members.join(','))
    convert = (raw) => setValue(raw, col.members)
  } else if (BINARY.has(t)) {
    b = modes.binaryMode === 'bytes' ? SchemaBuilder.bytes() : SchemaBuilder.string()
    const conv = binaryValue(modes.binaryMode)
    const fixed = t === 'binary' ? (col.length ?? 0) : 0
    // BINARY(n) is right-padded with zero bytes to its length, as the server stores it.
    convert = fixed > 0 ? (raw) => conv(padRight(asBuffer(raw), fixed)) : conv
  } else if (SPATIAL.has(t)) {
    const point = t === 'point'
    geometry = { point }
    b = SchemaBuilder.struct() // replaced below (geometry schemas are prebuilt structs)
    convert = () => null
  } else if (TEXT.has(t)) {
    b = SchemaBuilder.string()
    convert = asString
  } else {
    throw new TypeError(
      `column ${col.name} has type ${col.columnType}, which Sluice's MySQL connector does not map`,
    )
  }
  if (geometry !== undefined) {
    const schema = geometrySchema(geometry.point, optional)
    return { schema, convert: nullSafe(geometryValue(schema, geometry.point)) }
  }
  if (optional) b.optional()
  const lit = literalDefault(col.defaultExpr)
  if (lit !== undefined) {
    const dv = convert(lit)
    if (dv !== null && dv !== undefined) b.defaultValue(dv)
  }
  return { schema: b.build(), convert: nullSafe(convert) }
}

function nullSafe(f: ValueConverter): ValueConverter {
  return (raw, streaming) => (raw === null || raw === undefined ? null : f(raw, streaming))
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q
}

function rescale(d: Decimal, scale: number): Decimal {
  if (d.scale === scale) return d
  if (d.scale < scale) return new Decimal(d.unscaled * 10n ** BigInt(scale - d.scale), scale)
  return new Decimal(d.unscaled / 10n ** BigInt(d.scale - scale), scale)
}

function padRight(buf: Buffer, len: number): Buffer {
  if (buf.length >= len) return buf
  const out = Buffer.alloc(len)
  buf.copy(out)
  return out
}

function setValue(raw: unknown, members: readonly string[]): string {
  if (typeof raw === 'string') return raw
  if (Array.isArray(raw)) return raw.join(',')
  // The binlog's SET value is a bitmap of member indexes.
  const bits = asBigInt(raw)
  return members.filter((_, i) => (bits >> BigInt(i)) & 1n).join(',')
}
