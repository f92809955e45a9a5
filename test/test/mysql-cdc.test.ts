import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import {
  adminConnection,
  startSluiceStandalone,
  type WorkerProcess,
  waitRunning,
} from '../compat/mysql-fixture.js'
import { freePort, pollUntil, repoRoot, sluiceCli } from '../compat/servers.js'
import { ensureBroker } from '../src/broker.js'
import { ensureMariaDb } from '../src/mariadb.js'
import { readTopic } from '../src/topic-reader.js'

/**
 * Sluice's MySQL connector in `sluice standalone` against the project's MariaDB and broker: the seed
 * config of issue 12 verbatim (host and port changed), and a kill -9 of the worker while rows are being
 * written (every change delivered at least once, in order per key).
 */
const cli = sluiceCli()

describe('MySQL CDC source in sluice standalone', { timeout: 8 * 60_000 }, () => {
  const run = randomUUID().slice(0, 6)
  const base = path.join(repoRoot, '.run', 'mysql-cdc', run)
  const workers: WorkerProcess[] = []

  after(async () => {
    await Promise.all(workers.map((w) => w.stop()))
  })

  it('runs the seed config verbatim: snapshot of inventory.customers, then an update', async () => {
    if (cli === undefined) throw new Error('the sluice CLI is not built (packages/cli)')
    const bootstrap = ensureBroker()
    const db = ensureMariaDb()
    const topic = 'dbserver1.inventory.customers'
    const before = (await readTopic(bootstrap, topic, { idleMs: 1500 })).length
    // The config, with only host and port changed (and the broker address it names).
    const seed = {
      name: 'mysql-source',
      'connector.class': 'io.debezium.connector.mysql.MySqlConnector',
      'database.hostname': db.host,
      'database.port': String(db.port),
      'database.user': 'user',
      'database.password': 'pass',
      'database.server.id': '184054',
      'database.server.name': 'dbserver1',
      'table.include.list': 'inventory.customers',
      'database.history.kafka.bootstrap.servers': bootstrap,
      'database.history.kafka.topic': 'db-history',
    }
    const w = startSluiceStandalone({
      bootstrap,
      dir: path.join(base, 'seed'),
      port: await freePort(),
      cli,
      connector: seed,
    })
    workers.push(w)
    await waitRunning(w, 'mysql-source')
    const snap = await pollUntil('4 snapshot records', 60_000, async () => {
      const r = await readTopic(bootstrap, topic, { idleMs: 1500 })
      return r.length >= before + 4 ? r.slice(before) : undefined
    })
    const events = snap.map((r) => JSON.parse(r.value ?? 'null'))
    assert.deepEqual(
      events.map((e) => [e.payload.op, e.payload.after.id, e.payload.source.snapshot]),
      [
        ['r', 1001, 'first'],
        ['r', 1002, 'true'],
        ['r', 1003, 'true'],
        ['r', 1004, 'last'],
      ],
    )
    assert.equal(JSON.parse(snap[0]?.key ?? 'null').schema.name, 'dbserver1.inventory.customers.Key')
    const email = `sally.${run}@acme.com`
    const c = await adminConnection(db, 'inventory')
    await c.query('UPDATE customers SET email = ? WHERE id = 1001', [email])
    await c.end()
    const upd = await pollUntil('the update event', 60_000, async () => {
      const r = await readTopic(bootstrap, topic, { idleMs: 1500 })
      const last = r.at(-1)
      const v = last?.value ? JSON.parse(last.value) : null
      return v?.payload?.op === 'u' && v.payload.after.email === email ? v : undefined
    })
    assert.equal(upd.payload.source.connector, 'mysql')
    assert.equal(upd.payload.source.name, 'dbserver1')
    assert.equal(upd.payload.source.table, 'customers')
    const history = await readTopic(bootstrap, 'db-history', { idleMs: 1500 })
    assert.ok(
      history.some((h) => (h.value ?? '').includes('CREATE TABLE `customers`')),
      'the schema history topic db-history holds the CREATE TABLE of customers',
    )
    await w.stop()
  })

  it('delivers every change at least once, in order per key, across a kill -9 of the worker', async () => {
    if (cli === undefined) throw new Error('the sluice CLI is not built (packages/cli)')
    const bootstrap = ensureBroker()
    const db = ensureMariaDb()
    const database = `crash_${run}`
    const prefix = `crash${run}`
    const c = await adminConnection(db)
    await c.query(`CREATE DATABASE ${database}`)
    await c.query(`CREATE TABLE ${database}.counters (k INT PRIMARY KEY, v INT NOT NULL)`)
    await c.query(`INSERT INTO ${database}.counters VALUES (0,0),(1,0),(2,0),(3,0),(4,0)`)
    await c.end()
    const connector = {
      name: `crash-${run}`,
      'connector.class': 'io.debezium.connector.mysql.MySqlConnector',
      'database.hostname': db.host,
      'database.port': String(db.port),
      'database.user': db.cdc.user,
      'database.password': db.cdc.password,
      'database.server.id': '5600',
      'topic.prefix': prefix,
      'database.include.list': database,
      'schema.history.internal.kafka.bootstrap.servers': bootstrap,
      'schema.history.internal.kafka.topic': `${prefix}-history`,
      'tombstones.on.delete': 'false',
    }
    const dir = path.join(base, 'crash')
    const offsetsFile = path.join(dir, 'offsets')
    const port = await freePort()
    let w = startSluiceStandalone({ bootstrap, dir, port, cli, connector, offsetsFile })
    workers.push(w)
    await waitRunning(w, connector.name)
    const topic = `${prefix}.${database}.counters`
    // The task is RUNNING before its snapshot has read anything: writes made before the snapshot's
    // position are folded into the snapshot rows (as in Debezium), so the writer starts after it.
    await pollUntil('the snapshot of 5 rows', 120_000, async () => {
      const r = await readTopic(bootstrap, topic, { idleMs: 500 })
      return r.filter((x) => JSON.parse(x.value ?? 'null')?.payload?.op === 'r').length >= 5
        ? true
        : undefined
    })

    // The writer: each step bumps one counter (5 keys round robin) to the step number.
    const total = 1500
    let written = 0
    let stop = false
    const writer = (async () => {
      const wc = await adminConnection(db, database)
      try {
        for (let i = 1; i <= total && !stop; i++) {
          await wc.query('UPDATE counters SET v = ? WHERE k = ?', [i, i % 5])
          written = i
          // Paced so that the kill lands mid-stream: ~5 s of writes.
          await new Promise((r) => setTimeout(r, 3))
        }
      } finally {
        await wc.end()
      }
    })()
    // Kill while the writer is at about a quarter: the connector is streaming by then.
    await pollUntil('400 writes', 60_000, async () => (written >= 400 ? true : undefined))
    await w.kill()
    const killedAt = written
    w = startSluiceStandalone({ bootstrap, dir, port, cli, connector, offsetsFile })
    workers.push(w)
    await waitRunning(w, connector.name)
    await writer
    stop = true
    assert.ok(
      killedAt > 0 && killedAt < total,
      `the kill happened mid-stream (after ${killedAt} of ${total} writes)`,
    )

    const seen = await pollUntil(`all ${total} updates`, 180_000, async () => {
      const r = await readTopic(bootstrap, topic, { idleMs: 2000 })
      const values = r
        .map((x) => JSON.parse(x.value ?? 'null'))
        .filter((v) => v?.payload?.op === 'u')
        .map((v) => ({ k: v.payload.after.k as number, v: v.payload.after.v as number }))
      return new Set(values.map((x) => x.v)).size >= total ? values : undefined
    })
    const perKey = new Map<number, number[]>()
    for (const { k, v } of seen) perKey.set(k, [...(perKey.get(k) ?? []), v])
    for (const [k, vs] of perKey) {
      // At least once: after the restart a suffix may be delivered again, so order is checked on first
      // occurrences, and every value must be there.
      const firsts = vs.filter((v, i) => vs.indexOf(v) === i)
      assert.deepEqual(
        firsts,
        [...firsts].sort((a, b) => a - b),
        `key ${k}: values arrive in order`,
      )
      const expected = Array.from({ length: total }, (_, i) => i + 1).filter((i) => i % 5 === k)
      assert.deepEqual(firsts, expected, `key ${k}: every change delivered`)
    }
    await w.stop()
  })

  it('reads the rows between two ALTERs with the structure of their point in the binlog, while lagging behind', async () => {
    if (cli === undefined) throw new Error('the sluice CLI is not built (packages/cli)')
    const bootstrap = ensureBroker()
    const db = ensureMariaDb()
    const database = `ddl_${run}`
    const prefix = `ddl${run}`
    const c = await adminConnection(db, undefined)
    await c.query(`CREATE DATABASE ${database}`)
    await c.query(`CREATE TABLE ${database}.t (id INT PRIMARY KEY, a VARCHAR(5), pad TEXT)`)
    await c.query(`INSERT INTO ${database}.t VALUES (1,'x',NULL)`)
    const connector = {
      name: `ddl-${run}`,
      'connector.class': 'io.debezium.connector.mysql.MySqlConnector',
      'database.hostname': db.host,
      'database.port': String(db.port),
      'database.user': db.cdc.user,
      'database.password': db.cdc.password,
      'database.server.id': '5610',
      'topic.prefix': prefix,
      'database.include.list': database,
      'schema.history.internal.kafka.bootstrap.servers': bootstrap,
      'schema.history.internal.kafka.topic': `${prefix}-history`,
      // A tiny queue: paused, the connector stops reading the binlog almost at once, so it reaches the
      // ALTERs only after both have run on the server (INFORMATION_SCHEMA then shows the second one).
      'max.queue.size': '2',
      'max.batch.size': '1',
    }
    const dir = path.join(base, 'ddl')
    const w = startSluiceStandalone({
      bootstrap,
      dir,
      port: await freePort(),
      cli,
      connector,
      offsetsFile: path.join(dir, 'offsets'),
    })
    workers.push(w)
    await waitRunning(w, connector.name)
    const topic = `${prefix}.${database}.t`
    await pollUntil('the snapshot row', 120_000, async () =>
      (await readTopic(bootstrap, topic, { idleMs: 500 })).length >= 1 ? true : undefined,
    )
    const paused = await fetch(`${w.url}/connectors/${connector.name}/pause`, { method: 'PUT' })
    assert.equal(paused.status, 202)
    await pollUntil('PAUSED', 30_000, async () => {
      const st = (await (await fetch(`${w.url}/connectors/${connector.name}/status`)).json()) as {
        tasks?: Array<{ state: string }>
      }
      return st.tasks?.[0]?.state === 'PAUSED' ? true : undefined
    })
    // More binlog than the socket buffers hold in front of the ALTERs, so the reader stalls before them.
    const fill = 400
    for (let i = 0; i < fill; i += 50) {
      const rows = Array.from({ length: 50 }, (_, j) => `(${100 + i + j},'f','${'p'.repeat(20_000)}')`)
      await c.query(`INSERT INTO ${database}.t VALUES ${rows.join(',')}`)
    }
    await c.query(`ALTER TABLE ${database}.t ADD COLUMN b INT DEFAULT 7`)
    await c.query(`INSERT INTO ${database}.t (id, a, b) VALUES (2,'y',8)`)
    await c.query(`ALTER TABLE ${database}.t DROP COLUMN a, ADD COLUMN c VARCHAR(3) DEFAULT 'q' AFTER id`)
    await c.query(`INSERT INTO ${database}.t (id, b, c) VALUES (3,9,'r')`)
    await c.end()
    const resumed = await fetch(`${w.url}/connectors/${connector.name}/resume`, { method: 'PUT' })
    assert.equal(resumed.status, 202)
    const records = await pollUntil('every change', 180_000, async () => {
      const r = await readTopic(bootstrap, topic, { idleMs: 1500 })
      return r.length >= fill + 3 ? r : undefined
    })
    const byId = new Map<number, { fields: string[]; after: Record<string, unknown> }>()
    for (const x of records) {
      const v = JSON.parse(x.value ?? 'null')
      const after = v?.payload?.after
      if (after === undefined || after === null) continue
      const schema = (v.schema.fields as Array<{ field: string; fields?: Array<{ field: string }> }>).find(
        (f) => f.field === 'after',
      )
      byId.set(after.id, { fields: (schema?.fields ?? []).map((f) => f.field), after })
    }
    assert.deepEqual(byId.get(100)?.fields, ['id', 'a', 'pad'], 'a row before both ALTERs')
    assert.deepEqual(byId.get(2)?.fields, ['id', 'a', 'pad', 'b'], 'the row between the ALTERs')
    assert.deepEqual(byId.get(2)?.after, { id: 2, a: 'y', pad: null, b: 8 })
    assert.deepEqual(byId.get(3)?.fields, ['id', 'c', 'pad', 'b'], 'the row after the second ALTER')
    assert.deepEqual(byId.get(3)?.after, { id: 3, c: 'r', pad: null, b: 9 })
    await w.stop()
  })

  it('honours no_data and initial_only, heartbeats, handling modes, include.schema.changes and truncates', async () => {
    if (cli === undefined) throw new Error('the sluice CLI is not built (packages/cli)')
    const bootstrap = ensureBroker()
    const db = ensureMariaDb()
    const database = `modes_${run}`
    const c = await adminConnection(db)
    await c.query(`CREATE DATABASE ${database}`)
    await c.query(`CREATE TABLE ${database}.t (id INT PRIMARY KEY, d DECIMAL(6,2), b VARBINARY(4))`)
    await c.query(`INSERT INTO ${database}.t VALUES (1, 1.50, X'0A0B')`)
    const common = {
      'connector.class': 'io.debezium.connector.mysql.MySqlConnector',
      'database.hostname': db.host,
      'database.port': String(db.port),
      'database.user': db.cdc.user,
      'database.password': db.cdc.password,
      'database.include.list': database,
      'schema.history.internal.kafka.bootstrap.servers': bootstrap,
    }
    const a = `modesa${run}`
    const b = `modesb${run}`
    const wa = startSluiceStandalone({
      bootstrap,
      dir: path.join(base, 'modes-a'),
      port: await freePort(),
      cli,
      connector: {
        ...common,
        name: a,
        'database.server.id': '5610',
        'topic.prefix': a,
        'schema.history.internal.kafka.topic': `${a}-history`,
        'snapshot.mode': 'no_data',
        'heartbeat.interval.ms': '300',
        'include.schema.changes': 'false',
        'decimal.handling.mode': 'string',
        'binary.handling.mode': 'hex',
        'skipped.operations': 'none',
      },
    })
    const wb = startSluiceStandalone({
      bootstrap,
      dir: path.join(base, 'modes-b'),
      port: await freePort(),
      cli,
      connector: {
        ...common,
        name: b,
        'database.server.id': '5611',
        'topic.prefix': b,
        'schema.history.internal.kafka.topic': `${b}-history`,
        'snapshot.mode': 'initial_only',
      },
    })
    workers.push(wa, wb)
    await Promise.all([waitRunning(wa, a), waitRunning(wb, b)])
    // initial_only: the snapshot row; no_data: the schema only (history written, no rows).
    const snapB = await pollUntil('initial_only snapshot', 60_000, async () => {
      const r = await readTopic(bootstrap, `${b}.${database}.t`, { idleMs: 1500 })
      return r.length >= 1 ? r : undefined
    })
    assert.equal(JSON.parse(snapB[0]?.value ?? '{}').payload.op, 'r')
    await pollUntil('no_data history', 60_000, async () =>
      (await readTopic(bootstrap, `${a}-history`, { idleMs: 1500 })).some((r) =>
        (r.value ?? '').includes('CREATE TABLE `t`'),
      )
        ? true
        : undefined,
    )
    await c.query(`INSERT INTO ${database}.t VALUES (2, 2.25, X'FF')`)
    await c.query(`TRUNCATE TABLE ${database}.t`)
    await c.end()
    const events = await pollUntil('no_data streaming', 60_000, async () => {
      const r = await readTopic(bootstrap, `${a}.${database}.t`, { idleMs: 1500 })
      return r.length >= 2 ? r.map((x) => JSON.parse(x.value ?? 'null')) : undefined
    })
    assert.deepEqual(
      events.map((e) => e.payload.op),
      ['c', 't'],
      'no snapshot rows; the insert, then the truncate (skipped.operations=none)',
    )
    assert.deepEqual(events[0].payload.after, { id: 2, d: '2.25', b: 'ff' }, 'decimal string, binary hex')
    const heartbeats = await readTopic(bootstrap, `__debezium-heartbeat.${a}`, { idleMs: 1500 })
    assert.ok(heartbeats.length > 0, 'heartbeats on __debezium-heartbeat.<prefix>')
    assert.equal(JSON.parse(heartbeats[0]?.key ?? '{}').payload.serverName, a)
    assert.deepEqual(
      await readTopic(bootstrap, a, { idleMs: 1500 }),
      [],
      'include.schema.changes=false: no schema change topic',
    )
    assert.equal(
      (await readTopic(bootstrap, `${b}.${database}.t`, { idleMs: 2000 })).length,
      1,
      'initial_only does not stream',
    )
    await Promise.all([wa.stop(), wb.stop()])
  })
})
