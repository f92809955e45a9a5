/**
 * A captured table's structure as the connector needs it: columns in order with their MySQL types,
 * nullability, defaults and charsets, and the primary key. Read from INFORMATION_SCHEMA at snapshot
 * time and again after DDL (Sluice does not parse DDL; see docs/adr/0017-mysql-cdc-source.md).
 */
export interface ColumnDef {
  readonly name: string
  /** 1-based position, as in INFORMATION_SCHEMA.COLUMNS.ORDINAL_POSITION. */
  readonly position: number
  /** Lower-case base type: `int`, `varchar`, `decimal`, `datetime`, … */
  readonly dataType: string
  /** Full type as the server shows it: `int(10) unsigned`, `enum('a','b')`, … */
  readonly columnType: string
  readonly unsigned: boolean
  readonly nullable: boolean
  /** INFORMATION_SCHEMA.COLUMNS.COLUMN_DEFAULT as MariaDB reports it (`'abc'`, `42`, `NULL`, `current_timestamp()`), or null. */
  readonly defaultExpr: string | null
  readonly charset: string | null
  /** Character length, numeric precision, or bit width; null when not applicable. */
  readonly length: number | null
  readonly scale: number | null
  /** Fractional-second precision of TIME/DATETIME/TIMESTAMP (0–6). */
  readonly fsp: number
  readonly autoIncrement: boolean
  readonly generated: boolean
  /** ENUM or SET members in declaration order. */
  readonly members: readonly string[]
  readonly comment: string | null
}

export interface TableDef {
  readonly db: string
  readonly table: string
  readonly columns: readonly ColumnDef[]
  /** Primary key column names in key order (empty: no primary key). */
  readonly primaryKey: readonly string[]
  readonly defaultCharset: string | null
}

/** Splits `enum('a','b c','it''s')` into its members. */
export function parseMembers(columnType: string): string[] {
  const open = columnType.indexOf('(')
  if (open < 0) return []
  const body = columnType.slice(open + 1, columnType.lastIndexOf(')'))
  const out: string[] = []
  let i = 0
  while (i < body.length) {
    if (body[i] !== "'") {
      i++
      continue
    }
    let s = ''
    i++
    while (i < body.length) {
      if (body[i] === "'" && body[i + 1] === "'") {
        s += "'"
        i += 2
      } else if (body[i] === "'") {
        i++
        break
      } else if (body[i] === '\\' && i + 1 < body.length) {
        s += body[i + 1]
        i += 2
      } else {
        s += body[i]
        i++
      }
    }
    out.push(s)
  }
  return out
}

/** One row of INFORMATION_SCHEMA.COLUMNS (the columns {@link COLUMNS_SQL} selects). */
export interface ColumnRow {
  TABLE_SCHEMA: string
  TABLE_NAME: string
  COLUMN_NAME: string
  ORDINAL_POSITION: number
  COLUMN_DEFAULT: string | null
  IS_NULLABLE: string
  DATA_TYPE: string
  CHARACTER_MAXIMUM_LENGTH: number | string | null
  NUMERIC_PRECISION: number | string | null
  NUMERIC_SCALE: number | string | null
  DATETIME_PRECISION: number | string | null
  CHARACTER_SET_NAME: string | null
  COLUMN_TYPE: string
  EXTRA: string
  COLUMN_COMMENT: string
  IS_GENERATED?: string
}

export const COLUMNS_SQL = `SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_DEFAULT, IS_NULLABLE,
  DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION, CHARACTER_SET_NAME,
  COLUMN_TYPE, EXTRA, COLUMN_COMMENT, IS_GENERATED
  FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`

export const PRIMARY_KEY_SQL = `SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE
  WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION`

export const TABLE_CHARSET_SQL = `SELECT c.CHARACTER_SET_NAME AS cs FROM information_schema.TABLES t
  JOIN information_schema.COLLATIONS c ON c.COLLATION_NAME = t.TABLE_COLLATION
  WHERE t.TABLE_SCHEMA = ? AND t.TABLE_NAME = ?`

const num = (v: number | string | null): number | null => (v === null ? null : Number(v))

/** Builds a {@link ColumnDef} from its INFORMATION_SCHEMA row. */
export function columnFromRow(r: ColumnRow): ColumnDef {
  const dataType = r.DATA_TYPE.toLowerCase()
  const columnType = r.COLUMN_TYPE.toLowerCase()
  const isChar = r.CHARACTER_MAXIMUM_LENGTH !== null && !['enum', 'set'].includes(dataType)
  let length: number | null = null
  if (dataType === 'bit') length = Number(/\((\d+)\)/.exec(columnType)?.[1] ?? 1)
  else if (isChar) length = num(r.CHARACTER_MAXIMUM_LENGTH)
  else if (r.NUMERIC_PRECISION !== null) length = num(r.NUMERIC_PRECISION)
  return {
    name: r.COLUMN_NAME,
    position: Number(r.ORDINAL_POSITION),
    dataType,
    columnType: r.COLUMN_TYPE,
    unsigned: /\bunsigned\b/.test(columnType),
    nullable: r.IS_NULLABLE === 'YES',
    defaultExpr: r.COLUMN_DEFAULT,
    charset: r.CHARACTER_SET_NAME,
    length,
    scale: num(r.NUMERIC_SCALE),
    fsp: num(r.DATETIME_PRECISION) ?? 0,
    autoIncrement: /auto_increment/i.test(r.EXTRA),
    generated: r.IS_GENERATED === 'ALWAYS' || /generated/i.test(r.EXTRA),
    members: dataType === 'enum' || dataType === 'set' ? parseMembers(r.COLUMN_TYPE) : [],
    comment: r.COLUMN_COMMENT === '' ? null : r.COLUMN_COMMENT,
  }
}
