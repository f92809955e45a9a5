/**
 * Java string behaviour the converters reproduce: `String.trim`, `Object.toString` of Connect values
 * (StringConverter), `java.util.Date.toString`, and the names of JavaScript values in error messages.
 *
 * @packageDocumentation
 */
import type { Schema } from '../data/index.js'
import { Decimal } from '../data/index.js'
import { isStruct } from '../data/struct-brand.js'
import { encodeBase64 } from './base64.js'
import { bigDecimalToString, javaDoubleToString, javaFloatToString } from './java-numbers.js'

/** True for a `Struct` of `@sluice/api` (also one from another copy of the package). */
export const isStructValue: (value: unknown) => boolean = isStruct

/** True for `{}`-style objects (prototype `Object.prototype` or `null`), which stand for string-keyed maps. */
export function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown
  return proto === Object.prototype || proto === null
}

/** A short name of a JavaScript value's type for messages: `string`, `number`, `Uint8Array`, `Struct`, … */
export function describeJsValue(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value !== 'object') return typeof value
  if (isStructValue(value)) return 'Struct'
  if (Array.isArray(value)) return 'Array'
  if (isPlainObject(value)) return 'object'
  const ctor = (value as { constructor?: { name?: unknown } }).constructor
  return typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : 'object'
}

/** Java's `String.trim()`: removes chars up to U+0020 at both ends (not Unicode white space). */
export function javaTrim(s: string): string {
  let start = 0
  let end = s.length
  while (start < end && s.charCodeAt(start) <= 0x20) start++
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--
  return start === 0 && end === s.length ? s : s.slice(start, end)
}

/** Java's `Utils.isBlank`: empty after {@link javaTrim}. */
export function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x20) return false
  return true
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0')
}

/** Java's `java.util.Date.toString()` in a UTC JVM: `Thu Jan 01 00:00:00 UTC 1970`. */
export function javaDateToString(d: Date): string {
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate(), 2)} ${pad(d.getUTCHours(), 2)}:${pad(
    d.getUTCMinutes(),
    2,
  )}:${pad(d.getUTCSeconds(), 2)} UTC ${d.getUTCFullYear()}`
}

/**
 * The text of a JS number as the Java object it stands for: with a schema, its type decides
 * (`FLOAT64` 1 → `1.0`, `FLOAT32` 0.1 → `0.1`, ints → digits); without one, safe integers print as
 * integers (a Java `Long`) and anything else as a `Double`.
 */
export function javaNumberToString(n: number, schema: Schema | null | undefined): string {
  switch (schema?.type) {
    case 'FLOAT32':
      return javaFloatToString(n)
    case 'FLOAT64':
      return javaDoubleToString(n)
    case 'INT8':
    case 'INT16':
    case 'INT32':
    case 'INT64':
      if (Number.isInteger(n)) return n === 0 ? '0' : String(n)
  }
  if (Number.isSafeInteger(n) && !Object.is(n, -0)) return String(n)
  return javaDoubleToString(n)
}

/**
 * Java's `Object.toString()` of a Connect value, as StringConverter uses it: numbers per
 * {@link javaNumberToString}, `Decimal` as `BigDecimal.toString()`, `Date` as `java.util.Date`, lists
 * as `[a, b]`, maps as `{k=v, k2=v2}`, structs as `Struct{a=1,b=x}` (unset fields left out).
 *
 * Bytes have no useful `toString()` in Java (`[B@1b6d3586`); they are returned as `undefined` so the
 * caller can reject them.
 */
export function javaToString(value: unknown, schema?: Schema | null): string | undefined {
  switch (typeof value) {
    case 'string':
      return value
    case 'number':
      return javaNumberToString(value, schema)
    case 'bigint':
    case 'boolean':
      return String(value)
  }
  if (value === null || value === undefined) return 'null'
  if (value instanceof Uint8Array) return undefined
  if (value instanceof Decimal) return bigDecimalToString(value.unscaled, value.scale)
  if (value instanceof Date) return javaDateToString(value)
  if (Array.isArray(value)) {
    const element = schema?.type === 'ARRAY' ? schema.valueSchema : null
    const parts: string[] = []
    for (const v of value) parts.push(javaToString(v, element) ?? bytesToString(v))
    return `[${parts.join(', ')}]`
  }
  if (isStructValue(value)) {
    const s = value as { schema: Schema; getWithoutDefault(name: string): unknown }
    const parts: string[] = []
    for (const f of s.schema.fields) {
      const v = s.getWithoutDefault(f.name)
      if (v !== null && v !== undefined)
        parts.push(`${f.name}=${javaToString(v, f.schema) ?? bytesToString(v)}`)
    }
    return `Struct{${parts.join(',')}}`
  }
  const keySchema = schema?.type === 'MAP' ? schema.keySchema : null
  const valueSchema = schema?.type === 'MAP' ? schema.valueSchema : null
  const entries: Iterable<[unknown, unknown]> =
    value instanceof Map ? value : Object.entries(value as Record<string, unknown>)
  const parts: string[] = []
  for (const [k, v] of entries) {
    parts.push(
      `${javaToString(k, keySchema) ?? bytesToString(k)}=${javaToString(v, valueSchema) ?? bytesToString(v)}`,
    )
  }
  return `{${parts.join(', ')}}`
}

/** Nested bytes: base64, since Java's identity-hash text (`[B@…`) carries nothing. */
function bytesToString(v: unknown): string {
  return v instanceof Uint8Array ? encodeBase64(v) : String(v)
}
