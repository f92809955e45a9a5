/**
 * Kafka's structural transforms: ExtractField, Flatten, HoistField, ReplaceField, SetSchemaMetadata and
 * ValueToKey, each as Kafka defines them (configs, messages, schema caches).
 */
import type { ConnectRecord, PluginConfigs, Schema, Transformation } from '@sluice/api'
import {
  AbstractConfig,
  ConfigDef,
  ConfigError,
  ConnectSchema,
  DataError,
  Decimal,
  invalidValueMessage,
  LambdaValidator,
  newRecord,
  SchemaBuilder,
  Struct,
} from '@sluice/api'
import { appendFieldSyntaxVersion, fieldSyntaxVersion, SingleFieldPath } from './util/field-path.js'
import {
  javaClass,
  mapLike,
  requireMap,
  requireMapOrNull,
  requireSchema,
  requireStruct,
  requireStructOrNull,
} from './util/requirements.js'
import { copySchemaBasics, SchemaCache } from './util/schema-util.js'
import { KEY, type Side, VALUE } from './util/sides.js'
import { AnyNonDuplicateValues, REPLACE_NULL_WITH_DEFAULT_KEY } from './util/validators.js'

function fieldValue(struct: Struct, name: string, withDefault: boolean): unknown {
  return withDefault ? struct.get(name) : struct.getWithoutDefault(name)
}

// ---- ExtractField -------------------------------------------------------------------------------

export const EXTRACT_FIELD_CONFIG_DEF = appendFieldSyntaxVersion(
  new ConfigDef()
    .define({ name: 'field', type: 'STRING', importance: 'MEDIUM', documentation: 'Field name to extract.' })
    .define(REPLACE_NULL_WITH_DEFAULT_KEY),
)

