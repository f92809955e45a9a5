import { Decimal, Struct } from '@sluice/api'

/**
 * A canonical string for a Connect value (ADR 0002), so records can be matched through a `Map` instead of
 * pairwise `valuesEqual`. Two values get the same string exactly when `valuesEqual` would call them equal:
 * integral `number`s and `bigint`s print alike (INT64 may be either), bytes print as hex, `Map`s and plain
 * objects sort their entries, `Struct`s list their fields in schema order, `Date`s use their time.
 *
 * This module imports nothing but `@sluice/api`: the offset-header transform (which runs on task threads)
 * uses it too.
 */
export function canonical(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  switch (typeof value) {
    case 'bigint':
      return `${value}`
    case 'number':
      // Integral numbers print like bigints so `5` and `5n` match; others keep JSON's form ("1.5", "NaN").
      return Number.isInteger(value) ? BigInt(value).toString() : Number.isNaN(value) ? 'NaN' : String(value)
    case 'string':
      return JSON.stringify(value)
    case 'boolean':
      return value ? 'true' : 'false'
    default:
      break
  }
  if (value instanceof Uint8Array)
    return `0x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`
  if (value instanceof Date) return `date(${value.getTime()})`
  if (value instanceof Decimal) return `decimal(${value.unscaled}e-${value.scale})`
  if (value instanceof Struct) {
    const fields = value.schema.fields.map((f) => `${JSON.stringify(f.name)}:${canonical(value.get(f.name))}`)
    return `struct{${fields.join(',')}}`
  }
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value instanceof Map) {
    const entries = [...value].map(([k, v]) => `${canonical(k)}=>${canonical(v)}`).sort()
    return `map{${entries.join(',')}}`
  }
  if (typeof value === 'object') {
    // Plain objects are string-keyed maps (schemaless JSON, source partitions and offsets).
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}=>${canonical((value as Record<string, unknown>)[k])}`)
    return `map{${entries.join(',')}}`
  }
  return String(value)
}
