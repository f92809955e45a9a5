import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { type Decimal, Headers, type Schema, SchemaBuilder, Struct, sourceRecord } from '@sluice/api'
import { applyAlterTable } from '../src/ddl-apply.js'
import { Heartbeat } from '../src/heartbeat.js'
import {
  datetimeMicros,
  ddlTargets,
  ExtractNewRecordState,
  jacksonPretty,
  MYSQL_CONFIG_DEF,
  MySqlConfig,
  MySqlSourceConnector,
  mapColumn,
  mergeGtid,
  parseMembers,
  TableSchemas,
  timeMicros,
  validateMySqlProps,
  zonedTimestamp,
} from '../src/index.js'
import type { ColumnDef, TableDef } from '../src/table.js'
import type { TaskClock } from '../src/task-clock.js'

const SEED = {
  'connector.class': 'io.debezium.connector.mysql.MySqlConnector',
  'database.hostname': 'mysql',
  'database.port': '3306',
  'database.user': 'user',
  'database.password': 'pass',
  'database.server.id': '184054',
  'database.server.name': 'dbserver1',
  'table.include.list': 'inventory.customers',
  'database.history.kafka.bootstrap.servers': 'kafka:9092',
  'database.history.kafka.topic': 'db-history',
}

function errors(props: Record<string, string>): string[] {
  const values = new MySqlSourceConnector().validate(props)
  return values.flatMap((v) => v.errorMessages.map((m) => `${v.name}: ${m}`))
}

describe('MySQL connector configuration', () => {
  it('accepts the seed config with the 1.x names and resolves them', () => {
    assert.deepEqual(errors(SEED), [])
    const c = new MySqlConfig(SEED)
    assert.equal(c.topicPrefix, 'dbserver1')
    assert.equal(c.historyTopic, 'db-history')
    assert.equal(c.historyBootstrap, 'kafka:9092')
    assert.equal(c.serverId, 184054)
    assert.ok(c.includesTable('inventory', 'customers'))
    assert.ok(!c.includesTable('inventory', 'orders'))
    assert.ok(!c.includesTable('mysql', 'user'), 'system databases are never captured')
  })

  it('accepts the 2.x names', () => {
    const {
      'database.server.name': _,
      'database.history.kafka.topic': __,
      'database.history.kafka.bootstrap.servers': ___,
      ...rest
    } = SEED
    const v2 = {
      ...rest,
      'topic.prefix': 'p2',
      'schema.history.internal.kafka.topic': 'h',
      'schema.history.internal.kafka.bootstrap.servers': 'k:1',
    }
    assert.deepEqual(errors(v2), [])
    assert.equal(new MySqlConfig(v2).topicPrefix, 'p2')
  })

  it('names a missing key under both spellings', () => {
    const { 'database.server.name': _, ...noName } = SEED
    const e = errors(noName)
    assert.ok(
      e.some((m) => m.startsWith('topic.prefix:') && m.includes('database.server.name')),
      e.join('\n'),
    )
  })

  it('refuses conflicting 1.x and 2.x values', () => {
    const e = errors({ ...SEED, 'topic.prefix': 'other' })
    assert.ok(
      e.some((m) => m.startsWith('topic.prefix: conflicts with') && m.includes('dbserver1')),
      e.join('\n'),
    )
  })

  it('refuses Debezium keys it does not implement, and bad values', () => {
    const e = errors({
      ...SEED,
      'message.key.columns': 'inventory.customers:email',
      'snapshot.mode': 'sometimes',
    })
    assert.ok(
      e.some((m) => m.startsWith('message.key.columns:') && m.includes('not implemented')),
      e.join('\n'),
    )
    assert.ok(
      e.some((m) => m.startsWith('snapshot.mode:')),
      e.join('\n'),
    )
    assert.throws(
      () => new MySqlConfig({ ...SEED, 'column.mask.with.12.chars': 'a.b.c' }),
      /column\.mask\.with\.12\.chars/,
    )
  })

  it('leaves the runtime keys alone', () => {
    assert.deepEqual(
      validateMySqlProps(
        { ...SEED, name: 'x', 'tasks.max': '1', transforms: 'u', 'topic.creation.default.partitions': '1' },
        MYSQL_CONFIG_DEF.validate(SEED),
      ),
      [],
    )
  })

  it('applies column include/exclude lists', () => {
    const c = new MySqlConfig({ ...SEED, 'column.exclude.list': 'inventory\\.customers\\.email' })
    assert.ok(!c.includesColumn('inventory', 'customers', 'email'))
    assert.ok(c.includesColumn('inventory', 'customers', 'id'))
  })
})