abstract class ExtractField implements Transformation {
  readonly #side: Side
  #path = new SingleFieldPath('', 'V1')
  #original = ''
  #withDefault = true
  constructor(side: Side) {
    this.#side = side
  }
  configure(configs: PluginConfigs): void {
    const c = new AbstractConfig(EXTRACT_FIELD_CONFIG_DEF, configs)
    this.#original = c.getString('field') ?? ''
    this.#path = new SingleFieldPath(this.#original, fieldSyntaxVersion(c.getString('field.syntax.version')))
    this.#withDefault = c.getBoolean('replace.null.with.default') ?? true
  }
  apply<R extends ConnectRecord>(record: R): R {
    const schema = this.#side.schema(record)
    if (schema === null) {
      const map = requireMapOrNull(this.#side.value(record), 'field extraction')
      return this.#side.with(record, null, map === null ? null : this.#path.valueFromMap(map))
    }
    const struct = requireStructOrNull(this.#side.value(record), 'field extraction')
    const field = this.#path.fieldFrom(schema)
    if (field === undefined) throw new DataError(`Unknown field: ${this.#original}`)
    return this.#side.with(
      record,
      field.schema,
      struct === null ? null : this.#path.valueFromStruct(struct, this.#withDefault),
    )
  }
  config(): ConfigDef {
    return EXTRACT_FIELD_CONFIG_DEF
  }
  close(): void {}
}
export class ExtractFieldKey extends ExtractField {
  constructor() {
    super(KEY)
  }
}
export class ExtractFieldValue extends ExtractField {
  constructor() {
    super(VALUE)
  }
}

// ---- Flatten ------------------------------------------------------------------------------------

export const FLATTEN_CONFIG_DEF = new ConfigDef().define({
  name: 'delimiter',
  type: 'STRING',
  defaultValue: '.',
  importance: 'MEDIUM',
  documentation:
    'Delimiter to insert between field names from the input record when generating field names for the output record',
})

abstract class Flatten implements Transformation {
  readonly #side: Side
  #delimiter = '.'
  #cache = new SchemaCache()
  constructor(side: Side) {
    this.#side = side
  }
  configure(configs: PluginConfigs): void {
    this.#delimiter = new AbstractConfig(FLATTEN_CONFIG_DEF, configs).getString('delimiter') ?? '.'
    this.#cache = new SchemaCache()
  }
  #name(prefix: string, name: string): string {
    return prefix === '' ? name : `${prefix}${this.#delimiter}${name}`
  }
  apply<R extends ConnectRecord>(record: R): R {
    const value = this.#side.value(record)
    if (value === null || value === undefined) return record
    const schema = this.#side.schema(record)
    if (schema === null) {
      const out = new Map<unknown, unknown>()
      this.#schemaless(requireMap(value, 'flattening'), '', out)
      return this.#side.with(record, null, mapLike(value, out))
    }
    const struct = requireStructOrNull(value, 'flattening')
    const updatedSchema = this.#cache.getOrCompute(schema, (s) => {
      const b = copySchemaBasics(s, SchemaBuilder.struct())
      this.#buildSchema(s, '', b, s.isOptional, (s.defaultValue ?? null) as Struct | null)
      return b.build()
    })
    if (struct === null) return this.#side.with(record, updatedSchema, null)
    const out = new Struct(updatedSchema)
    this.#withSchema(struct, '', out)
    return this.#side.with(record, updatedSchema, out)
  }
  #schemaless(map: Map<unknown, unknown>, prefix: string, out: Map<unknown, unknown>): void {
    for (const [k, v] of map) {
      const name = this.#name(prefix, String(k))
      if (v === null || v === undefined) {
        out.set(name, null)
        continue
      }
      if (v instanceof Struct) {
        throw new DataError(
          `Flatten transformation does not support ${javaClass(v)} for record without schemas (for field ${name}).`,
        )
      }
      // BigDecimal and java.util.Date have no Connect type without a schema (ConnectSchema.schemaType is null).
      if (v instanceof Decimal || v instanceof Date) {
        throw new DataError(
          `Flatten transformation was passed a value of type ${javaClass(v)} which is not supported by Connect's data API`,
        )
      }
      if (v instanceof Map || (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)) {
        this.#schemaless(requireMap(v, 'flattening'), name, out)
      } else out.set(name, v)
    }
  }
  #buildSchema(
    schema: Schema,
    prefix: string,
    b: SchemaBuilder,
    optional: boolean,
    parentDefault: Struct | null,
  ): void {
    for (const field of schema.fields) {
      const name = this.#name(prefix, field.name)
      const fieldOptional = optional || field.schema.isOptional
      let def: unknown = null
      if (field.schema.defaultValue !== undefined && field.schema.defaultValue !== null)
        def = field.schema.defaultValue
      else if (parentDefault !== null) def = parentDefault.get(field.name)
      switch (field.schema.type) {
        case 'STRUCT':
          this.#buildSchema(field.schema, name, b, fieldOptional, def as Struct | null)
          break
        case 'MAP':
          throw new DataError(
            `Flatten transformation does not support MAP for record with schemas (for field ${name}).`,
          )
        default: {
          const fb = copySchemaBasics(field.schema)
          if (fieldOptional) fb.optional()
          if (def !== null) fb.defaultValue(def)
          b.field(name, fb.build())
        }
      }
    }
  }
  #withSchema(struct: Struct | null, prefix: string, out: Struct): void {
    if (struct === null) return
    for (const field of struct.schema.fields) {
      const name = this.#name(prefix, field.name)
      switch (field.schema.type) {
        case 'STRUCT':
          this.#withSchema(struct.getStruct(field.name), name, out)
          break
        case 'MAP':
          throw new DataError(
            `Flatten transformation does not support MAP for record with schemas (for field ${name}).`,
          )
        default:
          out.put(name, struct.get(field.name))
      }
    }
  }
  config(): ConfigDef {
    return FLATTEN_CONFIG_DEF
  }
  close(): void {}
}
export class FlattenKey extends Flatten {
  constructor() {
    super(KEY)
  }
}
export class FlattenValue extends Flatten {
  constructor() {
    super(VALUE)
  }
}

// ---- HoistField ---------------------------------------------------------------------------------

export const HOIST_FIELD_CONFIG_DEF = new ConfigDef().define({
  name: 'field',
  type: 'STRING',
  importance: 'MEDIUM',
  documentation: 'Field name for the single field that will be created in the resulting Struct or Map.',
})

abstract class HoistField implements Transformation {
  readonly #side: Side
  #field = ''
  #cache = new SchemaCache()
  constructor(side: Side) {
    this.#side = side
  }
  configure(configs: PluginConfigs): void {
    this.#field = new AbstractConfig(HOIST_FIELD_CONFIG_DEF, configs).getString('field') ?? ''
    this.#cache = new SchemaCache()
  }
  apply<R extends ConnectRecord>(record: R): R {
    const schema = this.#side.schema(record)
    const value = this.#side.value(record)
    if (schema === null) return this.#side.with(record, null, new Map([[this.#field, value]]))
    const updated = this.#cache.getOrCompute(schema, (s) =>
      SchemaBuilder.struct().field(this.#field, s).build(),
    )
    return this.#side.with(record, updated, new Struct(updated).put(this.#field, value))
  }
  config(): ConfigDef {
    return HOIST_FIELD_CONFIG_DEF
  }
  close(): void {}
}
export class HoistFieldKey extends HoistField {
  constructor() {
    super(KEY)
  }
}
export class HoistFieldValue extends HoistField {
  constructor() {
    super(VALUE)
  }
}

