import { type Schema, SchemaBuilder, Struct } from '@sluice/api'
import type { TableDef } from './table.js'
import { CHANGE_SCHEMA, type ChangeType, tableChangeStruct } from './table-change.js'
import { type ColumnMapping, mapColumn, SPATIAL, type TypeModes } from './types.js'

/**
 * Debezium 2.7's change event shapes: the `source` block, per-table key/value/envelope schemas, the
 * schema change topic's key and value, and heartbeats. Names, field order, optional flags and versions
 * are those Debezium 2.7.4 writes (captured from it against the same MariaDB; see test/compat).
 */

/** The Debezium release whose record format Sluice reproduces; `source.version` carries it. */
export const DEBEZIUM_VERSION = '2.7.4.Final'

/** Which Debezium connector is emulated: MySqlConnector (`mysql`) or MariaDbConnector (`mariadb`). */
export type Flavor = 'mysql' | 'mariadb'

const optString = (): Schema => SchemaBuilder.string().optional().build()
const optInt64 = (): Schema => SchemaBuilder.int64().optional().build()

const schemaCache = new Map<Flavor, Schema>()

/** `io.debezium.connector.mysql.Source` (or `…mariadb.Source`). */
export function sourceSchema(flavor: Flavor): Schema {
  const cached = schemaCache.get(flavor)
  if (cached !== undefined) return cached
  const s = SchemaBuilder.struct()
    .name(`io.debezium.connector.${flavor}.Source`)
    .field('version', SchemaBuilder.string().build())
    .field('connector', SchemaBuilder.string().build())
    .field('name', SchemaBuilder.string().build())
    .field('ts_ms', SchemaBuilder.int64().build())
    .field(
      'snapshot',
      SchemaBuilder.string()
        .optional()
        .name('io.debezium.data.Enum')
        .version(1)
        .parameter('allowed', 'true,last,false,incremental')
        .defaultValue('false')
        .build(),
    )
    .field('db', SchemaBuilder.string().build())
    .field('sequence', optString())
    .field('ts_us', optInt64())
    .field('ts_ns', optInt64())
    .field('table', optString())
    .field('server_id', SchemaBuilder.int64().build())
    .field('gtid', optString())
    .field('file', SchemaBuilder.string().build())
    .field('pos', SchemaBuilder.int64().build())
    .field('row', SchemaBuilder.int32().build())
    .field('thread', optInt64())
    .field('query', optString())
    .build()
  schemaCache.set(flavor, s)
  return s
}

/** Where an event came from: the fields of the `source` block that vary. */
export interface SourceInfo {
  readonly tsMs: number
  readonly snapshot: string
  readonly db: string
  readonly table: string | null
  readonly serverId: number
  readonly gtid: string | null
  readonly file: string
  readonly pos: number
  readonly row: number
  readonly thread: number | null
  readonly query: string | null
}

export function sourceStruct(flavor: Flavor, prefix: string, info: SourceInfo): Struct {
  return new Struct(sourceSchema(flavor))
    .put('version', DEBEZIUM_VERSION)
    .put('connector', flavor)
    .put('name', prefix)
    .put('ts_ms', info.tsMs)
    .put('snapshot', info.snapshot)
    .put('db', info.db)
    .put('sequence', null)
    .put('ts_us', info.tsMs * 1000)
    .put('ts_ns', BigInt(info.tsMs) * 1_000_000n)
    .put('table', info.table)
    .put('server_id', info.serverId)
    .put('gtid', info.gtid)
    .put('file', info.file)
    .put('pos', info.pos)
    .put('row', info.row)
    .put('thread', info.thread)
    .put('query', info.query)
}

const TRANSACTION_SCHEMA: Schema = SchemaBuilder.struct()
  .name('event.block')
  .version(1)
  .optional()
  .field('id', SchemaBuilder.string().build())
  .field('total_order', SchemaBuilder.int64().build())
  .field('data_collection_order', SchemaBuilder.int64().build())
  .build()

/** Debezium's topic and schema-name rule: characters outside `[A-Za-z0-9._-]` become `_`. */
export function sanitize(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_')
}

/** One captured table's schemas and column converters, for the columns the column lists keep. */
export class TableSchemas {
  readonly topic: string
  readonly keySchema: Schema | null
  readonly valueSchema: Schema
  readonly envelopeSchema: Schema
  readonly columns: ReadonlyArray<{ readonly name: string; readonly mapping: ColumnMapping }>
  readonly keyColumns: ReadonlyArray<{ readonly name: string; readonly mapping: ColumnMapping }>
  /** Names and types of the spatial columns (their binlog values need re-encoding to WKB). */
  readonly spatialColumns: ReadonlyArray<{ readonly name: string; readonly dataType: string }>

