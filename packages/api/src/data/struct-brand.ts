/** Brand set on every {@link Struct}; lets modules recognise structs without importing the class. */
export const STRUCT_BRAND: symbol = Symbol.for('sluice.connect.struct')

/** True when `value` is a `Struct` (also one created by another copy of this package). */
export function isStruct(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[STRUCT_BRAND] === true
  )
}