const modes = {
  decimalMode: 'precise',
  timePrecisionMode: 'adaptive_time_microseconds',
  bigintUnsignedMode: 'long',
  binaryMode: 'bytes',
} as const

function col(dataType: string, over: Partial<ColumnDef> = {}): ColumnDef {
  return {
    name: 'c',
    position: 1,
    dataType,
    columnType: dataType,
    unsigned: false,
    nullable: true,
    defaultExpr: null,
    charset: null,
    length: null,
    scale: null,
    fsp: 0,
    autoIncrement: false,
    generated: false,
    members: [],
    comment: null,
    ...over,
  }
}

describe('MySQL type mapping (Debezium 2.7)', () => {
  it('maps integers by width and sign, BIGINT UNSIGNED wrapping in long mode', () => {
    assert.equal(mapColumn(col('tinyint', { unsigned: true }), modes).schema.type, 'INT16')
    assert.equal(mapColumn(col('smallint', { unsigned: true }), modes).schema.type, 'INT32')
    assert.equal(mapColumn(col('int', { unsigned: true }), modes).schema.type, 'INT64')
    const bu = mapColumn(col('bigint', { unsigned: true }), modes)
    assert.equal(bu.convert('18446744073709551615'), -1)
    const precise = mapColumn(col('bigint', { unsigned: true }), { ...modes, bigintUnsignedMode: 'precise' })
    assert.equal(precise.schema.name, 'org.apache.kafka.connect.data.Decimal')
    assert.equal((precise.convert('18446744073709551615') as Decimal).toString(), '18446744073709551615')
  })

  it('maps DECIMAL per decimal.handling.mode, keeping the column scale', () => {
    const c = col('decimal', { length: 6, scale: 3, defaultExpr: '1.500' })
    const p = mapColumn(c, modes)
    assert.deepEqual(p.schema.parameters, { scale: '3', 'connect.decimal.precision': '6' })
    assert.equal((p.convert('1.5') as Decimal).unscaled, 1500n)
    assert.equal((p.schema.defaultValue as Decimal).unscaled, 1500n)
    assert.equal(mapColumn(c, { ...modes, decimalMode: 'string' }).convert('1.500'), '1.500')
    assert.equal(mapColumn(c, { ...modes, decimalMode: 'double' }).convert('1.500'), 1.5)
  })

  it('maps temporal types to Debezium time types', () => {
    assert.equal(timeMicros('-12:34:56'), -45296000000n)
    assert.equal(timeMicros('838:59:59.000000'), 3020399000000n)
    const dt6 = mapColumn(col('datetime', { fsp: 6 }), modes)
    assert.equal(dt6.schema.name, 'io.debezium.time.MicroTimestamp')
    assert.equal(dt6.convert('1970-01-01 00:00:00.000001'), 1)
    const dt = mapColumn(col('datetime'), modes)
    assert.equal(dt.convert('1000-01-01 00:00:00'), -30610224000000)
    assert.equal(mapColumn(col('date'), modes).convert('2024-02-29'), 19782)
    assert.equal(
      mapColumn(col('date'), modes).convert('0000-00-00'),
      null,
      'zero dates of nullable columns are null',
    )
    assert.equal(zonedTimestamp('2000-01-01 00:00:00.120000'), '2000-01-01T00:00:00.12Z')
    assert.equal(zonedTimestamp('2001-02-03 04:05:06', 6), '2001-02-03T04:05:06.000000Z')
    const connect = mapColumn(col('date'), { ...modes, timePrecisionMode: 'connect' })
    assert.equal(connect.schema.name, 'org.apache.kafka.connect.data.Date')
  })

  it('converts DATETIME on the number fast path exactly as on the bigint path', () => {
    const dt3 = mapColumn(col('datetime', { fsp: 3 }), modes)
    const dt6 = mapColumn(col('datetime', { fsp: 6 }), modes)
    for (const v of [
      '2024-01-02 03:04:05.678',
      '1969-12-31 23:59:59.999999',
      '1000-01-01 00:00:00',
      '0099-12-31 23:59:59.5',
      '0100-03-01 00:00:00.000001',
      '2255-12-31 23:59:59.999999',
      '2256-01-01 00:00:00.000001',
      '9999-12-31 23:59:59.999999',
      '2020-02-29 12:00:00.1234567',
      '2000-02-29T00:00:00.5',
      '1900-03-01 00:00:00',
      '1700-02-28 23:59:59.000001',
      '2024-12-31 23:59:59.99',
      '2023-13-01 00:00:00',
    ]) {
      const us = datetimeMicros(v) as bigint
      const exact = (n: bigint): number | bigint =>
        n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n
      const floorMs = us / 1000n - (us % 1000n < 0n ? 1n : 0n)
      assert.equal(dt6.convert(v), exact(us), v)
      assert.equal(dt3.convert(v), exact(floorMs), v)
    }
    assert.equal(dt6.convert('0000-00-00 00:00:00'), null)
  })

  it('maps BIT, ENUM/SET, binary and spatial types', () => {
    const b12 = mapColumn(col('bit', { length: 12 }), modes)
    assert.deepEqual(
      [...(b12.convert(Buffer.from([0x0a, 0xaa])) as Uint8Array)],
      [0xaa, 0x0a],
      'little-endian',
    )
    assert.equal(mapColumn(col('bit', { length: 1 }), modes).convert(Buffer.from([1])), true)
    assert.deepEqual(parseMembers("enum('a','b c','it''s')"), ['a', 'b c', "it's"])
    const set = mapColumn(col('set', { members: ['x', 'y', 'z'] }), modes)
    assert.equal(set.schema.parameters?.allowed, 'x,y,z')
    assert.equal(set.convert(5), 'x,z')
    const bin = mapColumn(col('binary', { length: 4 }), { ...modes, binaryMode: 'hex' })
    assert.equal(bin.convert(Buffer.from([1])), '01000000')
    const p = mapColumn(col('point'), modes)
    const raw = Buffer.alloc(25)
    raw[4] = 1
    raw.writeUInt32LE(1, 5)
    raw.writeDoubleLE(3.5, 9)
    raw.writeDoubleLE(-4, 17)
    const s = p.convert(raw) as Struct
    assert.equal(s.get('x'), 3.5)
    assert.equal(s.get('srid'), null)
  })
})

