/** Kafka's `Cast$Key` / `Cast$Value`: casts fields, or the whole key/value, to another primitive type. */
import type {
  ConnectRecord,
  PluginConfigs,
  Schema,
  SchemaType,
  Struct as StructT,
  Transformation,
} from '@sluice/api'
import {
  AbstractConfig,
  ConfigDef,
  ConfigError,
  DataError,
  DateLogical,
  Decimal,
  encodeBase64,
  invalidValueMessage,
  isPrimitiveType,
  javaToString,
  LambdaValidator,
  SCHEMA_TYPES,
  SchemaBuilder,
  Struct,
  TimeLogical,
  TimestampLogical,
  valuesFormatDate,
} from '@sluice/api'
import { javaDoubleValue, javaLongValue, parseJavaDouble, parseJavaLong } from './util/java-numbers.js'
import { javaClass, mapLike, requireMap, requireStruct } from './util/requirements.js'
import { copySchemaBasics, SchemaCache } from './util/schema-util.js'
import { KEY, type Side, VALUE } from './util/sides.js'
import { REPLACE_NULL_WITH_DEFAULT_KEY } from './util/validators.js'

// Kafka's SUPPORTED_CAST_INPUT_TYPES (the primitives) and SUPPORTED_CAST_OUTPUT_TYPES (without BYTES).
const INPUT_TYPES: readonly SchemaType[] = SCHEMA_TYPES.filter(isPrimitiveType)
const OUTPUT_TYPES: readonly SchemaType[] = INPUT_TYPES.filter((t) => t !== 'BYTES')
const ALL_TYPES = new Set<string>(SCHEMA_TYPES)
const WHOLE = '\u0000whole-value'
const PURPOSE = 'cast types'

function javaSet(types: readonly SchemaType[]): string {
  return `[${types.join(', ')}]`
}

/** `new ConfigException(message, cause)`: Java picks the (name, value) constructor, hence this odd text. */
function invalidType(text: string): ConfigError {
  const type = text.toUpperCase()
  return new ConfigError(
    invalidValueMessage(
      `Invalid type found in casting spec: ${text}`,
      `java.lang.IllegalArgumentException: No enum constant org.apache.kafka.connect.data.Schema.Type.${type}`,
    ),
  )
}

function outputType(text: string): SchemaType {
  const t = text.trim()
  const upper = t.toUpperCase()
  if (!ALL_TYPES.has(upper)) throw invalidType(t)
  const type = upper as SchemaType
  if (!OUTPUT_TYPES.includes(type)) {
    throw new ConfigError(
      `Cast transformation does not support casting to ${type}; supported types are ${javaSet(OUTPUT_TYPES)}`,
    )
  }
  return type
}

function javaSplitColon(s: string): string[] {
  // Java's String.split drops trailing empty strings.
  const parts = s.split(':')
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop()
  return parts
}

/** Kafka's `Cast.parseFieldTypes`. */
function parseFieldTypes(mappings: readonly string[]): Map<string, SchemaType> {
  const m = new Map<string, SchemaType>()
  let whole = false
  for (const mapping of mappings) {
    const parts = javaSplitColon(mapping)
    if (parts.length > 2) {
      throw new ConfigError(
        invalidValueMessage('renames', `[${mappings.join(', ')}]`, `Invalid rename mapping: ${mapping}`),
      )
    }
    if (parts.length === 1) {
      m.set(WHOLE, outputType(parts[0]!))
      whole = true
    } else m.set(parts[0]!.trim(), outputType(parts[1]!))
  }
  if (whole && mappings.length > 1) {
    throw new ConfigError(
      'Cast transformations that specify a type to cast the entire value to may only specify a single cast in their spec',
    )
  }
  return m
}

export const CAST_CONFIG_DEF = new ConfigDef()
  .define({
    name: 'spec',
    type: 'LIST',
    validator: LambdaValidator.with(
      (_name, value) => {
        const list = value as string[] | null
        if (list === null || list.length === 0)
          throw new ConfigError('Must specify at least one field to cast.')
        parseFieldTypes(list)
      },
      () => 'list of colon-delimited pairs, e.g. <code>foo:bar,abc:xyz</code>',
    ),
    importance: 'HIGH',
    documentation:
      'List of fields and the type to cast them to of the form field1:type,field2:type to cast fields of Maps or Structs. A single type to cast the entire value. Valid types are int8, int16, int32, int64, float32, float64, boolean, and string. Note that binary fields can only be cast to string.',
  })
  .define(REPLACE_NULL_WITH_DEFAULT_KEY)