// ---- ReplaceField -------------------------------------------------------------------------------

function javaSplit(s: string, sep: string): string[] {
  const parts = s.split(sep)
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop()
  return parts
}

function parseRenames(mappings: readonly string[]): Map<string, string> {
  const m = new Map<string, string>()
  for (const mapping of mappings) {
    const parts = javaSplit(mapping, ':')
    if (parts.length !== 2) {
      throw new ConfigError(
        invalidValueMessage('renames', `[${mappings.join(', ')}]`, `Invalid rename mapping: ${mapping}`),
      )
    }
    m.set(parts[0]!, parts[1]!)
  }
  return m
}

export const REPLACE_FIELD_CONFIG_DEF = new ConfigDef()
  .define({
    name: 'exclude',
    type: 'LIST',
    defaultValue: '',
    validator: new AnyNonDuplicateValues(true),
    importance: 'MEDIUM',
    documentation: 'Fields to exclude. This takes precedence over the fields to include.',
  })
  .define({
    name: 'include',
    type: 'LIST',
    defaultValue: '',
    validator: new AnyNonDuplicateValues(true),
    importance: 'MEDIUM',
    documentation: 'Fields to include. If specified, only these fields will be used.',
  })
  .define({
    name: 'renames',
    type: 'LIST',
    defaultValue: '',
    validator: LambdaValidator.with(
      (_n, v) => {
        parseRenames((v as string[] | null) ?? [])
      },
      () => 'list of colon-delimited pairs, e.g. <code>foo:bar,abc:xyz</code>',
    ),
    importance: 'MEDIUM',
    documentation: 'Field rename mappings.',
  })
  .define(REPLACE_NULL_WITH_DEFAULT_KEY)