describe('schemas, DDL targets, GTIDs, history JSON', () => {
  const def = {
    db: 'inv',
    table: 'cust',
    columns: [
      col('int', { name: 'id', nullable: false }),
      col('varchar', { name: 'email', position: 2, defaultExpr: "'a'" }),
    ],
    primaryKey: ['id'],
    defaultCharset: 'utf8mb4',
  }

  it('builds Debezium 2.7 key, value and envelope schemas', () => {
    const s = new TableSchemas(def, 'srv', '.', modes, 'mysql', () => true)
    assert.equal(s.topic, 'srv.inv.cust')
    assert.equal(s.keySchema?.name, 'srv.inv.cust.Key')
    assert.deepEqual(
      s.envelopeSchema.fields.map((f) => f.name),
      ['before', 'after', 'source', 'transaction', 'op', 'ts_ms', 'ts_us', 'ts_ns'],
    )
    assert.equal(s.envelopeSchema.version, 2)
    assert.equal(s.valueSchema.field('email')?.schema.defaultValue, 'a')
  })

  it('finds the tables a DDL statement touches', () => {
    assert.deepEqual(ddlTargets('ALTER TABLE strs ADD COLUMN x INT', 'd'), [
      { kind: 'ALTER', db: 'd', table: 'strs' },
    ])
    assert.deepEqual(ddlTargets('DROP TABLE IF EXISTS `a`.`b`, c /* generated by server */', 'd'), [
      { kind: 'DROP', db: 'a', table: 'b' },
      { kind: 'DROP', db: 'd', table: 'c' },
    ])
    assert.deepEqual(ddlTargets('RENAME TABLE a TO b', 'd'), [
      { kind: 'DROP', db: 'd', table: 'a' },
      { kind: 'CREATE', db: 'd', table: 'b' },
    ])
    assert.deepEqual(ddlTargets('TRUNCATE TABLE bins', 'd'), [{ kind: 'TRUNCATE', db: 'd', table: 'bins' }])
    assert.deepEqual(ddlTargets('CREATE DATABASE x', 'd'), [{ kind: 'OTHER', db: 'x', table: null }])
  })

  it('advances a MariaDB GTID position per domain', () => {
    assert.equal(mergeGtid(null, '0-1-5'), '0-1-5')
    assert.equal(mergeGtid('0-1-5,1-2-7', '0-1-6'), '0-1-6,1-2-7')
  })

  it("prints JSON like Jackson's pretty printer", () => {
    assert.equal(
      jacksonPretty({ a: 1, b: [], c: [{ d: null }], e: {} }),
      '{\n  "a" : 1,\n  "b" : [ ],\n  "c" : [ {\n    "d" : null\n  } ],\n  "e" : { }\n}',
    )
  })
})