  constructor(
    readonly table: TableDef,
    prefix: string,
    delimiter: string,
    modes: TypeModes,
    flavor: Flavor,
    includeColumn: (column: string) => boolean,
  ) {
    const base = [prefix, table.db, table.table].map(sanitize).join(delimiter)
    const schemaBase = [prefix, table.db, table.table].map(sanitize).join('.')
    this.topic = base
    this.spatialColumns = table.columns
      .filter((c) => SPATIAL.has(c.dataType))
      .map((c) => ({ name: c.name, dataType: c.dataType }))
    const cols = table.columns.filter((c) => includeColumn(c.name))
    this.columns = cols.map((c) => ({ name: c.name, mapping: mapColumn(c, modes) }))
    const value = SchemaBuilder.struct().name(`${schemaBase}.Value`).optional()
    for (const c of this.columns) value.field(c.name, c.mapping.schema)
    this.valueSchema = value.build()
    const pk = table.primaryKey
      .map((n) => table.columns.find((c) => c.name === n))
      .filter((c) => c !== undefined)
    this.keyColumns = pk.map((c) => ({ name: c.name, mapping: mapColumn(c, modes, false) }))
    if (this.keyColumns.length > 0) {
      const key = SchemaBuilder.struct().name(`${schemaBase}.Key`)
      for (const c of this.keyColumns) key.field(c.name, c.mapping.schema)
      this.keySchema = key.build()
    } else this.keySchema = null
    this.envelopeSchema = SchemaBuilder.struct()
      .name(`${schemaBase}.Envelope`)
      .version(2)
      .field('before', this.valueSchema)
      .field('after', this.valueSchema)
      .field('source', sourceSchema(flavor))
      .field('transaction', TRANSACTION_SCHEMA)
      .field('op', SchemaBuilder.string().build())
      .field('ts_ms', optInt64())
      .field('ts_us', optInt64())
      .field('ts_ns', optInt64())
      .build()
  }

  /** The row as a `…Value` struct; `row` maps column names to raw values. */
  value(row: Readonly<Record<string, unknown>>, streaming = false): Struct {
    const s = new Struct(this.valueSchema)
    for (const c of this.columns) s.put(c.name, c.mapping.convert(row[c.name], streaming))
    return s
  }

  /** The row's key struct, or null for a table without primary key. */
  key(row: Readonly<Record<string, unknown>>, streaming = false): Struct | null {
    if (this.keySchema === null) return null
    const s = new Struct(this.keySchema)
    for (const c of this.keyColumns) s.put(c.name, c.mapping.convert(row[c.name], streaming))
    return s
  }

  /** The change event value: `op` is c/u/d/r/t. `nowMs` is the connector's processing time. */
  envelope(op: string, before: Struct | null, after: Struct | null, source: Struct, nowMs: number): Struct {
    return new Struct(this.envelopeSchema)
      .put('before', before)
      .put('after', after)
      .put('source', source)
      .put('transaction', null)
      .put('op', op)
      .put('ts_ms', nowMs)
      .put('ts_us', nowMs * 1000)
      .put('ts_ns', BigInt(nowMs) * 1_000_000n)
  }
}

export function schemaChangeKeySchema(flavor: Flavor): Schema {
  return SchemaBuilder.struct()
    .name(`io.debezium.connector.${flavor}.SchemaChangeKey`)
    .version(1)
    .field('databaseName', SchemaBuilder.string().build())
    .build()
}

export function schemaChangeValueSchema(flavor: Flavor): Schema {
  return SchemaBuilder.struct()
    .name(`io.debezium.connector.${flavor}.SchemaChangeValue`)
    .version(1)
    .field('source', sourceSchema(flavor))
    .field('ts_ms', SchemaBuilder.int64().build())
    .field('databaseName', optString())
    .field('schemaName', optString())
    .field('ddl', optString())
    .field('tableChanges', SchemaBuilder.array(CHANGE_SCHEMA).build())
    .build()
}

/** Key and value of one schema change topic record. */
export function schemaChangeRecord(
  flavor: Flavor,
  database: string,
  ddl: string,
  source: Struct,
  nowMs: number,
  changes: ReadonlyArray<{ type: ChangeType; table: TableDef }>,
): { key: Struct; value: Struct; keySchema: Schema; valueSchema: Schema } {
  const keySchema = schemaChangeKeySchema(flavor)
  const valueSchema = schemaChangeValueSchema(flavor)
  return {
    keySchema,
    valueSchema,
    key: new Struct(keySchema).put('databaseName', database),
    value: new Struct(valueSchema)
      .put('source', source)
      .put('ts_ms', nowMs)
      .put('databaseName', database)
      .put('schemaName', null)
      .put('ddl', ddl)
      .put(
        'tableChanges',
        changes.map((c) => tableChangeStruct(c.type, c.table)),
      ),
  }
}

export const HEARTBEAT_KEY_SCHEMA: Schema = SchemaBuilder.struct()
  .name('io.debezium.connector.common.ServerNameKey')
  .field('serverName', SchemaBuilder.string().build())
  .build()

export const HEARTBEAT_VALUE_SCHEMA: Schema = SchemaBuilder.struct()
  .name('io.debezium.connector.common.Heartbeat')
  .field('ts_ms', SchemaBuilder.int64().build())
  .build()
