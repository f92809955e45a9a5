/** Kafka's field-level transforms: HeaderFrom, InsertField and MaskField. */
import type { ConnectRecord, PluginConfigs, Schema, Transformation } from '@sluice/api'
import {
  AbstractConfig,
  ConfigDef,
  ConfigError,
  DataError,
  Decimal,
  invalidConfigValue,
  NonEmptyString,
  SchemaBuilder,
  Schemas,
  Struct,
  TimestampLogical,
  ValidString,
} from '@sluice/api'
import { parseJavaDouble, parseJavaLong } from './util/java-numbers.js'
import {
  javaClass,
  javaClassName,
  mapLike,
  requireMap,
  requireSinkRecord,
  requireStruct,
} from './util/requirements.js'
import { copySchemaBasics, SchemaCache } from './util/schema-util.js'
import { KEY, type Side, VALUE } from './util/sides.js'
import {
  AnyNonDuplicateValues,
  NonEmptyListValidator,
  REPLACE_NULL_WITH_DEFAULT_KEY,
} from './util/validators.js'

// ---- HeaderFrom ---------------------------------------------------------------------------------

export const HEADER_FROM_CONFIG_DEF = new ConfigDef()
  .define({
    name: 'fields',
    type: 'LIST',
    validator: new NonEmptyListValidator(),
    importance: 'HIGH',
    documentation: 'Field names in the record whose values are to be copied or moved to headers.',
  })
  .define({
    name: 'headers',
    type: 'LIST',
    validator: new NonEmptyListValidator(),
    importance: 'HIGH',
    documentation:
      'Header names, in the same order as the field names listed in the fields configuration property.',
  })
  .define({
    name: 'operation',
    type: 'STRING',
    validator: ValidString.in('move', 'copy'),
    importance: 'HIGH',
    documentation:
      'Either <code>move</code> if the fields are to be moved to the headers (removed from the key/value), or <code>copy</code> if the fields are to be copied to the headers (retained in the key/value).',
  })
  .define(REPLACE_NULL_WITH_DEFAULT_KEY)

abstract class HeaderFrom implements Transformation {
  readonly #side: Side
  #fields: string[] = []
  #headers: string[] = []
  #move = false
  #withDefault = true
  readonly #cache = new SchemaCache()
  constructor(side: Side) {
    this.#side = side
  }
  configure(configs: PluginConfigs): void {
    const c = new AbstractConfig(HEADER_FROM_CONFIG_DEF, configs)
    this.#fields = c.getList('fields') ?? []
    this.#headers = c.getList('headers') ?? []
    if (this.#fields.length !== this.#headers.length) {
      throw new ConfigError("'fields' config must have the same number of elements as 'headers' config.")
    }
    this.#move = c.getString('operation') === 'move'
    this.#withDefault = c.getBoolean('replace.null.with.default') ?? true
  }
  apply<R extends ConnectRecord>(record: R): R {
    const value = this.#side.value(record)
    const schema = this.#side.schema(record)
    const headers = record.headers.duplicate()
    const purpose = `header ${this.#move ? 'move' : 'copy'}`
    if (schema === null) {
      const map = requireMap(value, purpose)
      const updated = new Map(map)
      this.#fields.forEach((f, i) => {
        if (this.#move) updated.delete(f)
        headers.add(this.#headers[i]!, map.get(f) ?? null, null)
      })
      return { ...this.#side.with(record, null, mapLike(value, updated)), headers }
    }
    const struct = requireStruct(value, purpose)
    let updatedSchema = schema
    let updatedValue = struct
    if (this.#move) {
      updatedSchema = this.#cache.getOrCompute(schema, (s) => {
        const b = copySchemaBasics(s, SchemaBuilder.struct())
        for (const f of s.fields) if (!this.#fields.includes(f.name)) b.field(f.name, f.schema)
        return b.build()
      })
      updatedValue = new Struct(updatedSchema)
      for (const f of updatedSchema.fields) updatedValue.put(f.name, this.#get(struct, f.name))
    }
    this.#fields.forEach((f, i) => {
      const v = struct.schema.field(f) !== undefined ? this.#get(struct, f) : null
      const fs = schema.field(f)
      if (fs === undefined)
        throw new DataError(
          `Cannot invoke "org.apache.kafka.connect.data.Field.schema()" because the return value of "org.apache.kafka.connect.data.Schema.field(String)" is null`,
        )
      headers.add(this.#headers[i]!, v, fs.schema)
    })
    return { ...this.#side.with(record, updatedSchema, updatedValue), headers }
  }
  #get(s: Struct, name: string): unknown {
    return this.#withDefault ? s.get(name) : s.getWithoutDefault(name)
  }
  config(): ConfigDef {
    return HEADER_FROM_CONFIG_DEF
  }
  close(): void {}
}
export class HeaderFromKey extends HeaderFrom {
  constructor() {
    super(KEY)
  }
}
export class HeaderFromValue extends HeaderFrom {
  constructor() {
    super(VALUE)
  }
}