/** The Connect type of a schemaless value (Kafka's `ConnectSchema.schemaType(value.getClass())`). */
function inferType(value: unknown): SchemaType | undefined {
  switch (typeof value) {
    case 'string':
      return 'STRING'
    case 'boolean':
      return 'BOOLEAN'
    case 'bigint':
      return 'INT64'
    case 'number':
      return Number.isInteger(value) ? 'INT64' : 'FLOAT64'
  }
  // BigDecimal and java.util.Date have no Connect type without a schema (ConnectSchema.schemaType is null).
  if (value instanceof Uint8Array) return 'BYTES'
  if (value instanceof Decimal || value instanceof Date) return undefined
  if (Array.isArray(value)) return 'ARRAY'
  if (value instanceof Struct) return 'STRUCT'
  if (value instanceof Map || (typeof value === 'object' && value !== null)) return 'MAP'
  return undefined
}

function isFloating(type: SchemaType): boolean {
  return type === 'FLOAT32' || type === 'FLOAT64'
}

/** Casts one value (Kafka's `Cast.castValueToType`); `schema` is null for schemaless values. */
export function castValueToType(schema: Schema | null, input: unknown, target: SchemaType): unknown {
  if (input === null || input === undefined) return null
  let value = input
  const inferred = schema === null ? inferType(value) : schema.type
  if (inferred === undefined) {
    throw new DataError(
      `Cast transformation was passed a value of type ${javaClass(value)} which is not supported by Connect's data API`,
    )
  }
  if (!INPUT_TYPES.includes(inferred)) {
    throw new DataError(
      `Cast transformation does not support casting from ${inferred}; supported types are ${javaSet(INPUT_TYPES)}`,
    )
  }
  // The Java class of the value decides Number vs Boolean vs String; logical dates become numbers first.
  let floating = isFloating(inferred)
  if (schema !== null && schema.name !== undefined && target !== 'STRING' && value instanceof Date) {
    if (schema.name === DateLogical.LOGICAL_NAME) value = DateLogical.fromLogical(schema, value)
    else if (schema.name === TimeLogical.LOGICAL_NAME) value = TimeLogical.fromLogical(schema, value)
    else if (schema.name === TimestampLogical.LOGICAL_NAME)
      value = TimestampLogical.fromLogical(schema, value)
    floating = false
  }
  const isNumber = typeof value === 'number' || typeof value === 'bigint' || value instanceof Decimal
  const outOfRange = (): never => {
    throw new DataError(
      `Value (${javaToString(value, schema) ?? String(value)}) was out of range for requested data type`,
    )
  }
  const unexpected = (): never => {
    throw new DataError(`Unexpected type in Cast transformation: ${javaClass(value, schema)}`)
  }
  const integral = (bits: 8 | 16 | 32 | 64): number | bigint => {
    let n: bigint
    if (isNumber) n = javaLongValue(value as number | bigint | Decimal, floating, bits)
    else if (typeof value === 'boolean') n = value ? 1n : 0n
    else if (typeof value === 'string') {
      const parsed = parseJavaLong(value, bits)
      if (parsed === undefined) outOfRange()
      n = parsed as bigint
    } else return unexpected()
    const wrapped = BigInt.asIntN(bits, n)
    return bits === 64 && !Number.isSafeInteger(Number(wrapped)) ? wrapped : Number(wrapped)
  }
  const floatingValue = (single: boolean): number => {
    let d: number
    if (isNumber) d = javaDoubleValue(value as number | bigint | Decimal)
    else if (typeof value === 'boolean') d = value ? 1 : 0
    else if (typeof value === 'string') {
      const parsed = parseJavaDouble(value)
      if (parsed === undefined) outOfRange()
      d = parsed as number
    } else return unexpected()
    return single ? Math.fround(d) : d
  }
  switch (target) {
    case 'INT8':
      return integral(8)
    case 'INT16':
      return integral(16)
    case 'INT32':
      return integral(32)
    case 'INT64':
      return integral(64)
    case 'FLOAT32':
      return floatingValue(true)
    case 'FLOAT64':
      return floatingValue(false)
    case 'BOOLEAN':
      if (isNumber) return javaLongValue(value as number | bigint | Decimal, floating, 64) !== 0n
      if (typeof value === 'boolean') return value
      if (typeof value === 'string') return value.toLowerCase() === 'true'
      return unexpected()
    case 'STRING':
      if (value instanceof Date) return valuesFormatDate(value)
      if (value instanceof Uint8Array) return encodeBase64(value)
      return javaToString(value, schema) ?? String(value)
    default:
      throw new DataError(`${target} is not supported in the Cast transformation.`)
  }
}

