import { DataError } from '../errors.js'
import type { Decimal } from './decimal.js'
import { valuesEqual } from './equality.js'
import { type Field, type Schema, type SchemaType, schemaToString } from './schema.js'
import { STRUCT_BRAND } from './struct-brand.js'
import { validateValue } from './validate-value.js'

/**
 * A structured value of a `STRUCT` schema (Kafka Connect's `Struct`). Every {@link Struct.put} is validated
 * against the field's schema; {@link Struct.validate} additionally checks that every required field without a
 * default is set. Unset fields read as `null` (or their schema's default through {@link Struct.get}).
 *
 * @example
 * ```ts
 * const schema = SchemaBuilder.struct().name('com.example.User')
 *   .field('id', Schemas.INT32)
 *   .field('email', Schemas.OPTIONAL_STRING)
 *   .build()
 * const user = new Struct(schema).put('id', 42).put('email', 'a@example.com')
 * user.validate()
 * user.get('id') // 42
 * new Struct(schema).put('id', null)
 * // DataError: Invalid value: null used for required field: "id", schema type: INT32
 * ```
 */
export class Struct {
  /** The struct's schema (always of type `STRUCT`). */
  readonly schema: Schema
  readonly #values: unknown[]

  /** @throws {@link DataError} `Not a struct schema: Schema{…}` when `schema` is not a `STRUCT`. */
  constructor(schema: Schema) {
    if (schema.type !== 'STRUCT') throw new DataError(`Not a struct schema: ${schemaToString(schema)}`)
    this.schema = schema
    this.#values = new Array<unknown>(schema.fields.length).fill(null)
  }

  /**
   * The value of a field; when it is unset (or `null`) and the field's schema has a default, the default.
   * @param field a field name or a {@link Field} of this struct's schema
   * @throws {@link DataError} `<name> is not a valid field name` for an unknown field
   */
  get(field: string | Field): unknown {
    const f = this.#lookup(field)
    const value = this.#values[f.index]
    if ((value === null || value === undefined) && f.schema.defaultValue !== undefined)
      return f.schema.defaultValue
    return value ?? null
  }

  /** The value of a field as set, without falling back to the default (`null` when unset). */
  getWithoutDefault(field: string | Field): unknown {
    return this.#values[this.#lookup(field).index] ?? null
  }

  /**
   * Sets a field, validating `value` against the field's schema. Chainable. `undefined` is stored as `null`.
   * @throws {@link DataError} for an unknown field or an invalid value (the message names the field)
   */
  put(field: string | Field, value: unknown): this {
    const f = this.#lookup(field)
    validateValue(f.schema, value, f.name)
    this.#values[f.index] = value ?? null
    return this
  }

  /**
   * Checks that every required field without a default has a value (and that every value is valid).
   * @throws {@link DataError} e.g. `Invalid value: null used for required field: "id", schema type: INT32`
   */
  validate(): void {
    for (const f of this.schema.fields) {
      const value = this.#values[f.index]
      if (
        (value === null || value === undefined) &&
        (f.schema.isOptional || f.schema.defaultValue !== undefined)
      ) {
        continue
      }
      validateValue(f.schema, value, f.name)
    }
  }

  /** INT8 field value as set (no default, like Java's typed getters). @throws {@link DataError} on type mismatch */
  getInt8(name: string): number | null {
    return this.#getCheckType(name, 'INT8') as number | null
  }
  /** INT16 field value as set. @throws {@link DataError} on type mismatch */
  getInt16(name: string): number | null {
    return this.#getCheckType(name, 'INT16') as number | null
  }
  /** INT32 field value as set. @throws {@link DataError} on type mismatch */
  getInt32(name: string): number | null {
    return this.#getCheckType(name, 'INT32') as number | null
  }
  /** INT64 field value as set (`number` or `bigint`). @throws {@link DataError} on type mismatch */
  getInt64(name: string): number | bigint | null {
    return this.#getCheckType(name, 'INT64') as number | bigint | null
  }
  /** FLOAT32 field value as set. @throws {@link DataError} on type mismatch */
  getFloat32(name: string): number | null {
    return this.#getCheckType(name, 'FLOAT32') as number | null
  }
  /** FLOAT64 field value as set. @throws {@link DataError} on type mismatch */
  getFloat64(name: string): number | null {
    return this.#getCheckType(name, 'FLOAT64') as number | null
  }
  /** BOOLEAN field value as set. @throws {@link DataError} on type mismatch */
  getBoolean(name: string): boolean | null {
    return this.#getCheckType(name, 'BOOLEAN') as boolean | null
  }
  /** STRING field value as set. @throws {@link DataError} on type mismatch */
  getString(name: string): string | null {
    return this.#getCheckType(name, 'STRING') as string | null
  }
  /** BYTES field value as set (a Decimal field yields its {@link Decimal}). @throws {@link DataError} on type mismatch */
  getBytes(name: string): Uint8Array | Decimal | null {
    return this.#getCheckType(name, 'BYTES') as Uint8Array | Decimal | null
  }
  /** ARRAY field value as set. @throws {@link DataError} on type mismatch */
  getArray<T = unknown>(name: string): readonly T[] | null {
    return this.#getCheckType(name, 'ARRAY') as readonly T[] | null
  }
  /** MAP field value as set (a `Map`, or a plain object for string keys). @throws {@link DataError} on type mismatch */
  getMap<K = unknown, V = unknown>(name: string): ReadonlyMap<K, V> | Readonly<Record<string, V>> | null {
    return this.#getCheckType(name, 'MAP') as ReadonlyMap<K, V> | Readonly<Record<string, V>> | null
  }
  /** STRUCT field value as set. @throws {@link DataError} on type mismatch */
  getStruct(name: string): Struct | null {
    return this.#getCheckType(name, 'STRUCT') as Struct | null
  }

  /** True when `other` is a struct with an equal schema and deeply equal field values (see {@link valuesEqual}). */
  equals(other: unknown): boolean {
    return valuesEqual(this, other)
  }

  /** `Struct{id=42,email=a@example.com}` (unset fields omitted), like Kafka Connect. */
  toString(): string {
    const parts: string[] = []
    for (const f of this.schema.fields) {
      const v = this.#values[f.index]
      if (v !== null && v !== undefined) parts.push(`${f.name}=${formatValue(v)}`)
    }
    return `Struct{${parts.join(',')}}`
  }

  #lookup(field: string | Field): Field {
    const name = typeof field === 'string' ? field : field.name
    const f = this.schema.field(name)
    if (f === undefined) throw new DataError(`${name} is not a valid field name`)
    return f
  }

  #getCheckType(name: string, type: SchemaType): unknown {
    const f = this.#lookup(name)
    if (f.schema.type !== type) throw new DataError(`Field '${name}' is not of type ${type}`)
    return this.#values[f.index] ?? null
  }
}

function formatValue(v: unknown): string {
  if (v instanceof Uint8Array) return `[${v.join(', ')}]`
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${formatValue(k)}=${formatValue(x)}`).join(', ')}}`
  if (Array.isArray(v)) return `[${v.map(formatValue).join(', ')}]`
  if (v instanceof Date) return v.toISOString()
  if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
    return `{${Object.entries(v)
      .map(([k, x]) => `${k}=${formatValue(x)}`)
      .join(', ')}}`
  }
  return String(v)
}

// The brand lives on the prototype, set once: defining it on every instance turned each struct into a
// slow dictionary-mode object (a third of a HoistField/InsertField/ExtractField chain's CPU time).
Object.defineProperty(Struct.prototype, STRUCT_BRAND, { value: true })
