import { Decimal } from './decimal.js'
import { ConnectSchema, type Schema } from './schema.js'
import type { Struct } from './struct.js'
import { isStruct } from './struct-brand.js'

/**
 * Deep structural equality of two schemas, like Kafka Connect's `ConnectSchema.equals`: type, optionality,
 * name, version, doc, parameters, default value (deeply), fields (name, index, schema), key and value schemas.
 * Works for any {@link Schema} implementation, including a {@link SchemaBuilder} not yet built.
 *
 * @example
 * ```ts
 * schemaEquals(SchemaBuilder.int32().optional().build(), Schemas.OPTIONAL_INT32) // true
 * ```
 */
export function schemaEquals(a: Schema | null | undefined, b: Schema | null | undefined): boolean {
  if (a === b) return true
  if (a === null || a === undefined || b === null || b === undefined) return false
  if (
    a.type !== b.type ||
    a.isOptional !== b.isOptional ||
    a.name !== b.name ||
    a.version !== b.version ||
    a.doc !== b.doc ||
    !parametersEqual(a.parameters, b.parameters) ||
    !valuesEqual(a.defaultValue, b.defaultValue)
  ) {
    return false
  }
  switch (a.type) {
    case 'STRUCT': {
      const fa = a.fields
      const fb = b.fields
      if (fa.length !== fb.length) return false
      for (let i = 0; i < fa.length; i++) {
        const x = fa[i]
        const y = fb[i]
        if (x === undefined || y === undefined) return false
        if (x.name !== y.name || x.index !== y.index || !schemaEquals(x.schema, y.schema)) return false
      }
      return true
    }
    case 'MAP':
      return schemaEquals(a.keySchema, b.keySchema) && schemaEquals(a.valueSchema, b.valueSchema)
    case 'ARRAY':
      return schemaEquals(a.valueSchema, b.valueSchema)
    default:
      return true
  }
}

function parametersEqual(
  a: Readonly<Record<string, string>> | undefined,
  b: Readonly<Record<string, string>> | undefined,
): boolean {
  if (a === b) return true
  if (a === undefined || b === undefined) return false
  const ka = Object.keys(a)
  if (ka.length !== Object.keys(b).length) return false
  return ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k])
}

const keyCache = new WeakMap<Schema, string>()

/**
 * A canonical string for `schema` such that `schemaKey(a) === schemaKey(b)` exactly when
 * `schemaEquals(a, b)` (up to the representation of default values). Use it as a `Map` key for schema
 * caches (converters keep one per schema). Computed once per built schema and memoized.
 *
 * @example
 * ```ts
 * const cache = new Map<string, JsonSchema>()
 * const key = schemaKey(record.valueSchema)
 * let json = cache.get(key)
 * if (json === undefined) cache.set(key, (json = toJsonSchema(record.valueSchema)))
 * ```
 */
export function schemaKey(schema: Schema): string {
  const cached = keyCache.get(schema)
  if (cached !== undefined) return cached
  const parts: unknown[] = [
    schema.type,
    schema.isOptional ? 1 : 0,
    schema.name ?? null,
    schema.version ?? null,
    schema.doc ?? null,
  ]
  parts.push(
    schema.parameters === undefined
      ? null
      : Object.keys(schema.parameters)
          .sort()
          .map((k) => [k, schema.parameters?.[k]]),
  )
  parts.push(
    schema.defaultValue === undefined || schema.defaultValue === null
      ? null
      : canonicalValue(schema.defaultValue),
  )
  if (schema.type === 'STRUCT') parts.push(schema.fields.map((f) => [f.name, schemaKey(f.schema)]))
  if (schema.type === 'MAP') parts.push(schemaKey(schema.keySchema))
  if (schema.type === 'MAP' || schema.type === 'ARRAY') parts.push(schemaKey(schema.valueSchema))
  const key = JSON.stringify(parts)
  // Only immutable schemas may be memoized; a SchemaBuilder can still change.
  if (schema instanceof ConnectSchema) keyCache.set(schema, key)
  return key
}

