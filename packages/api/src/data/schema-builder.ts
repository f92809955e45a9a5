import { DataError } from '../errors.js'
import { ConnectSchema, SCHEMA_TYPES, type Schema, type SchemaType } from './schema.js'
import { validateValue } from './validate-value.js'

/**
 * Thrown for an invalid {@link SchemaBuilder} call (Kafka Connect's `SchemaBuilderException`). A
 * {@link DataError} (code `XC_DATA`) whose message names the attribute or field.
 */
export class SchemaBuilderError extends DataError {
  constructor(message: string, options: { readonly cause?: unknown } = {}) {
    super(message, options)
    this.name = 'SchemaBuilderError'
  }
}

/**
 * Fluent builder of {@link Schema}s (Kafka Connect's `SchemaBuilder`). Each attribute may be set once (setting
 * it again to the same value is allowed); `defaultValue` is validated against the schema as built so far, so
 * call `optional()` before `defaultValue(null)`. {@link SchemaBuilder.build} returns an immutable
 * {@link ConnectSchema}. Unlike Java, a builder is not itself a {@link Schema} (the fluent setters `name()`,
 * `doc()`… would clash with the schema's properties); a builder may still be passed where a field, key or
 * value schema is expected and is built along with its parent.
 *
 * @example
 * ```ts
 * const schema = SchemaBuilder.struct()
 *   .name('com.example.Order').version(1)
 *   .field('id', Schemas.INT64)
 *   .field('lines', SchemaBuilder.array(Schemas.STRING).build())
 *   .field('tags', SchemaBuilder.map(Schemas.STRING, Schemas.STRING).optional().build())
 *   .field('qty', SchemaBuilder.int32().defaultValue(1).build())
 *   .build()
 * ```
 */
export class SchemaBuilder {
  readonly type: SchemaType
  #optional: boolean | undefined
  #defaultValue: unknown
  #name: string | undefined
  #version: number | undefined
  #doc: string | undefined
  #parameters: Record<string, string> | undefined
  readonly #fields: Map<string, { name: string; index: number; schema: Schema | SchemaBuilder }> | undefined
  #keySchema: Schema | SchemaBuilder | undefined
  #valueSchema: Schema | SchemaBuilder | undefined

  /** @throws {@link SchemaBuilderError} for an unknown type */
  constructor(type: SchemaType) {
    if (!SCHEMA_TYPES.includes(type)) throw new SchemaBuilderError(`Unknown schema type: ${String(type)}`)
    this.type = type
    if (type === 'STRUCT') this.#fields = new Map()
  }

  /** A builder of the given type. */
  static type(type: SchemaType): SchemaBuilder {
    return new SchemaBuilder(type)
  }
  /** An `INT8` builder. */
  static int8(): SchemaBuilder {
    return new SchemaBuilder('INT8')
  }
  /** An `INT16` builder. */
  static int16(): SchemaBuilder {
    return new SchemaBuilder('INT16')
  }
  /** An `INT32` builder. */
  static int32(): SchemaBuilder {
    return new SchemaBuilder('INT32')
  }
  /** An `INT64` builder. */
  static int64(): SchemaBuilder {
    return new SchemaBuilder('INT64')
  }
  /** A `FLOAT32` builder. */
  static float32(): SchemaBuilder {
    return new SchemaBuilder('FLOAT32')
  }
  /** A `FLOAT64` builder. */
  static float64(): SchemaBuilder {
    return new SchemaBuilder('FLOAT64')
  }
  /** A `BOOLEAN` builder. */
  static bool(): SchemaBuilder {
    return new SchemaBuilder('BOOLEAN')
  }
  /** A `STRING` builder. */
  static string(): SchemaBuilder {
    return new SchemaBuilder('STRING')
  }
  /** A `BYTES` builder. */
  static bytes(): SchemaBuilder {
    return new SchemaBuilder('BYTES')
  }
  /** A `STRUCT` builder; add fields with {@link SchemaBuilder.field}. */
  static struct(): SchemaBuilder {
    return new SchemaBuilder('STRUCT')
  }
  /**
   * An `ARRAY` builder with the given element schema.
   * @throws {@link SchemaBuilderError} `valueSchema cannot be null.`
   */
  static array(valueSchema: Schema | SchemaBuilder): SchemaBuilder {
    if (valueSchema === null || valueSchema === undefined)
      throw new SchemaBuilderError('valueSchema cannot be null.')
    const b = new SchemaBuilder('ARRAY')
    b.#valueSchema = valueSchema
    return b
  }
  /**
   * A `MAP` builder with the given key and value schemas.
   * @throws {@link SchemaBuilderError} `keySchema cannot be null.` / `valueSchema cannot be null.`
   */
  static map(keySchema: Schema | SchemaBuilder, valueSchema: Schema | SchemaBuilder): SchemaBuilder {
    if (keySchema === null || keySchema === undefined)
      throw new SchemaBuilderError('keySchema cannot be null.')
    if (valueSchema === null || valueSchema === undefined)
      throw new SchemaBuilderError('valueSchema cannot be null.')
    const b = new SchemaBuilder('MAP')
    b.#keySchema = keySchema
    b.#valueSchema = valueSchema
    return b
  }

