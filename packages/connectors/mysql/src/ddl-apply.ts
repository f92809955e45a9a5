import { createRequire } from 'node:module'
import type { ColumnDef, TableDef } from './table.js'

/**
 * Applies an `ALTER TABLE` statement from the binlog to the table structure the connector holds, as
 * Debezium's DDL parser does, so the rows that follow it are read with the structure of *that* point in
 * the binlog — not with whatever INFORMATION_SCHEMA shows when the connector gets there (which already
 * includes every later DDL when the connector lags behind). Parsing is node-sql-parser's (MariaDB
 * grammar); this file only maps its AST onto {@link TableDef}. Statements or clauses it cannot map
 * return `undefined`, and the caller falls back to reading INFORMATION_SCHEMA
 * (docs/adr/0031-mysql-ddl-from-the-binlog.md).
 */

interface ParserLike {
  astify(sql: string, opt: { database: string }): unknown
}

let parser: ParserLike | undefined
function sqlParser(): ParserLike {
  // Loaded on first DDL only: the grammar is ~3 MiB of RSS that most tasks never need.
  if (parser === undefined) {
    const require = createRequire(import.meta.url)
    const { Parser } = require('node-sql-parser/build/mariadb') as { Parser: new () => ParserLike }
    parser = new Parser()
  }
  return parser
}

type Ast = Record<string, unknown>

const TYPE_ALIASES: Readonly<Record<string, string>> = {
  integer: 'int',
  int4: 'int',
  int8: 'bigint',
  dec: 'decimal',
  numeric: 'decimal',
  fixed: 'decimal',
  character: 'char',
  'double precision': 'double',
  real: 'double',
  bool: 'tinyint',
  boolean: 'tinyint',
}

const TEXT_TYPES = new Set([
  'char',
  'varchar',
  'tinytext',
  'text',
  'mediumtext',
  'longtext',
  'enum',
  'set',
  'json',
])
const INT_TYPES = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'bigint'])
const TEMPORAL_FSP = new Set(['time', 'datetime', 'timestamp'])

function columnName(c: unknown): string | undefined {
  if (typeof c === 'string') return c
  if (typeof c === 'object' && c !== null) {
    const o = c as Ast
    if (typeof o.column === 'string') return o.column
    if (o.column !== undefined) return columnName(o.column)
    const e = o.expr as Ast | undefined
    if (e !== undefined && typeof e.value === 'string') return e.value
  }
  return undefined
}

/** A default as INFORMATION_SCHEMA.COLUMNS.COLUMN_DEFAULT spells it on MariaDB, or undefined if unknown. */
function defaultText(v: unknown): string | null | undefined {
  if (v === undefined) return null
  const d = (v as Ast).value as Ast | undefined
  if (d === undefined) return undefined
  switch (d.type) {
    case 'number':
      return String(d.value)
    case 'single_quote_string':
    case 'double_quote_string':
    case 'string':
      return `'${String(d.value).replace(/'/g, "''")}'`
    case 'null':
      return 'NULL'
    case 'bool':
      return d.value === true ? '1' : '0'
    case 'bit_string':
      return `b'${String(d.value)}'`
    case 'function': {
      const parts = ((d.name as Ast | undefined)?.name as Ast[] | undefined) ?? []
      const name = parts.map((p) => String(p.value)).join('.')
      const args = (((d.args as Ast | undefined)?.value as Ast[] | undefined) ?? []).map((a) => a.value)
      return `${name.toLowerCase()}(${args.join(',')})`
    }
    default:
      return undefined
  }
}

/** A {@link ColumnDef} from a column definition of the AST; `position` is set by the caller. */
function columnDef(
  spec: Ast,
  name: string,
  tableCharset: string | null,
  inPk: boolean,
): ColumnDef | undefined {
  const def = spec.definition as Ast | undefined
  if (def === undefined || typeof def.dataType !== 'string') return undefined
  const spelled = def.dataType.toLowerCase()
  const dataType = TYPE_ALIASES[spelled] ?? spelled
  const suffix = (Array.isArray(def.suffix) ? def.suffix : []).map((s) => String(s).toLowerCase())
  const unsigned = suffix.includes('unsigned')
  const len = typeof def.length === 'number' ? def.length : undefined
  const scale = typeof def.scale === 'number' ? def.scale : undefined
  const members =
    dataType === 'enum' || dataType === 'set'
      ? (((def.expr as Ast | undefined)?.value as Ast[] | undefined) ?? []).map((m) => String(m.value))
      : []
  let length: number | null = null
  let sc: number | null = null
  let fsp = 0
  if (dataType === 'decimal') {
    length = len ?? 10
    sc = scale ?? 0
  } else if (dataType === 'bit') length = len ?? 1
  else if (spelled === 'bool' || spelled === 'boolean') length = 1
  else if (['char', 'binary'].includes(dataType)) length = len ?? 1
  else if (['varchar', 'varbinary'].includes(dataType)) {
    if (len === undefined) return undefined
    length = len
  } else if (TEMPORAL_FSP.has(dataType)) fsp = len ?? 0
  else if (len !== undefined) {
    // Spelled widths (INT(11), FLOAT(7,3)) are what Debezium's parser records.
    length = len
    sc = scale ?? null
  }
  let columnType = dataType
  if (members.length > 0) columnType += `(${members.map((m) => `'${m.replace(/'/g, "''")}'`).join(',')})`
  else if (dataType === 'decimal') columnType += `(${length},${sc})`
  else if (len !== undefined) columnType += scale !== undefined ? `(${len},${scale})` : `(${len})`
  if (unsigned) columnType += ' unsigned'
  if (suffix.includes('zerofill')) columnType += ' zerofill'
  const nullable = (spec.nullable as Ast | undefined)?.type
  const defaultExpr = defaultText(spec.default_val)
  if (defaultExpr === undefined) return undefined
  const charsetSpec = (spec.character_set as Ast | undefined)?.value as Ast | string | undefined
  const explicitCharset =
    typeof charsetSpec === 'string'
      ? charsetSpec
      : typeof charsetSpec?.value === 'string'
        ? charsetSpec.value
        : undefined
  const isText = TEXT_TYPES.has(dataType) && dataType !== 'json'
  const comment = (spec.comment as Ast | undefined)?.value as Ast | string | undefined
  const inlinePk = spec.primary_key !== undefined && spec.primary_key !== null
  return {
    name,
    position: 0,
    dataType,
    columnType,
    unsigned,
    nullable: inPk || inlinePk ? false : nullable !== 'not null',
    defaultExpr:
      defaultExpr === null && nullable !== 'not null' && !inPk && !inlinePk && spec.auto_increment == null
        ? 'NULL'
        : defaultExpr,
    charset: isText ? (explicitCharset?.toLowerCase() ?? tableCharset) : null,
    length,
    scale: INT_TYPES.has(dataType) ? null : sc,
    fsp,
    autoIncrement: spec.auto_increment !== undefined && spec.auto_increment !== null,
    generated: spec.generated !== undefined && spec.generated !== null,
    members,
    comment:
      typeof comment === 'string' ? comment : typeof comment?.value === 'string' ? comment.value : null,
  }
}

