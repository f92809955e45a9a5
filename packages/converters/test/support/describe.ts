/**
 * Typed, language-neutral descriptions of Connect schemas (SD) and values (VD), shared with the Java
 * harness (test/java/JsonConverterHarness.java) so both sides build exactly the same data and report
 * decoded data in the same form. A VD tag names the Java class: `i8` Byte, `i16` Short, `i32` Integer,
 * `i64` Long, `f32` Float and `f64` Double (as IEEE bits in hex), `dec` BigDecimal, `date` java.util.Date.
 * `num` is produced only by the Sluice side for a schemaless JS number, whose Java class is unknowable.
 */
import type { Schema, SchemaType } from '@sluice/api'
import { Decimal, SchemaBuilder, Struct } from '@sluice/api'

export interface SD {
  readonly type: SchemaType
  readonly optional?: boolean
  readonly name?: string
  readonly version?: number
  readonly doc?: string
  readonly parameters?: ReadonlyArray<readonly [string, string]>
  readonly default?: VD
  readonly fields?: ReadonlyArray<{ readonly name: string; readonly schema: SD }>
  readonly keys?: SD | null
  readonly values?: SD | null
}

export type VD =
  | null
  | { readonly i8: number }
  | { readonly i16: number }
  | { readonly i32: number }
  | { readonly i64: string }
  | { readonly f32: string }
  | { readonly f64: string }
  | { readonly num: string }
  | { readonly bool: boolean }
  | { readonly str: string }
  | { readonly bytes: string }
  | { readonly dec: readonly [string, number] }
  | { readonly date: number }
  | { readonly arr: readonly VD[] }
  | { readonly map: ReadonlyArray<readonly [VD, VD]> }
  | { readonly struct: ReadonlyArray<readonly [string, VD]> }
  | { readonly unknown: string }

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)
const f64 = new Float64Array(1)
const u64 = new BigUint64Array(f64.buffer)

/** Java's `Float.floatToIntBits` (NaN canonical) in hex, as `Integer.toHexString` prints it. */
export function floatBits(x: number): string {
  f32[0] = x
  return Number.isNaN(x) ? '7fc00000' : (u32[0] ?? 0).toString(16)
}

/** Java's `Double.doubleToLongBits` (NaN canonical) in hex, as `Long.toHexString` prints it. */
export function doubleBits(x: number): string {
  f64[0] = x
  return Number.isNaN(x) ? '7ff8000000000000' : (u64[0] ?? 0n).toString(16)
}

function fromFloatBits(hex: string): number {
  u32[0] = Number.parseInt(hex, 16)
  return f32[0] ?? 0
}

function fromDoubleBits(hex: string): number {
  u64[0] = BigInt(`0x${hex}`)
  return f64[0] ?? 0
}

/** Builds the Sluice schema of a description. */
export function buildSchema(sd: SD | null | undefined): Schema | null {
  if (sd === null || sd === undefined) return null
  let b: SchemaBuilder
  switch (sd.type) {
    case 'ARRAY':
      b = SchemaBuilder.array(buildSchema(sd.values) as Schema)
      break
    case 'MAP':
      b = SchemaBuilder.map(buildSchema(sd.keys) as Schema, buildSchema(sd.values) as Schema)
      break
    case 'STRUCT':
      b = SchemaBuilder.struct()
      for (const f of sd.fields ?? []) b.field(f.name, buildSchema(f.schema) as Schema)
      break
    default:
      b = SchemaBuilder.type(sd.type)
  }
  if (sd.optional === true) b.optional()
  if (sd.name !== undefined) b.name(sd.name)
  if (sd.version !== undefined) b.version(sd.version)
  if (sd.doc !== undefined) b.doc(sd.doc)
  for (const [k, v] of sd.parameters ?? []) b.parameter(k, v)
  if (sd.default !== undefined && sd.default !== null) b.defaultValue(buildValue(b.build(), sd.default))
  return b.build()
}

/** Builds the Sluice (JS) value of a description. */
export function buildValue(schema: Schema | null, vd: VD): unknown {
  if (vd === null) return null
  if ('i8' in vd) return vd.i8
  if ('i16' in vd) return vd.i16
  if ('i32' in vd) return vd.i32
  if ('i64' in vd) {
    const n = BigInt(vd.i64)
    return Number.isSafeInteger(Number(n)) ? Number(n) : n
  }
  if ('f32' in vd) return fromFloatBits(vd.f32)
  if ('f64' in vd) return fromDoubleBits(vd.f64)
  if ('num' in vd) return Number(vd.num)
  if ('bool' in vd) return vd.bool
  if ('str' in vd) return vd.str
  if ('bytes' in vd) return new Uint8Array(Buffer.from(vd.bytes, 'base64'))
  if ('dec' in vd) return new Decimal(BigInt(vd.dec[0]), vd.dec[1])
  if ('date' in vd) return new Date(vd.date)
  if ('arr' in vd) return vd.arr.map((e) => buildValue(schema === null ? null : schema.valueSchema, e))
  if ('map' in vd) {
    return new Map(
      vd.map.map(([k, v]) => [
        buildValue(schema === null ? null : schema.keySchema, k),
        buildValue(schema === null ? null : schema.valueSchema, v),
      ]),
    )
  }
  if ('struct' in vd) {
    if (schema === null) throw new Error('a struct description needs a schema')
    const s = new Struct(schema)
    for (const [name, v] of vd.struct) s.put(name, buildValue(schema.field(name)?.schema ?? null, v))
    return s
  }
  throw new Error(`cannot build ${JSON.stringify(vd)}`)
}

