import {
  ConnectError,
  type ConnectorProps,
  Headers,
  RetriableError,
  type SourceOffset,
  type SourceRecord,
  SourceTask,
  Struct,
  sourceRecord,
} from '@sluice/api'
import type ZongJi from '@vlasky/zongji'
import type { AnyBinlogEvent } from '@vlasky/zongji'
import type mysql from 'mysql2/promise'
import { MySqlConfig } from './config.js'
import { applyAlterTable } from './ddl-apply.js'
import {
  type Flavor,
  HEARTBEAT_KEY_SCHEMA,
  HEARTBEAT_VALUE_SCHEMA,
  type SourceInfo,
  schemaChangeRecord,
  sourceStruct,
  TableSchemas,
} from './events.js'
import { encodeGeometry } from './geometry.js'
import { Heartbeat } from './heartbeat.js'
import { type HistoryRecord, SchemaHistoryWriter } from './history.js'
import {
  COLUMNS_SQL,
  type ColumnRow,
  columnFromRow,
  PRIMARY_KEY_SQL,
  TABLE_CHARSET_SQL,
  type TableDef,
} from './table.js'
import { type ChangeType, tableChangeJson } from './table-change.js'
import { systemTaskClock, type TaskClock } from './task-clock.js'
import { VERSION } from './version.js'

/** Offset keys (Debezium's BinlogOffsetContext). */
const FILE = 'file'
const POS = 'pos'
const ROW = 'row'
const EVENT = 'event'
const SERVER_ID = 'server_id'
const TS_SEC = 'ts_sec'
const SNAPSHOT = 'snapshot'
const GTIDS = 'gtids'

/** Snapshot markers of `source.snapshot` (Debezium 2.x SnapshotRecord). */
type SnapshotMarker = 'first' | 'first_in_data_collection' | 'true' | 'last_in_data_collection' | 'last'

interface BinlogPosition {
  file: string
  pos: number
  gtids: string | null
}

/** Where a restart resumes inside the transaction at `pos` (Debezium's `event` and `row` skips). */
interface Resume extends BinlogPosition {
  skipEvents: number
  skipRows: number
}

const quote = (id: string): string => `\`${id.replace(/`/g, '``')}\``

/**
 * The one task of the MySQL connector: an optional consistent snapshot, then the binlog, into a bounded
 * queue that `poll` drains. The work runs in a background loop started by `start`; its failure surfaces
 * from the next `poll`.
 */
export class MySqlSourceTask extends SourceTask {
  static readonly className: string = 'io.debezium.connector.mysql.MySqlConnectorTask'
  protected flavor: Flavor = 'mysql'
  #config!: MySqlConfig
  #partition!: Record<string, string>
  #conn: mysql.Connection | undefined
  #zongji: ZongJi | undefined
  #history!: SchemaHistoryWriter
  readonly #queue: SourceRecord[] = []
  readonly #clock: TaskClock
  /** The waiting poll's wake-up (aborted once `#wakeAt` records are queued, or on failure/stop). */
  #wakeCtl: AbortController | undefined
  #wakeAt = 1
  readonly #stopCtl = new AbortController()
  #spaceWaiters: Array<() => void> = []
  #failure: unknown
  #stopping = false
  #paused = false
  #loop: Promise<void> | undefined
  #heartbeat: Heartbeat | undefined
  readonly #tables = new Map<string, TableSchemas>()
  #lastOffset: SourceOffset | null = null
  /** Streaming state (Debezium's BinlogSourceInfo/OffsetContext, for MariaDB's event layout). */
  #file = ''
  #txnStart = 4
  #txnGtid: string | null = null
  #eventsInTxn = 0
  #gtidPos: string | null = null
  #query: string | null = null
  #resume: Resume | undefined
  #firstEvent = true

  /** `clock`: time for the poll's batch wait and the heartbeat interval (tests inject a fake one). */
  constructor(options: { readonly clock?: TaskClock } = {}) {
    super()
    this.#clock = options.clock ?? systemTaskClock
  }

  version(): string {
    return VERSION
  }

  async start(props: ConnectorProps): Promise<void> {
    this.#config = new MySqlConfig(props)
    this.#partition = { server: this.#config.topicPrefix }
    this.#history = new SchemaHistoryWriter(this.#config.historyBootstrap, this.#config.historyTopic)
    const offset = await this.context.offsetStorageReader.offset(this.#partition)
    this.#lastOffset = offset
    this.#loop = this.#run(offset).catch((err) => {
      if (!this.#stopping) this.#failure = err
      this.#wake(true)
    })
  }