function builderFor(type: SchemaType): SchemaBuilder {
  return SchemaBuilder.type(type)
}

abstract class Cast implements Transformation {
  readonly #side: Side
  #casts = new Map<string, SchemaType>()
  #whole: SchemaType | undefined
  #cache = new SchemaCache()
  #replaceNullWithDefault = true

  constructor(side: Side) {
    this.#side = side
  }

  configure(configs: PluginConfigs): void {
    const c = new AbstractConfig(CAST_CONFIG_DEF, configs)
    this.#casts = parseFieldTypes(c.getList('spec') ?? [])
    this.#whole = this.#casts.get(WHOLE)
    this.#cache = new SchemaCache()
    this.#replaceNullWithDefault = c.getBoolean('replace.null.with.default') ?? true
  }

  apply<R extends ConnectRecord>(record: R): R {
    const side = this.#side
    const value = side.value(record)
    if (value === null || value === undefined) return record
    const schema = side.schema(record)
    if (schema === null) {
      if (this.#whole !== undefined) return side.with(record, null, castValueToType(null, value, this.#whole))
      const map = requireMap(value, PURPOSE)
      const updated = new Map(map)
      for (const [field, type] of this.#casts)
        updated.set(field, castValueToType(null, map.get(field) ?? null, type))
      return side.with(record, null, mapLike(value, updated))
    }
    const updatedSchema = this.#cache.getOrCompute(schema, (s) => this.#buildSchema(s))
    if (this.#whole !== undefined)
      return side.with(record, updatedSchema, castValueToType(schema, value, this.#whole))
    const struct: StructT = requireStruct(value, PURPOSE)
    const updated = new Struct(updatedSchema)
    for (const field of struct.schema.fields) {
      const orig = this.#replaceNullWithDefault ? struct.get(field) : struct.getWithoutDefault(field.name)
      const target = this.#casts.get(field.name)
      updated.put(field.name, target !== undefined ? castValueToType(field.schema, orig, target) : orig)
    }
    return side.with(record, updatedSchema, updated)
  }

  #buildSchema(schema: Schema): Schema {
    let builder: SchemaBuilder
    if (this.#whole !== undefined) builder = copySchemaBasics(schema, builderFor(this.#whole))
    else {
      builder = copySchemaBasics(schema, SchemaBuilder.struct())
      for (const field of schema.fields) {
        const target = this.#casts.get(field.name)
        if (target === undefined) {
          builder.field(field.name, field.schema)
          continue
        }
        const fb = builderFor(target)
        if (field.schema.isOptional) fb.optional()
        if (field.schema.defaultValue !== undefined && field.schema.defaultValue !== null) {
          fb.defaultValue(castValueToType(field.schema, field.schema.defaultValue, target))
        }
        builder.field(field.name, fb.build())
      }
    }
    if (schema.isOptional) builder.optional()
    if (schema.defaultValue !== undefined && schema.defaultValue !== null) {
      builder.defaultValue(castValueToType(schema, schema.defaultValue, builder.build().type))
    }
    return builder.build()
  }

  config(): ConfigDef {
    return CAST_CONFIG_DEF
  }
  close(): void {}
}

/** `org.apache.kafka.connect.transforms.Cast$Key`. */
export class CastKey extends Cast {
  constructor() {
    super(KEY)
  }
}

/** `org.apache.kafka.connect.transforms.Cast$Value`. */
export class CastValue extends Cast {
  constructor() {
    super(VALUE)
  }
}