/** A JSON-able canonical form of a Connect value, used for schema keys. */
function canonicalValue(v: unknown): unknown {
  if (v === null || v === undefined) return null
  if (typeof v === 'bigint') return { n: v.toString() }
  if (typeof v === 'number')
    return Number.isInteger(v) ? { n: v.toString() } : Number.isFinite(v) ? v : String(v)
  if (typeof v !== 'object') return v
  if (v instanceof Uint8Array) return { b: Array.from(v) }
  if (v instanceof Date) return { t: v.getTime() }
  if (v instanceof Decimal) return { d: v.unscaled.toString(), s: v.scale }
  if (Array.isArray(v)) return v.map(canonicalValue)
  if (v instanceof Map) {
    return { m: [...v.entries()].map(([k, x]) => [canonicalValue(k), canonicalValue(x)]).sort(compareJson) }
  }
  if (isStruct(v)) {
    const s = v as Struct
    return {
      s: schemaKey(s.schema),
      v: s.schema.fields.map((f) => canonicalValue(s.getWithoutDefault(f.name))),
    }
  }
  // A plain object stands for a MAP with string keys.
  return {
    m: Object.entries(v)
      .map(([k, x]) => [k, canonicalValue(x)])
      .sort(compareJson),
  }
}

function compareJson(a: unknown, b: unknown): number {
  const x = JSON.stringify(a)
  const y = JSON.stringify(b)
  return x < y ? -1 : x > y ? 1 : 0
}

/**
 * Deep equality of two Connect values (Java's `Objects.deepEquals` over Connect value classes):
 * `null`/`undefined` are equal; `number` and `bigint` compare numerically (`5 == 5n`, for INT64); `NaN`
 * equals `NaN`; `Uint8Array` bytewise; `Date` by time; {@link Decimal} by unscaled value and scale; arrays
 * element-wise; `Map`s (also against a plain object with string keys) by entries with deep key matching;
 * {@link Struct}s by schema and field values.
 */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a === null || a === undefined) return b === null || b === undefined
  if (b === null || b === undefined) return false
  const ta = typeof a
  const tb = typeof b
  if ((ta === 'number' || ta === 'bigint') && (tb === 'number' || tb === 'bigint')) {
    if (ta === 'number' && tb === 'number') return Number.isNaN(a) && Number.isNaN(b)
    const n = (ta === 'number' ? a : b) as number
    const big = (ta === 'bigint' ? a : b) as bigint
    return Number.isInteger(n) && BigInt(n) === big
  }
  if (ta !== 'object' || tb !== 'object') return false
  if (a instanceof Uint8Array) {
    if (!(b instanceof Uint8Array) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
    return true
  }
  if (a instanceof Date) return b instanceof Date && a.getTime() === b.getTime()
  if (a instanceof Decimal) return a.equals(b)
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i], b[i])) return false
    return true
  }
  if (isStruct(a)) {
    if (!isStruct(b)) return false
    const sa = a as Struct
    const sb = b as Struct
    if (!schemaEquals(sa.schema, sb.schema)) return false
    return sa.schema.fields.every((f) =>
      valuesEqual(sa.getWithoutDefault(f.name), sb.getWithoutDefault(f.name)),
    )
  }
  if (b instanceof Uint8Array || b instanceof Date || b instanceof Decimal || Array.isArray(b) || isStruct(b))
    return false
  return mapsEqual(toEntries(a), toEntries(b))
}

function toEntries(v: object): Map<unknown, unknown> {
  return v instanceof Map ? v : new Map(Object.entries(v))
}

function isPrimitiveKey(k: unknown): boolean {
  return k === null || (typeof k !== 'object' && typeof k !== 'function')
}

function mapsEqual(a: Map<unknown, unknown>, b: Map<unknown, unknown>): boolean {
  if (a.size !== b.size) return false
  let unmatched: [unknown, unknown][] | undefined
  for (const [k, v] of a) {
    if (isPrimitiveKey(k) && b.has(k)) {
      if (!valuesEqual(v, b.get(k))) return false
      continue
    }
    // Structured keys (or number/bigint mismatch): search deeply.
    unmatched ??= [...b.entries()]
    const i = unmatched.findIndex(([k2]) => valuesEqual(k, k2))
    const hit = i < 0 ? undefined : unmatched[i]
    if (hit === undefined || !valuesEqual(v, hit[1])) return false
    unmatched.splice(i, 1)
  }
  return true
}