  /**
   * Debezium's queue behaviour: returns once `max.batch.size` events are queued, or when
   * `poll.interval.ms` has passed with fewer (possibly none). Full batches keep the per-batch costs
   * downstream (conversion hand-off, one produce call, delivery reports) spread over many records; a poll
   * that returned on every queued event made batches of ~100 records in a burst.
   */
  async poll(signal: AbortSignal): Promise<SourceRecord[] | null> {
    if (this.#failure !== undefined) throw this.#failure
    const c = this.#config
    const full = Math.min(c.maxBatchSize, c.maxQueueSize)
    if (this.#queue.length < full) {
      const deadline = this.#clock.now() + c.pollIntervalMs
      for (;;) {
        if (signal.aborted || this.#stopping || this.#failure !== undefined) break
        if (this.#queue.length >= full) break
        const left = deadline - this.#clock.now()
        if (left <= 0) break
        const wake = new AbortController()
        this.#wakeCtl = wake
        this.#wakeAt = full
        await this.#clock.sleep(left, signal, wake.signal, this.#stopCtl.signal)
        this.#wakeCtl = undefined
      }
      if (this.#failure !== undefined) throw this.#failure
    }
    if (this.#queue.length === 0) return null
    const batch = this.#queue.splice(0, c.maxBatchSize)
    if (this.#queue.length < this.#config.maxQueueSize) {
      const w = this.#spaceWaiters
      this.#spaceWaiters = []
      for (const f of w) f()
      if (this.#paused && this.#queue.length < this.#config.maxQueueSize / 2) {
        this.#paused = false
        this.#zongji?.connection?.resume()
      }
    }
    return batch
  }

  async stop(): Promise<void> {
    this.#stopping = true
    this.#stopCtl.abort()
    await this.#heartbeat?.stop()
    for (const f of this.#spaceWaiters) f()
    this.#wake(true)
    const z = this.#zongji
    this.#zongji = undefined
    if (z !== undefined) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 2000)
        z.once('stopped', () => {
          clearTimeout(t)
          resolve()
        })
        z.stop()
      })
    }
    await this.#conn?.end().catch(() => {})
    this.#conn = undefined
    await this.#loop?.catch(() => {})
    await this.#history?.close().catch(() => {})
  }

  /** Wakes a waiting poll once its batch is full, or always (`force`: failure, stop). */
  #wake(force = false): void {
    const w = this.#wakeCtl
    if (w !== undefined && (force || this.#queue.length >= this.#wakeAt)) {
      this.#wakeCtl = undefined
      w.abort()
    }
  }

  /** Queues a record; waits while the queue is full (the snapshot's back-pressure). */
  async #push(record: SourceRecord): Promise<void> {
    while (this.#queue.length >= this.#config.maxQueueSize && !this.#stopping)
      await new Promise<void>((resolve) => this.#spaceWaiters.push(resolve))
    this.#queue.push(record)
    if (record.sourceOffset !== null) this.#lastOffset = record.sourceOffset
    this.#wake()
  }

  /** Queues a record from the binlog stream; pauses the stream while the queue is full. */
  #pushStreaming(record: SourceRecord): void {
    this.#queue.push(record)
    if (record.sourceOffset !== null) this.#lastOffset = record.sourceOffset
    if (this.#queue.length >= this.#config.maxQueueSize && !this.#paused) {
      this.#paused = true
      this.#zongji?.connection?.pause()
    }
    this.#wake()
  }

  async #connect(): Promise<mysql.Connection> {
    const c = this.#config
    // The clients load with the task, not with the package (which the main thread and the connector's
    // thread load too, only for validation and task configs).
    const { default: mysql } = await import('mysql2/promise')
    try {
      return await mysql.createConnection({
        host: c.hostname,
        port: c.port,
        user: c.user,
        password: c.password,
        connectTimeout: c.connectTimeoutMs,
        charset: 'utf8mb4',
        timezone: 'Z',
        dateStrings: true,
        supportBigNumbers: true,
        bigNumberStrings: true,
        decimalNumbers: false,
        jsonStrings: true,
        // Snapshot values come back as exact text or bytes and go through the same converters as binlog values.
        typeCast: (field, next) => {
          if (field.type === 'GEOMETRY' || field.type === 'BIT' || isBinaryField(field)) return field.buffer()
          if (field.type === 'JSON') return field.string('utf8')
          return next()
        },
      })
    } catch (err) {
      throw new RetriableError(
        `could not connect to MySQL at ${c.hostname}:${c.port} as ${c.user}: ${(err as Error).message}`,
        { cause: err },
      )
    }
  }

  async #run(offset: SourceOffset | null): Promise<void> {
    const c = this.#config
    this.#conn = await this.#connect()
    const conn = this.#conn
    const hasOffset = offset !== null
    const snapshotIncomplete = hasOffset && (offset[SNAPSHOT] === true || offset[SNAPSHOT] === 'true')
    let start: BinlogPosition | undefined
    let doSnapshot = false
    let withData = true
    switch (c.snapshotMode) {
      case 'initial':
      case 'initial_only':
        doSnapshot = !hasOffset || snapshotIncomplete
        break
      case 'when_needed':
        doSnapshot = !hasOffset || snapshotIncomplete || !(await this.#binlogAvailable(offset))
        break
      case 'no_data':
        doSnapshot = !hasOffset || snapshotIncomplete
        withData = false
        break
      case 'never':
        doSnapshot = false
        break
    }
    if (doSnapshot) {
      start = await this.#snapshot(conn, withData)
      if (c.snapshotMode === 'initial_only') return
    } else if (hasOffset) {
      await this.#loadCapturedTables(conn)
      this.#resume = {
        file: String(offset[FILE]),
        pos: Number(offset[POS]),
        gtids: typeof offset[GTIDS] === 'string' ? (offset[GTIDS] as string) : null,
        skipEvents: Number(offset[EVENT] ?? 0),
        skipRows: Number(offset[ROW] ?? 0),
      }
      if (!(await this.#binlogAvailable(offset)))
        throw new ConnectError(
          'XC_ILLEGAL_STATE',
          `The connector is trying to read binlog starting at ${offset[FILE]}:${offset[POS]}, but this is no longer available on the server. Reconfigure the connector to use a snapshot when needed (snapshot.mode=when_needed).`,
        )
      start = this.#resume
    } else {
      // `never` without offsets: the whole binlog from its first file.
      await this.#loadCapturedTables(conn)
      const [logs] = (await conn.query('SHOW BINARY LOGS')) as unknown as [Array<{ Log_name: string }>]
      const first = logs[0]
      if (first === undefined)
        throw new ConnectError('XC_ILLEGAL_STATE', 'the server has no binary logs (is log_bin on?)')
      start = { file: first.Log_name, pos: 4, gtids: null }
    }
    if (this.#stopping) return
    await this.#stream(start)
  }

  async #binlogAvailable(offset: SourceOffset | null): Promise<boolean> {
    if (offset === null || this.#conn === undefined) return false
    const [logs] = (await this.#conn.query('SHOW BINARY LOGS')) as unknown as [Array<{ Log_name: string }>]
    return logs.some((l) => l.Log_name === offset[FILE])
  }

  /** The tables the filters capture, in Debezium's order (database, then table name). */
  async #capturedTables(conn: mysql.Connection): Promise<Array<{ db: string; table: string }>> {
    const c = this.#config
    const [dbs] = (await conn.query('SHOW DATABASES')) as unknown as [Array<{ Database: string }>]
    const out: Array<{ db: string; table: string }> = []
    for (const { Database: db } of [...dbs].sort((a, b) => a.Database.localeCompare(b.Database))) {
      if (!c.includesDatabase(db)) continue
      const [tables] = (await conn.query(
        `SHOW FULL TABLES IN ${quote(db)} WHERE Table_type = 'BASE TABLE'`,
      )) as unknown as [Array<Record<string, string>>]
      const names = tables.map((t) => Object.values(t)[0] as string).sort()
      for (const table of names) if (c.includesTable(db, table)) out.push({ db, table })
    }
    return out
  }

  async #readTable(conn: mysql.Connection, db: string, table: string): Promise<TableDef | null> {
    const [cols] = (await conn.query(COLUMNS_SQL, [db, table])) as unknown as [ColumnRow[]]
    if (cols.length === 0) return null
    const [pk] = (await conn.query(PRIMARY_KEY_SQL, [db, table])) as unknown as [
      Array<{ COLUMN_NAME: string }>,
    ]
    const [cs] = (await conn.query(TABLE_CHARSET_SQL, [db, table])) as unknown as [Array<{ cs: string }>]
    return {
      db,
      table,
      columns: cols.map(columnFromRow),
      primaryKey: pk.map((r) => r.COLUMN_NAME),
      defaultCharset: cs[0]?.cs ?? null,
    }
  }

  #schemas(def: TableDef): TableSchemas {
    const c = this.#config
    const s = new TableSchemas(def, c.topicPrefix, c.topicDelimiter, c, this.flavor, (col) =>
      c.includesColumn(def.db, def.table, col),
    )
    this.#tables.set(`${def.db}.${def.table}`, s)
    return s
  }

  /**
   * Table structures after a restart. Debezium replays its schema history topic; Sluice reads the
   * current structure from INFORMATION_SCHEMA (see docs/adr/0017-mysql-cdc-source.md).
   */
  async #loadCapturedTables(conn: mysql.Connection): Promise<void> {
    for (const { db, table } of await this.#capturedTables(conn)) {
      const def = await this.#readTable(conn, db, table)
      if (def !== null) this.#schemas(def)
    }
  }