// ---- InsertField --------------------------------------------------------------------------------

const OPTIONALITY_DOC =
  'Suffix with <code>!</code> to make this a required field, or <code>?</code> to keep it optional (the default).'

function insertKey(name: string, documentation: string) {
  return { name, type: 'STRING', defaultValue: null, importance: 'MEDIUM', documentation } as const
}

export const INSERT_FIELD_CONFIG_DEF = new ConfigDef()
  .define(insertKey('topic.field', `Field name for Kafka topic. ${OPTIONALITY_DOC}`))
  .define(insertKey('partition.field', `Field name for Kafka partition. ${OPTIONALITY_DOC}`))
  .define(
    insertKey(
      'offset.field',
      `Field name for Kafka offset - only applicable to sink connectors.<br/>${OPTIONALITY_DOC}`,
    ),
  )
  .define(insertKey('timestamp.field', `Field name for record timestamp. ${OPTIONALITY_DOC}`))
  .define(insertKey('static.field', `Field name for static data field. ${OPTIONALITY_DOC}`))
  .define(insertKey('static.value', 'Static field value, if field name configured.'))
  .define(REPLACE_NULL_WITH_DEFAULT_KEY)

interface InsertionSpec {
  readonly name: string
  readonly optional: boolean
}

function spec(text: string | null): InsertionSpec | undefined {
  if (text === null) return undefined
  if (text.endsWith('?')) return { name: text.slice(0, -1), optional: true }
  if (text.endsWith('!')) return { name: text.slice(0, -1), optional: false }
  return { name: text, optional: true }
}

const OPTIONAL_TIMESTAMP = TimestampLogical.builder().optional().build()