function place(cols: ColumnDef[], col: ColumnDef, suffix: unknown): boolean {
  const kw = (suffix as Ast | null | undefined)?.keyword
  if (kw === undefined) cols.push(col)
  else if (String(kw).toUpperCase() === 'FIRST') cols.unshift(col)
  else if (String(kw).toUpperCase() === 'AFTER') {
    const after = columnName((suffix as Ast).expr)
    const i = cols.findIndex((c) => c.name === after)
    if (i < 0) return false
    cols.splice(i + 1, 0, col)
  } else return false
  return true
}

const CHANGE_FREE = new Set([
  'index',
  'key',
  'constraint',
  'engine',
  'fulltext',
  'spatial',
  'unique',
  'algorithm',
  'lock',
])

/**
 * The table after `sql` (an `ALTER TABLE` on `old`), or `undefined` when the statement or one of its
 * clauses is not understood, or does not fit `old` (adding a column that exists, dropping one that
 * does not): the caller then reads the structure from the server instead.
 */
export function applyAlterTable(sql: string, old: TableDef): TableDef | undefined {
  let ast: unknown
  try {
    ast = sqlParser().astify(sql, { database: 'MariaDB' })
  } catch {
    return undefined
  }
  const stmt = (Array.isArray(ast) ? ast[0] : ast) as Ast | undefined
  if (stmt?.type !== 'alter' || !Array.isArray(stmt.expr)) return undefined
  const cols = [...old.columns]
  let pk = [...old.primaryKey]
  let charset = old.defaultCharset
  for (const op of stmt.expr as Ast[]) {
    const action = String(op.action ?? '').toLowerCase()
    const resource = String(op.resource ?? '').toLowerCase()
    if (resource === 'column') {
      const name = columnName(op.column)
      if (name === undefined) return undefined
      const at = cols.findIndex((c) => c.name === name)
      if (action === 'add') {
        if (at >= 0) {
          if (op.if_not_exists != null) continue
          return undefined
        }
        const col = columnDef(op, name, charset, pk.includes(name))
        if (col === undefined || !place(cols, col, op.suffix)) return undefined
      } else if (action === 'drop') {
        if (at < 0) return undefined
        cols.splice(at, 1)
        pk = pk.filter((k) => k !== name)
      } else if (action === 'modify' || action === 'change') {
        const from = action === 'change' ? columnName(op.old_column) : name
        const i = cols.findIndex((c) => c.name === from)
        if (from === undefined || i < 0) return undefined
        const col = columnDef(op, name, charset, pk.includes(from))
        if (col === undefined) return undefined
        if (op.suffix == null) cols[i] = col
        else {
          cols.splice(i, 1)
          if (!place(cols, col, op.suffix)) return undefined
        }
        pk = pk.map((k) => (k === from ? name : k))
      } else if (action === 'rename') {
        const from = columnName(op.old_column)
        const i = cols.findIndex((c) => c.name === from)
        const prev = cols[i]
        if (from === undefined || prev === undefined) return undefined
        cols[i] = { ...prev, name }
        pk = pk.map((k) => (k === from ? name : k))
      } else return undefined
    } else if (
      resource === 'key' &&
      action === 'drop' &&
      String(op.keyword).toLowerCase() === 'primary key'
    ) {
      pk = []
    } else if (resource === 'character set' || resource === 'charset' || op.keyword === 'charset') {
      // ALTER TABLE … DEFAULT CHARSET=x changes the default for later columns only.
      const v = (op.value as Ast | undefined)?.value ?? op.value
      if (typeof v !== 'string') return undefined
      charset = v.toLowerCase()
    } else if (
      CHANGE_FREE.has(resource) &&
      !(resource === 'constraint' && /primary/i.test(JSON.stringify(op)))
    ) {
      // Indexes, constraints other than the primary key, the engine: the columns stay as they are.
    } else return undefined
  }
  return {
    db: old.db,
    table: old.table,
    columns: cols.map((c, i) => ({ ...c, position: i + 1 })),
    primaryKey: pk,
    defaultCharset: charset,
  }
}