  #offset(extra: Record<string, unknown>): SourceOffset {
    return extra
  }

  #record(
    topic: string,
    keySchema: SourceRecord['keySchema'],
    key: unknown,
    valueSchema: SourceRecord['valueSchema'],
    value: unknown,
    offset: SourceOffset,
    headers?: Headers,
  ): SourceRecord {
    return sourceRecord({
      sourcePartition: this.#partition,
      sourceOffset: offset,
      topic,
      keySchema,
      key,
      valueSchema,
      value,
      ...(headers === undefined ? {} : { headers }),
    })
  }

  /** A schema change topic record (when include.schema.changes) and its history record. */
  async #schemaChange(
    db: string,
    ddl: string,
    info: SourceInfo,
    offset: SourceOffset,
    changes: Array<{ type: ChangeType; table: TableDef }>,
    history: HistoryRecord[],
    emitTopic: boolean,
  ): Promise<void> {
    const now = Date.now()
    history.push({
      source: { server: this.#config.topicPrefix },
      position: offset,
      ts_ms: now,
      databaseName: db,
      ddl,
      tableChanges: changes.map((ch) => tableChangeJson(ch.type, ch.table)),
    })
    if (!this.#config.includeSchemaChanges || !emitTopic) return
    const r = schemaChangeRecord(
      this.flavor,
      db,
      ddl,
      sourceStruct(this.flavor, this.#config.topicPrefix, info),
      now,
      changes,
    )
    const rec = this.#record(this.#config.topicPrefix, r.keySchema, r.key, r.valueSchema, r.value, offset)
    if (this.#zongji === undefined) await this.#push(rec)
    else this.#pushStreaming(rec)
  }

  /** Debezium's snapshot: lock, read position and schemas, unlock (minimal), read rows in one transaction. */
  async #snapshot(conn: mysql.Connection, withData: boolean): Promise<BinlogPosition> {
    const c = this.#config
    const lockSecs = Math.max(1, Math.ceil(c.lockTimeoutMs / 1000))
    await conn.query(`SET SESSION lock_wait_timeout=${lockSecs}, innodb_lock_wait_timeout=${lockSecs}`)
    const locked = c.lockingMode !== 'none'
    if (locked) {
      try {
        await conn.query('FLUSH TABLES WITH READ LOCK')
      } catch (err) {
        throw new ConnectError(
          'XC_ILLEGAL_STATE',
          `snapshot could not take the global read lock (FLUSH TABLES WITH READ LOCK): ${(err as Error).message}; grant RELOAD or set snapshot.locking.mode=none`,
          { cause: err },
        )
      }
    }
    await conn.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ')
    await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT')
    const [status] = (await conn.query('SHOW MASTER STATUS')) as unknown as [
      Array<{ File: string; Position: number | string }>,
    ]
    const st = status[0]
    if (st === undefined)
      throw new ConnectError(
        'XC_ILLEGAL_STATE',
        'SHOW MASTER STATUS returned nothing: enable the binlog (log_bin) on the server',
      )
    const [g] = (await conn.query('SELECT @@gtid_binlog_pos AS g')) as unknown as [
      Array<{ g: string | null }>,
    ]
    const position: BinlogPosition = { file: st.File, pos: Number(st.Position), gtids: g[0]?.g || null }
    const captured = await this.#capturedTables(conn)
    const defs: Array<{ def: TableDef; create: string }> = []
    for (const { db, table } of captured) {
      const def = await this.#readTable(conn, db, table)
      if (def === null) continue
      const [rows] = (await conn.query(`SHOW CREATE TABLE ${quote(db)}.${quote(table)}`)) as unknown as [
        Array<Record<string, string>>,
      ]
      defs.push({ def, create: rows[0]?.['Create Table'] ?? '' })
    }
    const databases = [...new Set(defs.map((d) => d.def.db))]
    // Debezium writes the database's DDL from its charset and collation, not from SHOW CREATE DATABASE.
    const dbCreate = new Map<string, string>()
    for (const db of databases) {
      const [rows] = (await conn.query(
        'SELECT DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
        [db],
      )) as unknown as [Array<{ cs: string; co: string }>]
      const r = rows[0]
      dbCreate.set(
        db,
        `CREATE DATABASE ${quote(db)}${r === undefined ? '' : ` CHARSET ${r.cs} COLLATE ${r.co}`}`,
      )
    }
    const [vars] = (await conn.query(
      "SHOW VARIABLES WHERE Variable_name IN ('character_set_server','collation_server')",
    )) as unknown as [Array<{ Variable_name: string; Value: string }>]
    if (locked && c.lockingMode === 'minimal') await conn.query('UNLOCK TABLES')

    const tsSec = Math.floor(Date.now() / 1000)
    const snapOffset = this.#offset({
      [TS_SEC]: tsSec,
      [FILE]: position.file,
      [POS]: position.pos,
      [SNAPSHOT]: true,
    })
    const info = (db: string, table: string | null, tsMs: number, snapshot: string): SourceInfo => ({
      tsMs,
      snapshot,
      db,
      table,
      serverId: 0,
      gtid: null,
      file: position.file,
      pos: position.pos,
      row: 0,
      thread: null,
      query: null,
    })
    // Debezium's snapshot DDL sequence: server charset, drops, database re-creation, USE, CREATE TABLE.
    const history: HistoryRecord[] = []
    const v = Object.fromEntries(vars.map((r) => [r.Variable_name, r.Value]))
    const ts = tsSec * 1000
    await this.#schemaChange(
      '',
      `SET character_set_server=${v.character_set_server}, collation_server=${v.collation_server}`,
      info('', null, ts, 'true'),
      snapOffset,
      [],
      history,
      true,
    )
    for (const { def } of defs)
      await this.#schemaChange(
        def.db,
        `DROP TABLE IF EXISTS ${quote(def.db)}.${quote(def.table)}`,
        info(def.db, def.table, ts, 'true'),
        snapOffset,
        [{ type: 'DROP', table: def }],
        history,
        true,
      )
    for (const db of databases) {
      await this.#schemaChange(
        db,
        `DROP DATABASE IF EXISTS ${quote(db)}`,
        info(db, null, ts, 'true'),
        snapOffset,
        [],
        history,
        true,
      )
      await this.#schemaChange(
        db,
        dbCreate.get(db) ?? '',
        info(db, null, ts, 'true'),
        snapOffset,
        [],
        history,
        true,
      )
      await this.#schemaChange(
        db,
        `USE ${quote(db)}`,
        info(db, null, ts, 'true'),
        snapOffset,
        [],
        history,
        true,
      )
      for (const { def, create } of defs.filter((d) => d.def.db === db))
        await this.#schemaChange(
          db,
          create,
          info(db, def.table, ts, 'true'),
          snapOffset,
          [{ type: 'CREATE', table: def }],
          history,
          true,
        )
    }
    await this.#history.write(history)
    const schemas = defs.map(({ def }) => this.#schemas(def))

    if (withData) {
      // One record of look-ahead: a row's marker depends on whether another row follows it.
      let pending:
        | { record: (marker: SnapshotMarker, last: boolean) => SourceRecord; firstInTable: boolean }
        | undefined
      let emitted = 0
      const flush = async (lastInTable: boolean, lastOverall: boolean): Promise<void> => {
        if (pending === undefined) return
        let marker: SnapshotMarker = 'true'
        if (lastInTable) marker = lastOverall ? 'last' : 'last_in_data_collection'
        else if (emitted === 0) marker = 'first'
        else if (pending.firstInTable) marker = 'first_in_data_collection'
        await this.#push(pending.record(marker, lastOverall))
        emitted++
        pending = undefined
      }
      for (const s of schemas) {
        if (this.#stopping) break
        const tableTs = Math.floor(Date.now() / 1000) * 1000
        let first = true
        const stream = (
          conn as unknown as { connection: { query(sql: string): { stream(o: object): unknown } } }
        ).connection
          .query(`SELECT * FROM ${quote(s.table.db)}.${quote(s.table.table)}`)
          .stream({ highWaterMark: 256 })
        for await (const row of stream as AsyncIterable<Record<string, unknown>>) {
          if (this.#stopping) break
          await flush(false, false)
          const key = s.key(row)
          const after = s.value(row)
          const db = s.table.db
          const table = s.table.table
          pending = {
            firstInTable: first,
            record: (marker, last) => {
              const src = sourceStruct(this.flavor, c.topicPrefix, info(db, table, tableTs, marker))
              const offset = last
                ? this.#offset({ [TS_SEC]: tsSec, [FILE]: position.file, [POS]: position.pos })
                : snapOffset
              return this.#record(
                s.topic,
                s.keySchema,
                key,
                s.envelopeSchema,
                s.envelope('r', null, after, src, Date.now()),
                offset,
              )
            },
          }
          first = false
        }
        if (pending !== undefined) {
          // The last row of this table: is any later table non-empty? Decided when the next row arrives.
          const p = pending
          pending = undefined
          const laterRows = await this.#anyRows(conn, schemas.slice(schemas.indexOf(s) + 1))
          pending = p
          await flush(true, !laterRows)
        }
      }
      if (emitted === 0 && this.#lastOffset === null) {
        // No rows at all: the snapshot's completion still has to reach the offsets (Debezium's empty-snapshot case).
        this.#lastOffset = this.#offset({ [TS_SEC]: tsSec, [FILE]: position.file, [POS]: position.pos })
      }
    }
    await conn.query('COMMIT')
    if (locked && c.lockingMode === 'extended') await conn.query('UNLOCK TABLES')
    return position
  }

  async #anyRows(conn: mysql.Connection, later: TableSchemas[]): Promise<boolean> {
    for (const s of later) {
      const [rows] = (await conn.query(
        `SELECT 1 FROM ${quote(s.table.db)}.${quote(s.table.table)} LIMIT 1`,
      )) as unknown as [unknown[]]
      if (rows.length > 0) return true
    }
    return false
  }

  /** Streams the binlog from `start` until stopped. */
  async #stream(start: BinlogPosition): Promise<void> {
    const c = this.#config
    this.#file = start.file
    this.#txnStart = start.pos
    this.#gtidPos = start.gtids
    const { default: ZongJiClass } = await import('@vlasky/zongji')
    const z = new ZongJiClass({
      host: c.hostname,
      port: c.port,
      user: c.user,
      password: c.password,
      charset: 'utf8mb4',
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      connectTimeout: c.connectTimeoutMs,
    })
    // Spatial values as the raw bytes (SRID + WKB), as the snapshot reads them: the project's patch of
    // zongji (patches/@vlasky__zongji@0.9.0.patch) honours this flag; unpatched, values come decoded
    // and are re-encoded with SRID 0 (fixGeometry).
    ;(z as unknown as { geometryAsBuffer: boolean }).geometryAsBuffer = true
    this.#zongji = z
    // Events are handled strictly in order; a DDL statement re-reads table structures (async), so the
    // row events behind it wait in this chain, with the stream paused, until the new structure is known.
    z.on('binlog', (e: AnyBinlogEvent) => {
      this.#chain = this.#chain
        .then(() => this.#onEvent(e))
        .catch((err) => {
          this.#failure = err
          this.#wake(true)
        })
    })
    const done = new Promise<void>((resolve, reject) => {
      z.on('error', (err: Error) => {
        if (this.#stopping) return resolve()
        reject(new RetriableError(`binlog reader failed: ${err.message}`, { cause: err }))
      })
      z.on('stopped', () => resolve())
    })
    const resumeByGtid = this.flavor === 'mariadb' && start.gtids !== null
    z.start({
      serverId: c.serverId,
      ...(resumeByGtid ? { gtidSet: start.gtids as string } : { filename: start.file, position: start.pos }),
      requestAnnotateRows: c.includeQuery,
      includeEvents: [
        'rotate',
        'tablemap',
        'writerows',
        'updaterows',
        'deleterows',
        'query',
        'mariadbgtid',
        'xid',
        'annotaterows',
        'heartbeat',
      ],
    })
    if (c.heartbeatIntervalMs > 0 && !this.#stopping)
      this.#heartbeat = new Heartbeat(c.heartbeatIntervalMs, this.#clock, () => this.#emitHeartbeat())
    await done
  }

  #emitHeartbeat(): void {
    if (this.#lastOffset === null || this.#stopping) return
    const prefix = this.#config.topicPrefix
    const key = { serverName: prefix }
    this.#pushStreaming(
      sourceRecord({
        sourcePartition: this.#partition,
        sourceOffset: this.#lastOffset,
        topic: `${this.#config.heartbeatPrefix}${this.#config.topicDelimiter}${prefix}`,
        keySchema: HEARTBEAT_KEY_SCHEMA,
        key: structOf(HEARTBEAT_KEY_SCHEMA, key),
        valueSchema: HEARTBEAT_VALUE_SCHEMA,
        value: structOf(HEARTBEAT_VALUE_SCHEMA, { ts_ms: Date.now() }),
      }),
    )
  }

  /** The offset of a row at `row` (1-based count of rows done in the current rows event). */
  #rowOffset(tsSec: number, row: number): SourceOffset {
    const o: Record<string, unknown> = { [TS_SEC]: tsSec, [FILE]: this.#file, [POS]: this.#txnStart }
    if (this.#eventsInTxn !== 0) o[EVENT] = this.#eventsInTxn
    if (row !== 0) o[ROW] = row
    o[SERVER_ID] = this.#serverId
    if (this.flavor === 'mariadb' && this.#gtidPos !== null) o[GTIDS] = this.#gtidPos
    return o
  }

  #chain: Promise<void> = Promise.resolve()

  async #onEvent(e: AnyBinlogEvent): Promise<void> {
    if (this.#stopping) return
    const name = e.getEventName()
    // zongji's `size` is the event body: the 19-byte header and the CRC32 checksum come on top.
    const start = e.nextPosition - e.size - 19 - (this.#zongji?.useChecksum === false ? 0 : 4)
    const first = this.#firstEvent && name !== 'rotate'
    if (first) this.#firstEvent = false
    // Resume skips apply only when the restart position is this transaction's start; otherwise (an offset
    // pointing past a rows event, as Debezium writes on MariaDB) nothing inside is skipped.
    if (first && this.#resume !== undefined && !(name === 'mariadbgtid' && start === this.#resume.pos))
      this.#resume = undefined
    switch (name) {
      case 'rotate': {
        const r = e as Extract<AnyBinlogEvent, { getEventName(): 'rotate' }>
        this.#file = r.binlogName
        return
      }
      case 'mariadbgtid': {
        const g = e as Extract<AnyBinlogEvent, { getEventName(): 'mariadbgtid' }>
        this.#txnStart = start
        this.#txnGtid = g.gtid
        this.#eventsInTxn = 0
        this.#serverId = g.serverId
        return
      }
      case 'annotaterows':
        this.#query = (e as Extract<AnyBinlogEvent, { getEventName(): 'annotaterows' }>).statement
        return
      case 'xid':
        this.#commit(e.nextPosition)
        return
      case 'query': {
        const q = e as Extract<AnyBinlogEvent, { getEventName(): 'query' }>
        const sql = q.query.trim()
        if (/^(BEGIN|XA START)/i.test(sql)) return
        if (/^COMMIT/i.test(sql)) return this.#commit(e.nextPosition)
        const conn = this.#zongji?.connection
        if (!this.#paused) conn?.pause()
        try {
          await this.#ddl(q.schema, sql, start, e.nextPosition, Math.floor(e.timestamp / 1000))
        } finally {
          if (!this.#paused) conn?.resume()
        }
        return
      }
      case 'writerows':
      case 'updaterows':
      case 'deleterows':
        this.#rows(e as RowsEventLike, name, start)
        this.#eventsInTxn++
        return
      default:
        return
    }
  }

  #serverId = 1

  #commit(next: number): void {
    if (this.#txnGtid !== null) this.#gtidPos = mergeGtid(this.#gtidPos, this.#txnGtid)
    this.#txnStart = next
    this.#txnGtid = null
    this.#eventsInTxn = 0
    this.#query = null
    this.#resume = undefined
  }

  #rows(e: RowsEventLike, name: string, pos: number): void {
    const map = e.tableMap[e.tableId]
    if (map === undefined) return
    const db = map.parentSchema
    const table = map.tableName
    const s = this.#tables.get(`${db}.${table}`)
    if (s === undefined || !this.#config.includesTable(db, table)) return
    const op = name === 'writerows' ? 'c' : name === 'updaterows' ? 'u' : 'd'
    // Skipping on resume: whole rows events first, then rows within the next one.
    let skipRows = 0
    if (this.#resume !== undefined) {
      if (this.#resume.skipEvents > this.#eventsInTxn) return
      skipRows = this.#resume.skipRows
      this.#resume = undefined
    }
    if (this.#config.skippedOperations.has(op)) return
    const tsMs = Math.floor(e.timestamp / 1000) * 1000
    const tsSec = Math.floor(e.timestamp / 1000)
    const c = this.#config
    const rows = e.rows
    for (let i = skipRows; i < rows.length; i++) {
      const info: SourceInfo = {
        tsMs,
        snapshot: 'false',
        db,
        table,
        serverId: this.#serverId,
        gtid: this.flavor === 'mariadb' ? this.#txnGtid : null,
        file: this.#file,
        pos,
        row: i,
        thread: null,
        query: c.includeQuery ? this.#query : null,
      }
      const offset = this.#rowOffset(tsSec, i + 1)
      const src = sourceStruct(this.flavor, c.topicPrefix, info)
      const now = Date.now()
      const raw = rows[i] as Record<string, unknown> & {
        before?: Record<string, unknown>
        after?: Record<string, unknown>
      }
      if (op === 'c') {
        const after = s.value(fixGeometry(s, raw), true)
        this.#pushStreaming(
          this.#record(
            s.topic,
            s.keySchema,
            s.key(raw, true),
            s.envelopeSchema,
            s.envelope('c', null, after, src, now),
            offset,
          ),
        )
      } else if (op === 'd') {
        const before = s.value(fixGeometry(s, raw), true)
        const key = s.key(raw, true)
        this.#pushStreaming(
          this.#record(
            s.topic,
            s.keySchema,
            key,
            s.envelopeSchema,
            s.envelope('d', before, null, src, now),
            offset,
          ),
        )
        if (c.tombstonesOnDelete)
          this.#pushStreaming(this.#record(s.topic, s.keySchema, key, null, null, offset))
      } else {
        const rb = fixGeometry(s, raw.before ?? {})
        const ra = fixGeometry(s, raw.after ?? {})
        const oldKey = s.key(rb, true)
        const newKey = s.key(ra, true)
        const before = s.value(rb, true)
        const after = s.value(ra, true)
        if (oldKey !== null && newKey !== null && !oldKey.equals(newKey)) {
          // A primary key change: delete (+ tombstone) under the old key, create under the new one.
          const h1 = new Headers().add('__debezium.newkey', newKey, s.keySchema)
          this.#pushStreaming(
            this.#record(
              s.topic,
              s.keySchema,
              oldKey,
              s.envelopeSchema,
              s.envelope('d', before, null, src, now),
              offset,
              h1,
            ),
          )
          if (c.tombstonesOnDelete)
            this.#pushStreaming(
              this.#record(
                s.topic,
                s.keySchema,
                oldKey,
                null,
                null,
                offset,
                new Headers().add('__debezium.newkey', newKey, s.keySchema),
              ),
            )
          const h2 = new Headers().add('__debezium.oldkey', oldKey, s.keySchema)
          this.#pushStreaming(
            this.#record(
              s.topic,
              s.keySchema,
              newKey,
              s.envelopeSchema,
              s.envelope('c', null, after, src, now),
              offset,
              h2,
            ),
          )
        } else {
          this.#pushStreaming(
            this.#record(
              s.topic,
              s.keySchema,
              newKey,
              s.envelopeSchema,
              s.envelope('u', before, after, src, now),
              offset,
            ),
          )
        }
      }
    }
  }

  /** A DDL statement in the binlog: refresh the affected tables, record history and the schema change. */
  async #ddl(schema: string, sql: string, pos: number, next: number, tsSec: number): Promise<void> {
    const c = this.#config
    const conn = this.#conn
    if (conn === undefined) return
    // DDL groups are standalone: the position after the statement is the restart point.
    if (this.#txnGtid !== null) this.#gtidPos = mergeGtid(this.#gtidPos, this.#txnGtid)
    const gtid = this.#txnGtid
    this.#txnStart = next
    this.#txnGtid = null
    const targets = ddlTargets(sql, schema)
    const db = targets[0]?.db ?? schema
    if (!c.includesDatabase(db)) return
    const offset: Record<string, unknown> = {
      [TS_SEC]: tsSec,
      [FILE]: this.#file,
      [POS]: next,
      [SERVER_ID]: this.#serverId,
    }
    if (this.flavor === 'mariadb' && this.#gtidPos !== null) offset[GTIDS] = this.#gtidPos
    const changes: Array<{ type: ChangeType; table: TableDef }> = []
    let capturedTable: string | null = null
    let truncate: TableSchemas | undefined
    for (const t of targets) {
      if (t.table === null || !c.includesTable(t.db, t.table)) continue
      capturedTable = t.table
      const key = `${t.db}.${t.table}`
      if (t.kind === 'DROP') {
        const old = this.#tables.get(key)
        this.#tables.delete(key)
        changes.push({
          type: 'DROP',
          table: old?.table ?? {
            db: t.db,
            table: t.table,
            columns: [],
            primaryKey: [],
            defaultCharset: null,
          },
        })
      } else if (t.kind === 'TRUNCATE') {
        truncate = this.#tables.get(key)
      } else {
        // An ALTER is applied to the structure held for this point of the binlog (Debezium's way); only
        // what that cannot map (or a table not held yet) is read from the server
        // (docs/adr/0031-mysql-ddl-from-the-binlog.md).
        const held = this.#tables.get(key)
        const applied =
          t.kind === 'ALTER' && held !== undefined ? applyAlterTable(sql, held.table) : undefined
        const def = applied ?? (await this.#readTable(conn, t.db, t.table))
        if (def === null) continue
        const existed = this.#tables.has(key)
        this.#schemas(def)
        changes.push({
          type: t.kind === 'CREATE' && !existed ? 'CREATE' : t.kind === 'CREATE' ? 'CREATE' : 'ALTER',
          table: def,
        })
      }
    }
    if (targets.some((t) => t.table !== null) && capturedTable === null) return
    const info: SourceInfo = {
      tsMs: tsSec * 1000,
      snapshot: 'false',
      db,
      table: capturedTable,
      serverId: this.#serverId,
      gtid: this.flavor === 'mariadb' ? gtid : null,
      file: this.#file,
      pos,
      row: 0,
      thread: null,
      query: null,
    }
    const history: HistoryRecord[] = []
    await this.#schemaChange(db, sql, info, offset, changes, history, true)
    await this.#history.write(history)
    if (truncate !== undefined && !c.skippedOperations.has('t')) {
      const src = sourceStruct(this.flavor, c.topicPrefix, info)
      this.#pushStreaming(
        this.#record(
          truncate.topic,
          null,
          null,
          truncate.envelopeSchema,
          truncate.envelope('t', null, null, src, Date.now()),
          offset,
        ),
      )
    }
  }
}