  /**
   * Adds a field to a `STRUCT` builder (chainable). A nested builder is built when this builder is built.
   * @throws {@link SchemaBuilderError} on a non-struct builder, an empty name, a missing schema or a duplicate name
   */
  field(name: string, schema: Schema | SchemaBuilder): this {
    if (this.#fields === undefined) throw new SchemaBuilderError(`Cannot create fields on type ${this.type}`)
    if (typeof name !== 'string' || name === '') throw new SchemaBuilderError('fieldName cannot be null.')
    if (schema === null || schema === undefined) {
      throw new SchemaBuilderError(`fieldSchema for field ${name} cannot be null.`)
    }
    if (this.#fields.has(name)) {
      throw new SchemaBuilderError(`Cannot create field because of field name duplication ${name}`)
    }
    this.#fields.set(name, { name, index: this.#fields.size, schema })
    return this
  }

  /** Makes the schema optional (`null` allowed). */
  optional(): this {
    checkCanSet('optional', this.#optional, true)
    this.#optional = true
    return this
  }
  /** Makes the schema required (the default). */
  required(): this {
    checkCanSet('optional', this.#optional, false)
    this.#optional = false
    return this
  }
  /**
   * Sets the default value, validated against the schema as built so far.
   * @throws {@link SchemaBuilderError} `Invalid default value: …` (cause: the {@link DataError})
   */
  defaultValue(value: unknown): this {
    checkCanSet('default', this.#defaultValue, value)
    try {
      validateValue(this.build(), value)
    } catch (err) {
      throw new SchemaBuilderError(`Invalid default value: ${(err as Error).message}`, { cause: err })
    }
    this.#defaultValue = value === null ? undefined : value
    return this
  }
  /** Sets the schema name (e.g. a record name, or a logical type name). */
  name(name: string): this {
    checkCanSet('name', this.#name, name)
    this.#name = name
    return this
  }
  /** Sets the schema version. */
  version(version: number): this {
    checkCanSet('version', this.#version, version)
    this.#version = version
    return this
  }
  /** Sets the documentation. */
  doc(doc: string): this {
    checkCanSet('doc', this.#doc, doc)
    this.#doc = doc
    return this
  }
  /** Sets one parameter (may be called repeatedly; later values win). */
  parameter(key: string, value: string): this {
    this.#parameters = { ...this.#parameters, [key]: value }
    return this
  }
  /** Sets several parameters; an empty map leaves `parameters` unset. */
  parameters(params: Readonly<Record<string, string>>): this {
    if (Object.keys(params).length === 0) return this
    this.#parameters = { ...this.#parameters, ...params }
    return this
  }

  /** The immutable schema. Nested builders (field, key and value schemas) are built as well. */
  build(): ConnectSchema {
    return new ConnectSchema({
      type: this.type,
      optional: this.#optional === true,
      defaultValue: this.#defaultValue,
      name: this.#name,
      version: this.#version,
      doc: this.#doc,
      parameters: this.#parameters,
      fields:
        this.#fields === undefined
          ? undefined
          : [...this.#fields.values()].map((f) => ({
              name: f.name,
              index: f.index,
              schema: built(f.schema),
            })),
      keySchema: this.#keySchema === undefined ? undefined : built(this.#keySchema),
      valueSchema: this.#valueSchema === undefined ? undefined : built(this.#valueSchema),
    })
  }

  /** `SchemaBuilder{name:TYPE}` or `SchemaBuilder{TYPE}`. */
  toString(): string {
    return this.#name !== undefined
      ? `SchemaBuilder{${this.#name}:${this.type}}`
      : `SchemaBuilder{${this.type}}`
  }
}

function built(schema: Schema | SchemaBuilder): Schema {
  return schema instanceof SchemaBuilder ? schema.build() : schema
}

function checkCanSet(attribute: string, current: unknown, value: unknown): void {
  if (current !== undefined && current !== value) {
    throw new SchemaBuilderError(`Invalid SchemaBuilder call: ${attribute} has already been set.`)
  }
}
