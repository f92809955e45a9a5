import {
  AbstractConfig,
  ConfigDef,
  ConfigError,
  type ConnectRecord,
  newRecord,
  type PluginConfigs,
  type Schema,
  SchemaBuilder,
  Struct,
  type Transformation,
  ValidString,
} from '@sluice/api'

export const EXTRACT_NEW_RECORD_STATE_CLASS = 'io.debezium.transforms.ExtractNewRecordState'

/**
 * Debezium's "unwrap" transform: replaces a change event envelope by its `after` state (or handles the
 * delete), optionally adding envelope/source fields and headers. Records that are no change event
 * envelopes (schema changes, heartbeats) pass unchanged, as in Debezium.
 */
export const EXTRACT_NEW_RECORD_STATE_CONFIG_DEF: ConfigDef = new ConfigDef()
  .define({
    name: 'drop.tombstones',
    type: 'BOOLEAN',
    defaultValue: true,
    importance: 'LOW',
    documentation:
      'Debezium by default generates a tombstone record to enable Kafka compaction after a delete record was generated. This record is usually filtered out to avoid duplicates as a delete record is converted to a tombstone record, too',
  })
  .define({
    name: 'delete.handling.mode',
    type: 'STRING',
    defaultValue: 'drop',
    validator: ValidString.in('drop', 'rewrite', 'none'),
    importance: 'MEDIUM',
    documentation:
      'How to handle delete records. Options are: none - records are passed, drop - records are removed (the default), rewrite - __deleted field is added to records.',
  })
  .define({
    name: 'delete.tombstone.handling.mode',
    type: 'STRING',
    defaultValue: null,
    importance: 'MEDIUM',
    documentation:
      'How to handle delete and tombstone records (2.5+; replaces drop.tombstones and delete.handling.mode): drop, tombstone, rewrite, rewrite-with-tombstone.',
  })
  .define({
    name: 'add.fields',
    type: 'LIST',
    defaultValue: '',
    importance: 'LOW',
    documentation:
      "Adds each field listed, prefixed with __ (or __<struct>_ if the struct is specified). Example: 'version,connector,source.ts_ms' would add __version, __connector and __source_ts_ms fields. Optionally one can also map new field name like version:VERSION,connector:CONNECTOR,source.ts_ms:EVENT_TIMESTAMP.",
  })
  .define({
    name: 'add.fields.prefix',
    type: 'STRING',
    defaultValue: '__',
    importance: 'LOW',
    documentation: 'Adds this prefix to each field listed.',
  })
  .define({
    name: 'add.headers',
    type: 'LIST',
    defaultValue: '',
    importance: 'LOW',
    documentation: 'Adds each field listed to the header, __ (or __<struct>_ if the struct is specified).',
  })
  .define({
    name: 'add.headers.prefix',
    type: 'STRING',
    defaultValue: '__',
    importance: 'LOW',
    documentation: 'Adds this prefix listed to each header.',
  })

/** Keys Debezium's transform has that Sluice does not implement: refused, never ignored. */
const UNIMPLEMENTED = [
  'route.by.field',
  'drop.fields.header.name',
  'drop.fields.from.key',
  'drop.fields.keep.schema.compatible',
  'replace.null.with.default',
]

const ENVELOPE_FIELDS = new Set(['before', 'after', 'source', 'op', 'ts_ms', 'ts_us', 'ts_ns', 'transaction'])

interface FieldRef {
  /** `source`, `transaction` or null for an envelope field. */
  struct: string | null
  field: string
  newName: string
}

function parseRefs(list: readonly string[], prefix: string): FieldRef[] {
  return list
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((spec) => {
      const [path = '', alias] = spec.split(':')
      const dot = path.indexOf('.')
      const struct = dot >= 0 ? path.slice(0, dot) : ENVELOPE_FIELDS.has(path) ? null : 'source'
      const field = dot >= 0 ? path.slice(dot + 1) : path
      const newName = prefix + (alias ?? (dot >= 0 ? `${struct}_${field}` : field))
      return { struct, field, newName }
    })
}

function isEnvelope(schema: Schema | null): boolean {
  return (
    schema !== null &&
    schema.type === 'STRUCT' &&
    (schema.name ?? '').endsWith('.Envelope') &&
    schema.field('op') !== undefined &&
    schema.field('after') !== undefined
  )
}

export class ExtractNewRecordState<R extends ConnectRecord = ConnectRecord> implements Transformation<R> {
  #dropTombstones = true
  #deleteMode: 'drop' | 'rewrite' | 'none' = 'drop'
  #rewriteTombstone = false
  #fields: FieldRef[] = []
  #headers: FieldRef[] = []
  readonly #schemaCache = new Map<string, Schema>()