describe('ExtractNewRecordState', () => {
  const value = SchemaBuilder.struct()
    .name('p.d.t.Value')
    .optional()
    .field('id', SchemaBuilder.int32().build())
    .build()
  const source = SchemaBuilder.struct()
    .name('src')
    .field('table', SchemaBuilder.string().build())
    .field('ts_ms', SchemaBuilder.int64().build())
    .build()
  const envelope: Schema = SchemaBuilder.struct()
    .name('p.d.t.Envelope')
    .field('before', value)
    .field('after', value)
    .field('source', source)
    .field('op', SchemaBuilder.string().build())
    .build()
  const rec = (op: string, before: number | null, after: number | null) =>
    sourceRecord({
      topic: 'p.d.t',
      valueSchema: envelope,
      value: new Struct(envelope)
        .put('before', before === null ? null : new Struct(value).put('id', before))
        .put('after', after === null ? null : new Struct(value).put('id', after))
        .put('source', new Struct(source).put('table', 't').put('ts_ms', 7))
        .put('op', op),
      headers: new Headers(),
    })
  const smt = (cfg: Record<string, string>) => {
    const t = new ExtractNewRecordState()
    t.configure(cfg)
    return t
  }

  it('unwraps after, drops deletes and tombstones by default', () => {
    const t = smt({})
    const out = t.apply(rec('c', null, 1))
    assert.ok(out !== null)
    assert.equal((out.value as Struct).get('id'), 1)
    assert.equal(out?.valueSchema?.name, 'p.d.t.Value')
    assert.equal(t.apply(rec('d', 1, null)), null)
    assert.equal(t.apply(sourceRecord({ topic: 'p.d.t', value: null })), null)
  })

  it('rewrites deletes with __deleted and adds fields and headers', () => {
    const t = smt({
      'delete.handling.mode': 'rewrite',
      'add.fields': 'op,table,source.ts_ms',
      'add.headers': 'op',
      'drop.tombstones': 'false',
    })
    const del = t.apply(rec('d', 3, null))
    const v = del?.value as Struct
    assert.deepEqual(
      v.schema.fields.map((f) => f.name),
      ['id', '__op', '__table', '__source_ts_ms', '__deleted'],
    )
    assert.deepEqual(
      [v.get('id'), v.get('__op'), v.get('__table'), v.get('__source_ts_ms'), v.get('__deleted')],
      [3, 'd', 't', 7, 'true'],
    )
    assert.equal(del?.headers.lastWithName('__op')?.value, 'd')
    const tomb = sourceRecord({ topic: 'p.d.t', value: null })
    assert.equal(t.apply(tomb), tomb)
  })

  it('passes records that are no change events, and refuses unimplemented keys', () => {
    const other = sourceRecord({ topic: 'x', valueSchema: value, value: new Struct(value).put('id', 1) })
    assert.equal(smt({}).apply(other), other)
    assert.throws(() => smt({ 'route.by.field': 'x' }), /route\.by\.field/)
  })
})