abstract class ReplaceField implements Transformation {
  readonly #side: Side
  #exclude = new Set<string>()
  #include = new Set<string>()
  #renames = new Map<string, string>()
  #reverse = new Map<string, string>()
  #withDefault = true
  #cache = new SchemaCache()
  constructor(side: Side) {
    this.#side = side
  }
  configure(configs: PluginConfigs): void {
    const c = new AbstractConfig(REPLACE_FIELD_CONFIG_DEF, configs)
    this.#exclude = new Set(c.getList('exclude'))
    this.#include = new Set(c.getList('include'))
    this.#renames = parseRenames(c.getList('renames') ?? [])
    this.#reverse = new Map([...this.#renames].map(([a, b]) => [b, a]))
    this.#withDefault = c.getBoolean('replace.null.with.default') ?? true
    this.#cache = new SchemaCache()
  }
  #keep(name: string): boolean {
    return !this.#exclude.has(name) && (this.#include.size === 0 || this.#include.has(name))
  }
  apply<R extends ConnectRecord>(record: R): R {
    const value = this.#side.value(record)
    if (value === null || value === undefined) return record
    const schema = this.#side.schema(record)
    if (schema === null) {
      const out = new Map<unknown, unknown>()
      for (const [k, v] of requireMap(value, 'field replacement')) {
        const name = String(k)
        if (this.#keep(name)) out.set(this.#renames.get(name) ?? name, v)
      }
      return this.#side.with(record, null, mapLike(value, out))
    }
    const struct = requireStruct(value, 'field replacement')
    const updated = this.#cache.getOrCompute(struct.schema, (s) => {
      const b = copySchemaBasics(s, SchemaBuilder.struct())
      for (const f of s.fields) if (this.#keep(f.name)) b.field(this.#renames.get(f.name) ?? f.name, f.schema)
      return b.build()
    })
    const out = new Struct(updated)
    for (const f of updated.fields) {
      out.put(f.name, fieldValue(struct, this.#reverse.get(f.name) ?? f.name, this.#withDefault))
    }
    return this.#side.with(record, updated, out)
  }
  config(): ConfigDef {
    return REPLACE_FIELD_CONFIG_DEF
  }
  close(): void {}
}
export class ReplaceFieldKey extends ReplaceField {
  constructor() {
    super(KEY)
  }
}
export class ReplaceFieldValue extends ReplaceField {
  constructor() {
    super(VALUE)
  }
}

// ---- SetSchemaMetadata --------------------------------------------------------------------------

export const SET_SCHEMA_METADATA_CONFIG_DEF = new ConfigDef()
  .define({
    name: 'schema.name',
    type: 'STRING',
    defaultValue: null,
    importance: 'HIGH',
    documentation: 'Schema name to set.',
  })
  .define({
    name: 'schema.version',
    type: 'INT',
    defaultValue: null,
    importance: 'HIGH',
    documentation: 'Schema version to set.',
  })
  .define(REPLACE_NULL_WITH_DEFAULT_KEY)

abstract class SetSchemaMetadata implements Transformation {
  readonly #side: Side
  #name: string | null = null
  #version: number | null = null
  #withDefault = true
  constructor(side: Side) {
    this.#side = side
  }
  configure(configs: PluginConfigs): void {
    const c = new AbstractConfig(SET_SCHEMA_METADATA_CONFIG_DEF, configs)
    this.#name = c.getString('schema.name')
    this.#version = c.getInt('schema.version')
    this.#withDefault = c.getBoolean('replace.null.with.default') ?? true
    if (this.#name === null && this.#version === null)
      throw new ConfigError('Neither schema name nor version configured')
  }
  apply<R extends ConnectRecord>(record: R): R {
    const value = this.#side.value(record)
    const schema = this.#side.schema(record)
    if ((value === null || value === undefined) && schema === null) return record
    const s = requireSchema(schema, 'updating schema metadata')
    // Kafka 4.4 passes schema.fields() to the new ConnectSchema, which throws for every non-struct.
    if (s.type !== 'STRUCT') throw new DataError('Cannot list fields on non-struct type')
    const updated = new ConnectSchema({
      type: s.type,
      optional: s.isOptional,
      defaultValue: s.defaultValue,
      name: this.#name ?? s.name,
      version: this.#version ?? s.version,
      doc: s.doc,
      parameters: s.parameters,
      fields: s.fields,
    })
    let out = value
    if (value instanceof Struct) {
      const st = new Struct(updated)
      for (const f of updated.fields) st.put(f.name, fieldValue(value, f.name, this.#withDefault))
      out = st
    }
    return this.#side.with(record, updated, out)
  }
  config(): ConfigDef {
    return SET_SCHEMA_METADATA_CONFIG_DEF
  }
  close(): void {}
}
export class SetSchemaMetadataKey extends SetSchemaMetadata {
  constructor() {
    super(KEY)
  }
}
export class SetSchemaMetadataValue extends SetSchemaMetadata {
  constructor() {
    super(VALUE)
  }
}

// ---- ValueToKey ---------------------------------------------------------------------------------

export const VALUE_TO_KEY_CONFIG_DEF = appendFieldSyntaxVersion(
  new ConfigDef()
    .define({
      name: 'fields',
      type: 'LIST',
      validator: new AnyNonDuplicateValues(),
      importance: 'HIGH',
      documentation: 'Field names on the record value to extract as the record key.',
    })
    .define(REPLACE_NULL_WITH_DEFAULT_KEY),
)

/** Kafka's `ValueToKey`: the key becomes a struct (or map) of the listed value fields (paths with V2). */
export class ValueToKey implements Transformation {
  #fields: string[] = []
  #paths: SingleFieldPath[] = []
  #withDefault = true
  #cache = new SchemaCache()
  configure(configs: PluginConfigs): void {
    const c = new AbstractConfig(VALUE_TO_KEY_CONFIG_DEF, configs)
    this.#fields = c.getList('fields') ?? []
    const version = fieldSyntaxVersion(c.getString('field.syntax.version'))
    this.#paths = this.#fields.map((f) => new SingleFieldPath(f, version))
    this.#withDefault = c.getBoolean('replace.null.with.default') ?? true
    this.#cache = new SchemaCache()
  }
  apply<R extends ConnectRecord>(record: R): R {
    if (record.valueSchema === null) {
      const map = requireMap(record.value, 'copying fields from value to key')
      const key = new Map<unknown, unknown>()
      for (const [i, f] of this.#fields.entries()) key.set(f, this.#paths[i]!.valueFromMap(map))
      return newRecord(record, { keySchema: null, key: mapLike(record.value, key) })
    }
    const value = requireStruct(record.value, 'copying fields from value to key')
    const keySchema = this.#cache.getOrCompute(value.schema, (s) => {
      const b = SchemaBuilder.struct()
      this.#fields.forEach((f, i) => {
        const field = this.#paths[i]!.fieldFrom(s)
        if (field === undefined) throw new DataError(`Field does not exist: ${f}`)
        b.field(f, field.schema)
      })
      return b.build()
    })
    const key = new Struct(keySchema)
    for (const [i, f] of this.#fields.entries()) {
      key.put(f, this.#paths[i]!.valueFromStruct(value, this.#withDefault))
    }
    return newRecord(record, { keySchema, key, valueSchema: value.schema, value })
  }
  config(): ConfigDef {
    return VALUE_TO_KEY_CONFIG_DEF
  }
  close(): void {}
}