  configure(configs: PluginConfigs): void {
    for (const k of UNIMPLEMENTED) {
      if (configs[k] !== undefined)
        throw new ConfigError(`ExtractNewRecordState: '${k}' is not implemented by Sluice; remove it`)
    }
    const c = new AbstractConfig(EXTRACT_NEW_RECORD_STATE_CONFIG_DEF, configs)
    this.#dropTombstones = c.getBoolean('drop.tombstones') ?? true
    this.#deleteMode = (c.getString('delete.handling.mode') ?? 'drop') as 'drop' | 'rewrite' | 'none'
    const combined = c.getString('delete.tombstone.handling.mode')
    if (combined !== null && !['drop', 'tombstone', 'rewrite', 'rewrite-with-tombstone'].includes(combined))
      throw new ConfigError(
        `Invalid value ${combined} for configuration delete.tombstone.handling.mode: String must be one of: drop, tombstone, rewrite, rewrite-with-tombstone`,
      )
    if (combined !== null) {
      // 2.5+'s single key, mapped onto the two legacy ones (Debezium does the same).
      this.#dropTombstones = combined !== 'tombstone' && combined !== 'rewrite-with-tombstone'
      this.#deleteMode = combined.startsWith('rewrite')
        ? 'rewrite'
        : combined === 'tombstone'
          ? 'none'
          : 'drop'
      this.#rewriteTombstone = combined === 'rewrite-with-tombstone'
    }
    this.#fields = parseRefs(c.getList('add.fields') ?? [], c.getString('add.fields.prefix') ?? '__')
    this.#headers = parseRefs(c.getList('add.headers') ?? [], c.getString('add.headers.prefix') ?? '__')
  }

  apply(record: R): R | null {
    if (record.value === null) return this.#dropTombstones ? null : record
    if (!isEnvelope(record.valueSchema) || !(record.value instanceof Struct)) return record
    const env = record.value
    const envSchema = record.valueSchema as Schema
    const headers = record.headers.duplicate()
    for (const h of this.#headers) {
      const { schema, value } = this.#lookup(env, envSchema, h)
      headers.add(h.newName, value, schema)
    }
    const after = env.get('after') as Struct | null
    if (after === null) {
      if (env.get('op') !== 'd') return newRecord(record, { headers })
      if (this.#deleteMode === 'drop') return null
      if (this.#deleteMode === 'none') return newRecord(record, { value: null, valueSchema: null, headers })
      const before = env.get('before') as Struct | null
      if (before === null) return null
      return newRecord(record, { ...this.#extend(before, env, envSchema, 'true'), headers })
    }
    return newRecord(record, {
      ...this.#extend(after, env, envSchema, this.#deleteMode === 'rewrite' ? 'false' : undefined),
      headers,
    })
  }

  #lookup(env: Struct, envSchema: Schema, ref: FieldRef): { schema: Schema; value: unknown } {
    let holder: Struct | null = env
    let holderSchema: Schema = envSchema
    if (ref.struct !== null) {
      const f = envSchema.field(ref.struct)
      if (f === undefined)
        throw new ConfigError(`ExtractNewRecordState: the envelope has no '${ref.struct}' struct`)
      holderSchema = f.schema
      holder = env.get(ref.struct) as Struct | null
    }
    const field = holderSchema.field(ref.field)
    if (field === undefined)
      throw new ConfigError(
        `ExtractNewRecordState: '${ref.struct ?? 'envelope'}' has no field '${ref.field}' (add.fields/add.headers)`,
      )
    return { schema: optionalCopy(field.schema), value: holder === null ? null : holder.get(ref.field) }
  }

  #extend(
    state: Struct,
    env: Struct,
    envSchema: Schema,
    deleted: string | undefined,
  ): { value: Struct; valueSchema: Schema } {
    if (this.#fields.length === 0 && deleted === undefined) return { value: state, valueSchema: state.schema }
    const looked = this.#fields.map((f) => ({ f, ...this.#lookup(env, envSchema, f) }))
    const cacheKey = `${state.schema.name}|${deleted !== undefined}|${looked.map((l) => l.f.newName).join(',')}`
    let schema = this.#schemaCache.get(cacheKey)
    if (schema === undefined) {
      const b = SchemaBuilder.struct()
      if (state.schema.name !== undefined) b.name(state.schema.name)
      if (state.schema.version !== undefined) b.version(state.schema.version)
      if (state.schema.isOptional) b.optional()
      for (const f of state.schema.fields) b.field(f.name, f.schema)
      for (const l of looked) b.field(l.f.newName, l.schema)
      if (deleted !== undefined) b.field(`${'__'}deleted`, SchemaBuilder.string().optional().build())
      schema = b.build()
      this.#schemaCache.set(cacheKey, schema)
    }
    const out = new Struct(schema)
    for (const f of state.schema.fields) out.put(f.name, state.get(f.name))
    for (const l of looked) out.put(l.f.newName, l.value)
    if (deleted !== undefined) out.put('__deleted', deleted)
    return { value: out, valueSchema: schema }
  }

  config(): ConfigDef {
    return EXTRACT_NEW_RECORD_STATE_CONFIG_DEF
  }

  close(): void {}

  /** Whether a delete rewrite should also keep the tombstone (delete.tombstone.handling.mode=rewrite-with-tombstone). */
  get keepsTombstoneOnRewrite(): boolean {
    return this.#rewriteTombstone
  }
}

function optionalCopy(s: Schema): Schema {
  if (s.isOptional) return s
  const b = SchemaBuilder.type(s.type)
  if (s.type === 'STRUCT') for (const f of s.fields) b.field(f.name, f.schema)
  if (s.name !== undefined) b.name(s.name)
  if (s.version !== undefined) b.version(s.version)
  if (s.parameters !== undefined) b.parameters(s.parameters)
  if (s.defaultValue !== undefined) b.defaultValue(s.defaultValue)
  return b.optional().build()
}
