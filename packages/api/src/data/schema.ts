import { DataError } from '../errors.js'

/**
 * The type of a {@link Schema} (Kafka Connect's `Schema.Type`). The first nine are primitive; `ARRAY`, `MAP`
 * and `STRUCT` are containers.
 */
export type SchemaType =
  | 'INT8'
  | 'INT16'
  | 'INT32'
  | 'INT64'
  | 'FLOAT32'
  | 'FLOAT64'
  | 'BOOLEAN'
  | 'STRING'
  | 'BYTES'
  | 'ARRAY'
  | 'MAP'
  | 'STRUCT'

/** Every {@link SchemaType}, in Kafka Connect's declaration order. */
export const SCHEMA_TYPES: readonly SchemaType[] = Object.freeze([
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FLOAT32',
  'FLOAT64',
  'BOOLEAN',
  'STRING',
  'BYTES',
  'ARRAY',
  'MAP',
  'STRUCT',
] as const)

/** True for the nine primitive schema types (everything except `ARRAY`, `MAP` and `STRUCT`). */
export function isPrimitiveType(type: SchemaType): boolean {
  return type !== 'ARRAY' && type !== 'MAP' && type !== 'STRUCT'
}

/**
 * A Connect schema (Kafka Connect's `org.apache.kafka.connect.data.Schema`): the type of a key, value, header
 * or struct field. Schemas are immutable once built; create them with {@link SchemaBuilder} or use the
 * constants of {@link Schemas}.
 *
 * JavaScript representation of values for each type (see `docs/adr/0002-connect-data-in-javascript.md`):
 *
 * | type | value |
 * |---|---|
 * | `INT8`, `INT16`, `INT32` | integral `number` within the type's range |
 * | `INT64` | integral `number`, or `bigint` (needed beyond `Number.MAX_SAFE_INTEGER`) |
 * | `FLOAT32`, `FLOAT64` | `number` |
 * | `BOOLEAN` | `boolean` |
 * | `STRING` | `string` |
 * | `BYTES` | `Uint8Array` (a Node `Buffer` is one) |
 * | `ARRAY` | `readonly unknown[]` |
 * | `MAP` | `Map` (any key type); a plain object is accepted for `STRING` keys |
 * | `STRUCT` | {@link Struct} |
 * | Decimal (logical) | {@link Decimal} |
 * | Date, Time, Timestamp (logical) | JS `Date` |
 *
 * Two schemas are equal when {@link schemaEquals} says so; {@link schemaKey} gives a string usable as a
 * cache key.
 */
export interface Schema {
  /** The schema's type. */
  readonly type: SchemaType
  /** True when `null` is a valid value. */
  readonly isOptional: boolean
  /** The default value, `undefined` when none. */
  readonly defaultValue: unknown
  /** The schema's name (e.g. a record name or a logical type name), `undefined` when unnamed. */
  readonly name: string | undefined
  /** The schema's version, `undefined` when unversioned. */
  readonly version: number | undefined
  /** Human-readable documentation. */
  readonly doc: string | undefined
  /** Free-form string parameters (e.g. the `scale` of a Decimal), `undefined` when none were set. */
  readonly parameters: Readonly<Record<string, string>> | undefined
  /**
   * The key schema of a `MAP`.
   * @throws {@link DataError} for any other type (`Cannot look up key schema on non-map type`).
   */
  readonly keySchema: Schema
  /**
   * The element schema of an `ARRAY` or the value schema of a `MAP`.
   * @throws {@link DataError} for any other type.
   */
  readonly valueSchema: Schema
  /**
   * The fields of a `STRUCT`, in order.
   * @throws {@link DataError} for any other type (`Cannot list fields on non-struct type`).
   */
  readonly fields: readonly Field[]
  /**
   * The field called `name`, or `undefined` when the struct has no such field.
   * @throws {@link DataError} when the schema is not a `STRUCT`.
   */
  field(name: string): Field | undefined
}