/** Describes a Sluice schema. */
export function describeSchema(schema: Schema | null): SD | null {
  if (schema === null) return null
  const out: {
    type: SchemaType
    optional: boolean
    name?: string
    version?: number
    doc?: string
    parameters?: [string, string][]
    default?: VD
    fields?: { name: string; schema: SD }[]
    keys?: SD | null
    values?: SD | null
  } = { type: schema.type, optional: schema.isOptional }
  if (schema.name !== undefined) out.name = schema.name
  if (schema.version !== undefined) out.version = schema.version
  if (schema.doc !== undefined) out.doc = schema.doc
  if (schema.parameters !== undefined) out.parameters = Object.entries(schema.parameters)
  if (schema.defaultValue !== undefined && schema.defaultValue !== null) {
    out.default = describeValue(schema, schema.defaultValue)
  }
  if (schema.type === 'ARRAY') out.values = orNull(() => describeSchema(schema.valueSchema))
  if (schema.type === 'MAP') {
    out.keys = orNull(() => describeSchema(schema.keySchema))
    out.values = orNull(() => describeSchema(schema.valueSchema))
  }
  if (schema.type === 'STRUCT') {
    out.fields = schema.fields.map((f) => ({ name: f.name, schema: describeSchema(f.schema) as SD }))
  }
  return out
}

function orNull(f: () => SD | null): SD | null {
  try {
    return f()
  } catch {
    return null
  }
}

function sub(schema: Schema | null, part: 'key' | 'value'): Schema | null {
  if (schema === null) return null
  try {
    return part === 'key' ? schema.keySchema : schema.valueSchema
  } catch {
    return null
  }
}

/** Describes a Sluice value; the schema gives JS numbers their Java class. */
export function describeValue(schema: Schema | null, value: unknown): VD {
  if (value === null || value === undefined) return null
  switch (typeof value) {
    case 'boolean':
      return { bool: value }
    case 'string':
      return { str: value }
    case 'bigint':
      return { i64: value.toString() }
    case 'number':
      switch (schema?.type) {
        case 'INT8':
          return { i8: value }
        case 'INT16':
          return { i16: value }
        case 'INT32':
          return { i32: value }
        case 'INT64':
          return { i64: String(value) }
        case 'FLOAT32':
          return { f32: floatBits(value) }
        case 'FLOAT64':
          return { f64: doubleBits(value) }
      }
      return { num: Object.is(value, -0) ? '-0' : String(value) }
  }
  if (value instanceof Uint8Array) return { bytes: Buffer.from(value).toString('base64') }
  if (value instanceof Decimal) return { dec: [value.unscaled.toString(), value.scale] }
  if (value instanceof Date) return { date: value.getTime() }
  if (Array.isArray(value)) return { arr: value.map((e) => describeValue(sub(schema, 'value'), e)) }
  if (value instanceof Struct) {
    return {
      struct: value.schema.fields.map((f) => [
        f.name,
        describeValue(f.schema, value.getWithoutDefault(f.name)),
      ]),
    }
  }
  if (value instanceof Map) {
    return {
      map: [...value].map(([k, v]) => [
        describeValue(sub(schema, 'key'), k),
        describeValue(sub(schema, 'value'), v),
      ]),
    }
  }
  if (typeof value === 'object') {
    return {
      map: Object.entries(value).map(
        ([k, v]) => [{ str: k }, describeValue(sub(schema, 'value'), v)] as const,
      ),
    }
  }
  return { unknown: typeof value }
}

/** Numeric value of a numeric VD, or undefined. */
function numericValue(vd: VD): number | bigint | undefined {
  if (vd === null) return undefined
  if ('i8' in vd) return vd.i8
  if ('i16' in vd) return vd.i16
  if ('i32' in vd) return vd.i32
  if ('i64' in vd) return BigInt(vd.i64)
  if ('f32' in vd) return fromFloatBits(vd.f32)
  if ('f64' in vd) return fromDoubleBits(vd.f64)
  if ('num' in vd) return Number(vd.num)
  return undefined
}

function sortKey(vd: unknown): string {
  return JSON.stringify(vd)
}

/** A canonical form for comparison: map entries and parameters sorted (Java's HashMap has its own order). */
export function canonical(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(canonical)
  if (x === null || typeof x !== 'object') return x
  const o = x as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(o).sort()) {
    const v = o[k]
    if ((k === 'map' || k === 'parameters') && Array.isArray(v)) {
      out[k] = (v as unknown[])
        .map(canonical)
        .sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0))
    } else out[k] = canonical(v)
  }
  return out
}

/**
 * Whether a Java description equals a Sluice one: exact, except that a Sluice `num` (schemaless JS
 * number) matches any Java numeric class with the same value.
 */
export function sameDescription(java: unknown, sluice: unknown): boolean {
  return same(canonical(java), canonical(sluice))
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false
    if (a.every((x, i) => same(x, b[i]))) return true
    // Maps compared as sets of entries: try to match each entry (order already canonical, but `num`
    // and typed tags sort differently).
    const rest = [...b]
    for (const x of a) {
      const i = rest.findIndex((y) => same(x, y))
      if (i < 0) return false
      rest.splice(i, 1)
    }
    return true
  }
  const ra = a as Record<string, unknown>
  const rb = b as Record<string, unknown>
  if ('num' in rb || 'num' in ra) {
    const x = numericValue(ra as VD)
    const y = numericValue(rb as VD)
    if (x === undefined || y === undefined) return false
    if (Number.isNaN(Number(x)) && Number.isNaN(Number(y))) return true
    return typeof x === typeof y ? x === y : Number(x) === Number(y)
  }
  const ka = Object.keys(ra)
  const kb = Object.keys(rb)
  if (ka.length !== kb.length) return false
  return ka.every((k) => Object.hasOwn(rb, k) && same(ra[k], rb[k]))
}