/** The MariaDB flavour: Debezium's MariaDbConnector task (`connector: mariadb`, GTIDs in source and offsets). */
export class MariaDbSourceTask extends MySqlSourceTask {
  static override readonly className: string = 'io.debezium.connector.mariadb.MariaDbConnectorTask'
  protected override flavor: Flavor = 'mariadb'
}

interface RowsEventLike {
  tableId: number
  tableMap: Record<number, { parentSchema: string; tableName: string }>
  rows: unknown[]
  timestamp: number
}

function structOf(schema: SourceRecord['keySchema'], values: Record<string, unknown>): Struct {
  const s = new Struct(schema as NonNullable<SourceRecord['keySchema']>)
  for (const [k, v] of Object.entries(values)) s.put(k, v)
  return s
}

/**
 * Unpatched zongji decodes spatial values into coordinates (losing the SRID); Debezium carries WKB, so
 * re-encode them. With the project's patch the values arrive as bytes and pass through untouched.
 */
function fixGeometry(s: TableSchemas, row: Record<string, unknown>): Record<string, unknown> {
  let out = row
  for (const col of s.spatialColumns) {
    const v = row[col.name]
    if (v === null || v === undefined || Buffer.isBuffer(v)) continue
    if (out === row) out = { ...row }
    out[col.name] = encodeGeometry(v, col.dataType)
  }
  return out
}

