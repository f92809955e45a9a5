import { type Schema, SchemaBuilder, Struct } from '@sluice/api'
import type { ColumnDef, TableDef } from './table.js'

/**
 * Debezium's `tableChanges` entries (io.debezium.connector.schema.Change/Table/Column), for the schema
 * change topic (as Connect structs) and the schema history topic (as JSON). Column attributes are
 * derived from INFORMATION_SCHEMA the way Debezium's DDL parser derives them from `SHOW CREATE TABLE`.
 */

const JDBC: Record<string, number> = {
  bit: -7,
  tinyint: 5,
  smallint: 5,
  mediumint: 4,
  int: 4,
  year: 4,
  bigint: -5,
  decimal: 3,
  numeric: 3,
  float: 6,
  double: 8,
  real: 8,
  char: 1,
  enum: 1,
  set: 1,
  varchar: 12,
  tinytext: 12,
  text: 12,
  mediumtext: 12,
  longtext: 12,
  json: 12,
  binary: -2,
  varbinary: -3,
  tinyblob: 2004,
  blob: 2004,
  mediumblob: 2004,
  longblob: 2004,
  date: 91,
  time: 92,
  datetime: 93,
  timestamp: 2014,
}

const INTEGER = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'bigint', 'year'])
const CHARS = new Set(['char', 'varchar', 'binary', 'varbinary'])
const TEMPORAL_FSP = new Set(['time', 'datetime', 'timestamp'])

/** The attributes Debezium records for one column. */
export interface ColumnChange {
  name: string
  jdbcType: number
  nativeType: null
  typeName: string
  typeExpression: string
  charsetName: string | null
  length: number | null
  scale: number | null
  position: number
  optional: boolean
  autoIncremented: boolean
  generated: boolean
  comment: string | null
  defaultValueExpression: string | null
  enumValues: string[] | null
}

function unquoteDefault(expr: string | null): string | null {
  if (expr === null || expr === 'NULL') return null
  if (expr.startsWith("'") && expr.endsWith("'")) return expr.slice(1, -1).replace(/''/g, "'")
  return expr
}

export function columnChange(c: ColumnDef): ColumnChange {
  const t = c.dataType
  const typeName = (c.unsigned && INTEGER.has(t) ? `${t} unsigned` : t).toUpperCase()
  const width = /\((\d+)(?:,(\d+))?\)/.exec(c.columnType)
  let length: number | null = null
  let scale: number | null = null
  if (INTEGER.has(t) || t === 'bit') length = width ? Number(width[1]) : t === 'bit' ? 1 : null
  else if (t === 'decimal' || t === 'numeric') {
    length = c.length
    scale = c.scale
  } else if (CHARS.has(t)) length = c.length
  else if (TEMPORAL_FSP.has(t)) length = c.fsp > 0 ? c.fsp : null
  else if (t === 'enum') length = 1
  else if (t === 'set')
    length = c.members.reduce((n, m) => n + m.length, 0) + Math.max(c.members.length - 1, 0)
  const textual = JDBC[t] === 1 || JDBC[t] === 12
  return {
    name: c.name,
    jdbcType: JDBC[t] ?? 1111,
    nativeType: null,
    typeName,
    typeExpression: typeName,
    charsetName: textual ? c.charset : null,
    length,
    scale,
    position: c.position,
    optional: c.nullable,
    autoIncremented: c.autoIncrement,
    generated: c.generated,
    comment: c.comment,
    defaultValueExpression: unquoteDefault(c.defaultExpr),
    enumValues: c.members.length > 0 ? c.members.map((m) => `'${m.replace(/'/g, "''")}'`) : null,
  }
}

export type ChangeType = 'CREATE' | 'ALTER' | 'DROP'

/** `"db"."table"`, Debezium's TableId string. */
export function tableIdString(db: string, table: string): string {
  return `"${db}"."${table}"`
}

