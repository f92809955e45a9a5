import { Decimal, type Schema, Struct } from '@sluice/api'

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/**
 * What Java's `String.valueOf(value)` prints for a Connect value, which is what Kafka's FileStream sink
 * writes (`PrintStream.println(Object)`): `null` for null; integers plainly; FLOAT32/FLOAT64 like
 * `Float.toString`/`Double.toString` (`1.0`, `1.0E10`); `Struct{a=1,b=x}` (null fields left out);
 * lists as `[a, b]`; maps as `{k=v, k2=v2}`; Decimals like `BigDecimal.toString` (`1.5E+3` when the
 * scale is negative); Date/Time/Timestamp like `java.util.Date.toString` in UTC
 * (`Thu Jan 01 00:00:00 UTC 1970`).
 *
 * Byte arrays are the one exception: Java prints an identity hash (`[B@1b6d3586`), which carries no
 * data, so nested bytes print as their values (`[1, 2, 3]`, `Arrays.toString` style) and the sink writes
 * top-level bytes raw instead of calling this.
 *
 * @param schema the value's schema when known; it tells floats from integers (JS has one number type)
 */
export function javaString(value: unknown, schema: Schema | null = null): string {
  if (value === null || value === undefined) return 'null'
  switch (typeof value) {
    case 'string':
      return value
    case 'boolean':
    case 'bigint':
      return String(value)
    case 'number':
      return javaNumber(value, schema)
  }
  if (value instanceof Struct) return javaStruct(value)
  if (value instanceof Decimal) return javaBigDecimal(value)
  if (value instanceof Date) return javaDate(value)
  if (value instanceof Uint8Array) return `[${Array.prototype.join.call(signedBytes(value), ', ')}]`
  if (Array.isArray(value)) {
    const element = schema?.type === 'ARRAY' ? schema.valueSchema : null
    return `[${value.map((v) => javaString(v, element)).join(', ')}]`
  }
  const keySchema = schema?.type === 'MAP' ? schema.keySchema : null
  const valueSchema = schema?.type === 'MAP' ? schema.valueSchema : null
  if (value instanceof Map) {
    const parts: string[] = []
    for (const [k, v] of value) parts.push(`${javaString(k, keySchema)}=${javaString(v, valueSchema)}`)
    return `{${parts.join(', ')}}`
  }
  if (typeof value === 'object' && isPlainObject(value)) {
    const parts: string[] = []
    for (const [k, v] of Object.entries(value)) parts.push(`${k}=${javaString(v, valueSchema)}`)
    return `{${parts.join(', ')}}`
  }
  return String(value)
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** Java bytes are signed: `Arrays.toString(new byte[]{(byte) 0xff})` is `[-1]`. */
function signedBytes(bytes: Uint8Array): Int8Array {
  return new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

function javaStruct(struct: Struct): string {
  const parts: string[] = []
  for (const field of struct.schema.fields) {
    const v = struct.getWithoutDefault(field)
    if (v !== null && v !== undefined) parts.push(`${field.name}=${javaString(v, field.schema)}`)
  }
  return `Struct{${parts.join(',')}}`
}

function javaNumber(value: number, schema: Schema | null): string {
  const type = schema?.type
  if (type === 'FLOAT32') return javaFloatingPoint(shortestFloat32(value))
  if (type === 'FLOAT64') return javaFloatingPoint(String(value), value)
  if (schema !== null || Number.isInteger(value)) return String(value)
  // Schemaless JSON gives Double for non-integral numbers.
  return javaFloatingPoint(String(value), value)
}

/** The shortest decimal that reads back as the same float32, as `Float.toString` picks its digits. */
function shortestFloat32(value: number): string {
  if (!Number.isFinite(value) || value === 0) return String(value)
  for (let p = 1; p <= 9; p++) {
    const s = value.toPrecision(p)
    if (Math.fround(Number(s)) === value) return String(Number(s))
  }
  return String(value)
}

/**
 * `Double.toString` layout from JS's shortest digits: plain with at least one fraction digit for
 * 10^-3 <= |v| < 10^7, else `d.dddE<n>`.
 */
function javaFloatingPoint(digits: string, exact = Number(digits)): string {
  if (Number.isNaN(exact)) return 'NaN'
  if (!Number.isFinite(exact)) return exact > 0 ? 'Infinity' : '-Infinity'
  if (exact === 0) return Object.is(exact, -0) ? '-0.0' : '0.0'
  const abs = Math.abs(exact)
  if (abs >= 1e-3 && abs < 1e7) {
    const plain = Number(digits).toString()
    // JS may print small plain numbers in exponent form only below 1e-6, outside this branch.
    return plain.includes('.') ? plain : `${plain}.0`
  }
  const [mantissa = '', exponent = '0'] = Number(digits).toExponential().split('e')
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`
}

/** `BigDecimal.toString`: plain unless the scale is negative or the adjusted exponent is below -6. */
function javaBigDecimal(d: Decimal): string {
  const negative = d.unscaled < 0n
  const digits = (negative ? -d.unscaled : d.unscaled).toString()
  const adjusted = -d.scale + (digits.length - 1)
  if (d.scale >= 0 && adjusted >= -6) return d.toString()
  let mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits
  if (negative) mantissa = `-${mantissa}`
  return `${mantissa}E${adjusted >= 0 ? '+' : ''}${adjusted}`
}

/** `java.util.Date.toString` (`EEE MMM dd HH:mm:ss zzz yyyy`), in UTC rather than the JVM's zone. */
function javaDate(date: Date): string {
  if (Number.isNaN(date.getTime())) return 'Invalid Date'
  const pad = (n: number): string => String(n).padStart(2, '0')
  return (
    `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`
  )
}