abstract class InsertField implements Transformation {
  readonly #side: Side
  #topic: InsertionSpec | undefined
  #partition: InsertionSpec | undefined
  #offset: InsertionSpec | undefined
  #timestamp: InsertionSpec | undefined
  #static: InsertionSpec | undefined
  #staticValue: string | null = null
  #withDefault = true
  #cache = new SchemaCache()
  constructor(side: Side) {
    this.#side = side
  }
  configure(configs: PluginConfigs): void {
    const c = new AbstractConfig(INSERT_FIELD_CONFIG_DEF, configs)
    this.#topic = spec(c.getString('topic.field'))
    this.#partition = spec(c.getString('partition.field'))
    this.#offset = spec(c.getString('offset.field'))
    this.#timestamp = spec(c.getString('timestamp.field'))
    this.#static = spec(c.getString('static.field'))
    this.#staticValue = c.getString('static.value')
    this.#withDefault = c.getBoolean('replace.null.with.default') ?? true
    if (!this.#topic && !this.#partition && !this.#offset && !this.#timestamp && !this.#static) {
      throw new ConfigError('No field insertion configured')
    }
    if (this.#static !== undefined && this.#staticValue === null) {
      throw invalidConfigValue(
        'static.value',
        null,
        `No value specified for static field: InsertionSpec@${this.#static.name}`,
      )
    }
    this.#cache = new SchemaCache()
  }
  apply<R extends ConnectRecord>(record: R): R {
    const value = this.#side.value(record)
    if (value === null || value === undefined) return record
    const schema = this.#side.schema(record)
    if (schema === null) {
      const updated = new Map(requireMap(value, 'field insertion'))
      if (this.#topic) updated.set(this.#topic.name, record.topic)
      if (this.#partition && record.kafkaPartition !== null)
        updated.set(this.#partition.name, record.kafkaPartition)
      if (this.#offset)
        updated.set(this.#offset.name, requireSinkRecord(record, 'field insertion').kafkaOffset)
      if (this.#timestamp && record.timestamp !== null) updated.set(this.#timestamp.name, record.timestamp)
      if (this.#static && this.#staticValue !== null) updated.set(this.#static.name, this.#staticValue)
      return this.#side.with(record, null, mapLike(value, updated))
    }
    const struct = requireStruct(value, 'field insertion')
    const updatedSchema = this.#cache.getOrCompute(struct.schema, (s) => this.#schema(s))
    const out = new Struct(updatedSchema)
    for (const f of struct.schema.fields) {
      out.put(f.name, this.#withDefault ? struct.get(f.name) : struct.getWithoutDefault(f.name))
    }
    if (this.#topic) out.put(this.#topic.name, record.topic)
    if (this.#partition && record.kafkaPartition !== null)
      out.put(this.#partition.name, record.kafkaPartition)
    if (this.#offset) out.put(this.#offset.name, requireSinkRecord(record, 'field insertion').kafkaOffset)
    if (this.#timestamp && record.timestamp !== null)
      out.put(this.#timestamp.name, new Date(record.timestamp))
    if (this.#static && this.#staticValue !== null) out.put(this.#static.name, this.#staticValue)
    return this.#side.with(record, updatedSchema, out)
  }
  #schema(s: Schema): Schema {
    const b = copySchemaBasics(s, SchemaBuilder.struct())
    for (const f of s.fields) b.field(f.name, f.schema)
    const add = (sp: InsertionSpec | undefined, optional: Schema, required: Schema): void => {
      if (sp) b.field(sp.name, sp.optional ? optional : required)
    }
    add(this.#topic, Schemas.OPTIONAL_STRING, Schemas.STRING)
    add(this.#partition, Schemas.OPTIONAL_INT32, Schemas.INT32)
    add(this.#offset, Schemas.OPTIONAL_INT64, Schemas.INT64)
    add(this.#timestamp, OPTIONAL_TIMESTAMP, TimestampLogical.SCHEMA)
    add(this.#static, Schemas.OPTIONAL_STRING, Schemas.STRING)
    return b.build()
  }
  config(): ConfigDef {
    return INSERT_FIELD_CONFIG_DEF
  }
  close(): void {}
}
export class InsertFieldKey extends InsertField {
  constructor() {
    super(KEY)
  }
}
export class InsertFieldValue extends InsertField {
  constructor() {
    super(VALUE)
  }
}

// ---- MaskField ----------------------------------------------------------------------------------

export const MASK_FIELD_CONFIG_DEF = new ConfigDef()
  .define({
    name: 'fields',
    type: 'LIST',
    validator: new AnyNonDuplicateValues(),
    importance: 'HIGH',
    documentation: 'Names of fields to mask.',
  })
  .define({
    name: 'replacement',
    type: 'STRING',
    defaultValue: null,
    validator: new NonEmptyString(),
    importance: 'LOW',
    documentation:
      "Custom value replacement, that will be applied to all 'fields' values (numeric or non-empty string values only).",
  })
  .define(REPLACE_NULL_WITH_DEFAULT_KEY)

type JavaKind =
  | 'Boolean'
  | 'Byte'
  | 'Short'
  | 'Integer'
  | 'Long'
  | 'Float'
  | 'Double'
  | 'BigDecimal'
  | 'Date'
  | 'String'
  | 'bytes'
  | 'List'
  | 'Map'
  | 'Struct'
  | 'other'

const KINDS: Readonly<Record<string, JavaKind>> = {
  'java.lang.Boolean': 'Boolean',
  'java.lang.String': 'String',
  'java.lang.Byte': 'Byte',
  'java.lang.Short': 'Short',
  'java.lang.Integer': 'Integer',
  'java.lang.Long': 'Long',
  'java.lang.Float': 'Float',
  'java.lang.Double': 'Double',
  'java.math.BigDecimal': 'BigDecimal',
  'java.util.Date': 'Date',
  '[B': 'bytes',
  'java.util.ArrayList': 'List',
  'org.apache.kafka.connect.data.Struct': 'Struct',
  'java.util.HashMap': 'Map',
}

/** The Java class MaskField's lookup tables are keyed by. */
function javaKind(value: unknown, schema: Schema | null): JavaKind {
  return KINDS[javaClassName(value, schema)] ?? 'other'
}

const BITS: Partial<Record<JavaKind, number>> = { Byte: 8, Short: 16, Integer: 32, Long: 64 }

abstract class MaskField implements Transformation {
  readonly #side: Side
  #fields = new Set<string>()
  #replacement: string | null = null
  #withDefault = true
  constructor(side: Side) {
    this.#side = side
  }
  configure(configs: PluginConfigs): void {
    const c = new AbstractConfig(MASK_FIELD_CONFIG_DEF, configs)
    this.#fields = new Set(c.getList('fields'))
    this.#replacement = c.getString('replacement')
    this.#withDefault = c.getBoolean('replace.null.with.default') ?? true
  }
  apply<R extends ConnectRecord>(record: R): R {
    const value = this.#side.value(record)
    const schema = this.#side.schema(record)
    if (schema === null) {
      const map = requireMap(value, 'mask fields')
      const updated = new Map(map)
      for (const f of this.#fields) updated.set(f, this.#masked(map.get(f) ?? null, null))
      return this.#side.with(record, null, mapLike(value, updated))
    }
    const struct = requireStruct(value, 'mask fields')
    const out = new Struct(struct.schema)
    for (const f of struct.schema.fields) {
      const v = this.#withDefault ? struct.get(f.name) : struct.getWithoutDefault(f.name)
      out.put(f.name, this.#fields.has(f.name) ? this.#masked(v, f.schema) : v)
    }
    return this.#side.with(record, schema, out)
  }
  #masked(value: unknown, schema: Schema | null): unknown {
    if (value === null || value === undefined) return null
    const kind = javaKind(value, schema)
    if (this.#replacement === null) {
      switch (kind) {
        case 'Boolean':
          return false
        case 'Byte':
        case 'Short':
        case 'Integer':
        case 'Long':
        case 'Float':
        case 'Double':
          return 0
        case 'BigDecimal':
          return new Decimal(0n, 0)
        case 'Date':
          return new Date(0)
        case 'String':
          return ''
        case 'List':
          return []
        case 'Map':
          return value instanceof Map ? new Map() : {}
        default:
          throw new DataError(`Cannot mask value of type: ${javaClass(value, schema)}`)
      }
    }
    const r = this.#replacement
    const notANumber = (): never => {
      throw new DataError(`Unable to convert ${r} (class java.lang.String) to a number`)
    }
    const bits = BITS[kind]
    if (bits !== undefined) {
      // Values.convertToX(null, string): the string parsed as a number of that type.
      const n = parseJavaLong(r.trim(), bits) ?? replacementAsLong(r, bits)
      if (n === undefined) return notANumber()
      return bits === 64 && !Number.isSafeInteger(Number(n)) ? n : Number(n)
    }
    switch (kind) {
      case 'Float':
      case 'Double': {
        const d = parseJavaDouble(r)
        if (d === undefined) return notANumber()
        return kind === 'Float' ? Math.fround(d) : d
      }
      case 'String':
        return r
      case 'BigDecimal':
        try {
          return Decimal.fromString(r)
        } catch {
          return notANumber()
        }
      default:
        throw new DataError(`Cannot mask value of type ${javaClass(value, schema)} with custom replacement.`)
    }
  }
  config(): ConfigDef {
    return MASK_FIELD_CONFIG_DEF
  }
  close(): void {}
}

/** Values.convertToX of a decimal string ("1.5" → 1): parsed as BigDecimal, then narrowed. */
function replacementAsLong(r: string, bits: number): bigint | undefined {
  try {
    const d = Decimal.fromString(r.trim())
    const t = d.scale <= 0 ? d.unscaled * 10n ** BigInt(-d.scale) : d.unscaled / 10n ** BigInt(d.scale)
    return BigInt.asIntN(bits, t)
  } catch {
    return undefined
  }
}

export class MaskFieldKey extends MaskField {
  constructor() {
    super(KEY)
  }
}
export class MaskFieldValue extends MaskField {
  constructor() {
    super(VALUE)
  }
}