/** The JSON form used in the schema history topic (Debezium's JsonTableChangeSerializer). */
export function tableChangeJson(type: ChangeType, t: TableDef): Record<string, unknown> {
  const id = tableIdString(t.db, t.table)
  if (type === 'DROP') return { type, id }
  return {
    type,
    id,
    table: {
      defaultCharsetName: t.defaultCharset,
      primaryKeyColumnNames: [...t.primaryKey],
      columns: t.columns.map((c) => {
        const cc = columnChange(c)
        // JsonTableChangeSerializer leaves out absent attributes instead of writing null.
        const out: Record<string, unknown> = {
          name: cc.name,
          jdbcType: cc.jdbcType,
          typeName: cc.typeName,
          typeExpression: cc.typeExpression,
          charsetName: cc.charsetName,
        }
        if (cc.length !== null) out.length = cc.length
        if (cc.scale !== null) out.scale = cc.scale
        Object.assign(out, {
          position: cc.position,
          optional: cc.optional,
          autoIncremented: cc.autoIncremented,
          generated: cc.generated,
          comment: cc.comment,
          // MariaDB reports an implicit or explicit DEFAULT NULL as the text NULL: that is a default too.
          hasDefaultValue: c.defaultExpr !== null,
        })
        if (cc.defaultValueExpression !== null) out.defaultValueExpression = cc.defaultValueExpression
        out.enumValues = cc.enumValues ?? []
        return out
      }),
      attributes: [],
    },
    comment: null,
  }
}

const optString = (): Schema => SchemaBuilder.string().optional().build()
const optInt32 = (): Schema => SchemaBuilder.int32().optional().build()
const optBool = (): Schema => SchemaBuilder.bool().optional().build()

export const COLUMN_SCHEMA: Schema = SchemaBuilder.struct()
  .name('io.debezium.connector.schema.Column')
  .version(1)
  .field('name', SchemaBuilder.string().build())
  .field('jdbcType', SchemaBuilder.int32().build())
  .field('nativeType', optInt32())
  .field('typeName', SchemaBuilder.string().build())
  .field('typeExpression', optString())
  .field('charsetName', optString())
  .field('length', optInt32())
  .field('scale', optInt32())
  .field('position', SchemaBuilder.int32().build())
  .field('optional', optBool())
  .field('autoIncremented', optBool())
  .field('generated', optBool())
  .field('comment', optString())
  .field('defaultValueExpression', optString())
  .field('enumValues', SchemaBuilder.array(SchemaBuilder.string().build()).optional().build())
  .build()

export const TABLE_SCHEMA: Schema = SchemaBuilder.struct()
  .name('io.debezium.connector.schema.Table')
  .version(1)
  .optional()
  .field('defaultCharsetName', optString())
  .field('primaryKeyColumnNames', SchemaBuilder.array(SchemaBuilder.string().build()).optional().build())
  .field('columns', SchemaBuilder.array(COLUMN_SCHEMA).build())
  .field('comment', optString())
  .build()

export const CHANGE_SCHEMA: Schema = SchemaBuilder.struct()
  .name('io.debezium.connector.schema.Change')
  .version(1)
  .field('type', SchemaBuilder.string().build())
  .field('id', SchemaBuilder.string().build())
  .field('table', TABLE_SCHEMA)
  .build()

/** One `tableChanges` element as a Connect struct (the schema change topic's form). */
export function tableChangeStruct(type: ChangeType, t: TableDef): Struct {
  const s = new Struct(CHANGE_SCHEMA).put('type', type).put('id', tableIdString(t.db, t.table))
  if (type === 'DROP') return s.put('table', null)
  const table = new Struct(TABLE_SCHEMA)
    .put('defaultCharsetName', t.defaultCharset)
    .put('primaryKeyColumnNames', [...t.primaryKey])
    .put(
      'columns',
      t.columns.map((c) => {
        const cc = columnChange(c)
        const col = new Struct(COLUMN_SCHEMA)
        for (const [k, v] of Object.entries(cc)) col.put(k, v)
        return col
      }),
    )
    .put('comment', null)
  s.put('table', table)
  return s
}