/** A clock that moves only when told to: sleeps resolve once `advance` passes their deadline. */
class FakeClock implements TaskClock {
  #now = 0
  #sleepers: Array<{ at: number; resolve: () => void }> = []
  now(): number {
    return this.#now
  }
  sleep(ms: number, ...signals: readonly AbortSignal[]): Promise<void> {
    return new Promise((resolve) => {
      const s = { at: this.#now + ms, resolve }
      this.#sleepers.push(s)
      for (const sig of signals)
        sig.addEventListener(
          'abort',
          () => {
            this.#sleepers = this.#sleepers.filter((x) => x !== s)
            resolve()
          },
          { once: true },
        )
    })
  }
  get sleeping(): number {
    return this.#sleepers.length
  }
  /** Moves time on by `ms`, letting every sleeper whose deadline passed (and what it schedules) run. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms
    for (;;) {
      const due = this.#sleepers.filter((s) => s.at <= target).sort((a, b) => a.at - b.at)[0]
      if (due === undefined) break
      this.#now = due.at
      this.#sleepers = this.#sleepers.filter((s) => s !== due)
      due.resolve()
      for (let i = 0; i < 5; i++) await Promise.resolve()
    }
    this.#now = target
  }
}

describe('heartbeat.interval.ms on the injected clock', () => {
  it('beats once per interval of the task clock, never on the wall clock, and stops', async () => {
    const clock = new FakeClock()
    const beats: number[] = []
    const hb = new Heartbeat(1000, clock, () => beats.push(clock.now()))
    await clock.advance(999)
    assert.deepEqual(beats, [], 'no beat before the interval')
    await clock.advance(1)
    assert.deepEqual(beats, [1000])
    await clock.advance(2500)
    assert.deepEqual(beats, [1000, 2000, 3000])
    // Real time passing does not beat: only the clock does.
    await new Promise((r) => setTimeout(r, 30))
    assert.equal(beats.length, 3)
    await hb.stop()
    assert.equal(clock.sleeping, 0, 'stop ends the pending sleep')
    await clock.advance(10_000)
    assert.equal(beats.length, 3, 'no beat after stop')
  })

  it('refuses a non-positive interval', () => {
    assert.throws(() => new Heartbeat(0, new FakeClock(), () => {}), /must be positive/)
  })
})

describe('DDL from the binlog applied to the held structure (ADR 0031)', () => {
  const base: TableDef = {
    db: 'inv',
    table: 't',
    columns: [
      col('int', { name: 'id', position: 1, nullable: false, columnType: 'int(11)', length: 10 }),
      col('varchar', { name: 'a', position: 2, length: 5, charset: 'utf8mb4', defaultExpr: 'NULL' }),
    ],
    primaryKey: ['id'],
    defaultCharset: 'utf8mb4',
  }

  it('adds, places, modifies, renames and drops columns as the statement says', () => {
    const t1 = applyAlterTable(
      "ALTER TABLE t ADD COLUMN b INT DEFAULT 7 AFTER id, ADD COLUMN e ENUM('x','y') NOT NULL DEFAULT 'y'",
      base,
    )
    assert.ok(t1)
    assert.deepEqual(
      t1.columns.map((c) => [c.name, c.position]),
      [
        ['id', 1],
        ['b', 2],
        ['a', 3],
        ['e', 4],
      ],
    )
    const b = t1.columns[1] as ColumnDef
    assert.equal(b.dataType, 'int')
    assert.equal(b.defaultExpr, '7')
    assert.equal(b.nullable, true)
    assert.equal(b.length, null, 'INT without a width: no length, as Debezium records it')
    const e = t1.columns[3] as ColumnDef
    assert.deepEqual(e.members, ['x', 'y'])
    assert.equal(e.nullable, false)
    assert.equal(e.defaultExpr, "'y'")
    assert.equal(e.charset, 'utf8mb4', 'text columns take the table default charset')

    const t2 = applyAlterTable(
      'ALTER TABLE t MODIFY COLUMN b BIGINT UNSIGNED NOT NULL, CHANGE COLUMN a a2 VARCHAR(20) CHARACTER SET latin1, DROP COLUMN e',
      t1,
    )
    assert.ok(t2)
    assert.deepEqual(
      t2.columns.map((c) => `${c.name}:${c.columnType}:${c.nullable}:${c.charset}`),
      ['id:int(11):false:null', 'b:bigint unsigned:false:null', 'a2:varchar(20):true:latin1'],
    )
    const t3 = applyAlterTable('ALTER TABLE t RENAME COLUMN id TO pk, ADD INDEX ix (b)', t2)
    assert.deepEqual(t3?.primaryKey, ['pk'])
    assert.equal(applyAlterTable('ALTER TABLE t DROP PRIMARY KEY', t2)?.primaryKey.length, 0)
    const t4 = applyAlterTable(
      'ALTER TABLE t ADD COLUMN d DECIMAL(8,3) DEFAULT -1.5, ADD ts TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)',
      base,
    )
    assert.deepEqual(
      t4?.columns.slice(2).map((c) => [c.length, c.scale, c.fsp, c.defaultExpr]),
      [
        [8, 3, 0, '-1.5'],
        [null, null, 3, 'current_timestamp(3)'],
      ],
    )
  })

  it('gives up (the caller reads the server) on what it cannot map or what does not fit the held table', () => {
    assert.equal(applyAlterTable('ALTER TABLE t ADD COLUMN a INT', base), undefined, 'a exists')
    assert.equal(applyAlterTable('ALTER TABLE t DROP COLUMN nope', base), undefined, 'no such column')
    assert.equal(applyAlterTable('ALTER TABLE t ALTER COLUMN a SET DEFAULT 5', base), undefined)
    assert.equal(applyAlterTable('ALTER TABLE t ADD PRIMARY KEY (a)', base), undefined)
    assert.equal(applyAlterTable('THIS IS NOT SQL', base), undefined)
    assert.equal(base.columns.length, 2, 'the held structure is never changed in place')
  })
})