/** MariaDB GTID position: the latest sequence per domain. */
export function mergeGtid(pos: string | null, gtid: string): string {
  const [domain] = gtid.split('-')
  const parts = (pos ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '' && p.split('-')[0] !== domain)
  parts.push(gtid)
  return parts.sort((a, b) => Number(a.split('-')[0]) - Number(b.split('-')[0])).join(',')
}

interface DdlTarget {
  kind: 'CREATE' | 'ALTER' | 'DROP' | 'TRUNCATE' | 'OTHER'
  db: string
  table: string | null
}

const NAME = '(?:`(?:[^`]|``)+`|[A-Za-z0-9_$]+)'
const QNAME = `(${NAME})(?:\\s*\\.\\s*(${NAME}))?`

function unq(n: string): string {
  return n.startsWith('`') ? n.slice(1, -1).replace(/``/g, '`') : n
}

function qualified(a: string, b: string | undefined, schema: string): { db: string; table: string } {
  return b === undefined ? { db: schema, table: unq(a) } : { db: unq(a), table: unq(b) }
}

/** The tables a DDL statement touches (Sluice re-reads them instead of parsing the DDL). */
export function ddlTargets(sql: string, schema: string): DdlTarget[] {
  const s = sql.replace(/\/\*.*?\*\//gs, ' ').trim()
  let m = new RegExp(
    `^CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:TEMPORARY\\s+)?TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?${QNAME}`,
    'i',
  ).exec(s)
  if (m) return [{ kind: 'CREATE', ...qualified(m[1] as string, m[2], schema) }]
  m = new RegExp(`^ALTER\\s+(?:ONLINE\\s+|IGNORE\\s+)*TABLE\\s+(?:IF\\s+EXISTS\\s+)?${QNAME}`, 'i').exec(s)
  if (m) {
    const t = qualified(m[1] as string, m[2], schema)
    const rename = new RegExp(`RENAME\\s+(?:TO\\s+|AS\\s+)?${QNAME}`, 'i').exec(s.slice(m[0].length))
    if (rename)
      return [
        { kind: 'DROP', ...t },
        { kind: 'CREATE', ...qualified(rename[1] as string, rename[2], schema) },
      ]
    return [{ kind: 'ALTER', ...t }]
  }
  m = /^DROP\s+(?:TEMPORARY\s+)?TABLE\s+(?:IF\s+EXISTS\s+)?(.*)$/is.exec(s)
  if (m) {
    return (m[1] as string)
      .split(',')
      .map((p) => p.trim().replace(/\s+(RESTRICT|CASCADE)$/i, ''))
      .filter((p) => p !== '')
      .map((p) => {
        const q = new RegExp(`^${QNAME}`).exec(p)
        return { kind: 'DROP' as const, ...qualified(q?.[1] ?? p, q?.[2], schema) }
      })
  }
  m = new RegExp(`^TRUNCATE\\s+(?:TABLE\\s+)?${QNAME}`, 'i').exec(s)
  if (m) return [{ kind: 'TRUNCATE', ...qualified(m[1] as string, m[2], schema) }]
  m = /^RENAME\s+TABLE\s+(.*)$/is.exec(s)
  if (m) {
    const out: DdlTarget[] = []
    for (const pair of (m[1] as string).split(',')) {
      const p = new RegExp(`^\\s*${QNAME}\\s+TO\\s+${QNAME}`, 'i').exec(pair)
      if (p) {
        out.push({ kind: 'DROP', ...qualified(p[1] as string, p[2], schema) })
        out.push({ kind: 'CREATE', ...qualified(p[3] as string, p[4], schema) })
      }
    }
    return out
  }
  m = new RegExp(
    `^(?:CREATE|DROP|ALTER)\\s+(?:DATABASE|SCHEMA)\\s+(?:IF\\s+(?:NOT\\s+)?EXISTS\\s+)?(${NAME})`,
    'i',
  ).exec(s)
  if (m) return [{ kind: 'OTHER', db: unq(m[1] as string), table: null }]
  return [{ kind: 'OTHER', db: schema, table: null }]
}

function isBinaryField(field: { type: string; charset?: number; characterSet?: number }): boolean {
  // Charset 63 is MySQL's `binary`: BINARY/VARBINARY/BLOB columns (text columns carry a real charset).
  const cs = field.characterSet ?? field.charset
  return (
    cs === 63 &&
    ['STRING', 'VAR_STRING', 'BLOB', 'TINY_BLOB', 'MEDIUM_BLOB', 'LONG_BLOB'].includes(field.type)
  )
}