/** One field of a `STRUCT` schema (Kafka Connect's `Field`). */
export interface Field {
  /** The field name, unique within its struct. */
  readonly name: string
  /** Zero-based position of the field in its struct. */
  readonly index: number
  /** The field's schema. */
  readonly schema: Schema
}

/** Construction parameters of a {@link ConnectSchema}. Only `type` is required. */
export interface ConnectSchemaInit {
  readonly type: SchemaType
  readonly optional?: boolean
  readonly defaultValue?: unknown
  readonly name?: string | undefined
  readonly version?: number | undefined
  readonly doc?: string | undefined
  readonly parameters?: Readonly<Record<string, string>> | undefined
  readonly fields?: readonly Field[] | undefined
  readonly keySchema?: Schema | undefined
  readonly valueSchema?: Schema | undefined
}

/**
 * The immutable {@link Schema} implementation (Kafka Connect's `ConnectSchema`). Usually made by
 * {@link SchemaBuilder.build}; constructing one directly performs no validation of the default value.
 *
 * @example
 * ```ts
 * const s = new ConnectSchema({ type: 'STRING', optional: true })
 * s.isOptional // true
 * ```
 */
export class ConnectSchema implements Schema {
  readonly type: SchemaType
  readonly isOptional: boolean
  readonly defaultValue: unknown
  readonly name: string | undefined
  readonly version: number | undefined
  readonly doc: string | undefined
  readonly parameters: Readonly<Record<string, string>> | undefined
  readonly #fields: readonly Field[] | undefined
  readonly #fieldsByName: ReadonlyMap<string, Field> | undefined
  readonly #keySchema: Schema | undefined
  readonly #valueSchema: Schema | undefined

  constructor(init: ConnectSchemaInit) {
    this.type = init.type
    this.isOptional = init.optional ?? false
    this.defaultValue = init.defaultValue
    this.name = init.name
    this.version = init.version
    this.doc = init.doc
    this.parameters = init.parameters === undefined ? undefined : Object.freeze({ ...init.parameters })
    if (this.type === 'STRUCT') {
      const fields = Object.freeze(
        (init.fields ?? []).map((f) => Object.freeze({ name: f.name, index: f.index, schema: f.schema })),
      )
      this.#fields = fields
      this.#fieldsByName = new Map(fields.map((f) => [f.name, f]))
    }
    this.#keySchema = init.keySchema
    this.#valueSchema = init.valueSchema
    // Frozen unless subclassed (a subclass constructor must still be able to add its own fields).
    if (new.target === ConnectSchema) Object.freeze(this)
  }

  get keySchema(): Schema {
    if (this.type !== 'MAP') throw new DataError('Cannot look up key schema on non-map type')
    if (this.#keySchema === undefined) throw new DataError('No key schema defined for map schema')
    return this.#keySchema
  }

  get valueSchema(): Schema {
    if (this.type !== 'MAP' && this.type !== 'ARRAY') {
      throw new DataError('Cannot look up value schema on non-array and non-map type')
    }
    if (this.#valueSchema === undefined)
      throw new DataError(`No value schema defined for ${this.type.toLowerCase()} schema`)
    return this.#valueSchema
  }

  get fields(): readonly Field[] {
    if (this.#fields === undefined) throw new DataError('Cannot list fields on non-struct type')
    return this.#fields
  }

  field(name: string): Field | undefined {
    if (this.#fieldsByName === undefined) throw new DataError('Cannot look up fields on non-struct type')
    return this.#fieldsByName.get(name)
  }

  /** `Schema{name:TYPE}` or `Schema{TYPE}`, like Kafka Connect. */
  toString(): string {
    return schemaToString(this)
  }
}

/** `Schema{name:TYPE}` or `Schema{TYPE}` for any {@link Schema}, like Kafka Connect's `ConnectSchema.toString`. */
export function schemaToString(schema: Schema): string {
  return schema.name !== undefined ? `Schema{${schema.name}:${schema.type}}` : `Schema{${schema.type}}`
}
