import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { MYSQL_LISTED_DIFFERENCES } from '../compat/mysql-differences.js'
import {
  createTypeDatabase,
  runSteps,
  STREAM_STEPS,
  startJavaDebezium,
  startSluiceStandalone,
  TYPE_TABLE_NAMES,
  type WorkerProcess,
  waitRunning,
} from '../compat/mysql-fixture.js'
import { freePort, javaClasspath, pollUntil, repoRoot, sluiceCli } from '../compat/servers.js'
import { ensureBroker } from '../src/broker.js'
import { debeziumPluginPath, ensureMariaDb } from '../src/mariadb.js'
import { readTopic, type TopicRecord } from '../src/topic-reader.js'

/**
 * The MySQL CDC differential (issue 12): Debezium 2.7.4's MySqlConnector in Java Kafka Connect 4.4 and
 * Sluice's capture the same MariaDB database — a table per type family — through the snapshot and then
 * inserts, updates, deletes, a primary-key change, an ALTER TABLE mid-stream and a multi-row transaction.
 * Every data, schema-change and schema-history record is compared (JsonConverter with schemas), after
 * replacing each side's topic prefix and dropping processing-time fields; a difference not listed in
 * test/compat/mysql-differences.ts fails.
 */
const cp = javaClasspath()
const cli = sluiceCli()

interface Side {
  readonly name: 'java' | 'sluice'
  readonly prefix: string
  readonly connector: string
  worker?: WorkerProcess
  config?: Record<string, string>
  dir?: string
}

/** Fields that hold processing time (the connector's clock), or the snapshot's read time. */
function normalize(v: unknown, inSnapshot: boolean, depth = 0): unknown {
  if (Array.isArray(v)) return v.map((x) => normalize(x, inSnapshot, depth + 1))
  if (v === null || typeof v !== 'object') return v
  const o = v as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const [k, x] of Object.entries(o)) {
    if (['ts_ms', 'ts_us', 'ts_ns'].includes(k) && typeof x === 'number') {
      // Envelope/schema-change/history processing times always differ; source times only in a snapshot.
      const isSource = 'connector' in o && 'file' in o
      if (!isSource || inSnapshot) {
        out[k] = '<time>'
        continue
      }
    }
    if (k === 'ts_sec' && inSnapshot) {
      out[k] = '<time>'
      continue
    }
    out[k] = normalize(x, inSnapshot, depth + 1)
  }
  return out
}

function parse(text: string | null, prefix: string): unknown {
  if (text === null) return null
  return JSON.parse(text.split(prefix).join('<prefix>'))
}

/** Paths where two JSON values differ. */
function diff(a: unknown, b: unknown, at = '$'): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return []
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return [at]
  if (Array.isArray(a) !== Array.isArray(b)) return [at]
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [`${at}.length`]
    return a.flatMap((x, i) => diff(x, b[i], `${at}[${i}]`))
  }
  const ka = Object.keys(a as object)
  const kb = Object.keys(b as object)
  const out: string[] = []
  // A key only one side has is reported at its own path (so a listed difference can name it).
  for (const k of ka) if (!kb.includes(k)) out.push(`${at}.${k}`)
  for (const k of kb) if (!ka.includes(k)) out.push(`${at}.${k}`)
  const common = ka.filter((k) => kb.includes(k))
  if (common.join(',') !== kb.filter((k) => ka.includes(k)).join(',')) out.push(`${at}{field order}`)
  for (const k of common)
    out.push(...diff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`))
  return out
}

describe('MySQL CDC: Sluice vs Debezium 2.7.4 on the same MariaDB', { timeout: 12 * 60_000 }, () => {
  const run = randomUUID().slice(0, 6)
  const database = `diff_${run}`
  const base = path.join(repoRoot, '.run', 'mysql-compat', run)
  const sides: Side[] = [
    { name: 'java', prefix: `dbzj${run}`, connector: `dbz-java-${run}` },
    { name: 'sluice', prefix: `dbzs${run}`, connector: `dbz-sluice-${run}` },
  ]
  let bootstrap = ''
  let pluginPath = ''

  before(async () => {
    if (cp.classpath === undefined) throw new Error(`cannot run the MySQL differential: ${cp.reason}`)
    if (cli === undefined) throw new Error('cannot run the MySQL differential: the sluice CLI is not built')
    bootstrap = ensureBroker()
    const db = ensureMariaDb()
    pluginPath = debeziumPluginPath()
    await createTypeDatabase(db, database)
    for (const [i, side] of sides.entries()) {
      const connector = {
        name: side.connector,
        'connector.class': 'io.debezium.connector.mysql.MySqlConnector',
        'database.hostname': db.host,
        'database.port': String(db.port),
        'database.user': db.cdc.user,
        'database.password': db.cdc.password,
        'database.server.id': String(5500 + i),
        'topic.prefix': side.prefix,
        'database.include.list': database,
        'schema.history.internal.kafka.bootstrap.servers': bootstrap,
        'schema.history.internal.kafka.topic': `${side.prefix}-history`,
      }
      const port = await freePort()
      const dir = path.join(base, side.name)
      side.config = connector
      side.dir = dir
      side.worker =
        side.name === 'java'
          ? startJavaDebezium({ bootstrap, dir, port, classpath: cp.classpath, pluginPath, connector })
          : startSluiceStandalone({ bootstrap, dir, port, cli, connector })
    }
    await Promise.all(sides.map((s) => waitRunning(s.worker as WorkerProcess, s.connector, 180_000)))
    // Both snapshots must be complete before the binlog moves, so that they read the same position.
    const rowsInSnapshot = 27
    await Promise.all(
      sides.map((s) =>
        pollUntil(`${s.name} snapshot`, 120_000, async () => {
          const counts = await Promise.all(
            TYPE_TABLE_NAMES.filter((t) => t !== 'empty_t').map(
              async (t) =>
                (await readTopic(bootstrap, `${s.prefix}.${database}.${t}`, { idleMs: 1500 })).length,
            ),
          )
          return counts.reduce((a, b) => a + b, 0) >= rowsInSnapshot ? true : undefined
        }),
      ),
    )
    await runSteps(db, database, STREAM_STEPS)
  })

  after(async () => {
    await Promise.all(sides.map((s) => s.worker?.stop()))
    await Promise.all(handoffWorkers.map((w) => w.stop()))
  })
  const handoffWorkers: WorkerProcess[] = []

  async function both(
    topicOf: (prefix: string) => string,
    expectAtLeast: number,
  ): Promise<[TopicRecord[], TopicRecord[]]> {
    const read = async (s: Side): Promise<TopicRecord[]> =>
      pollUntil(`${s.name} ${topicOf(s.prefix)}`, 90_000, async () => {
        const r = await readTopic(bootstrap, topicOf(s.prefix), { idleMs: 2500 })
        return r.length >= expectAtLeast ? r : undefined
      })
    const [j, s] = await Promise.all([read(sides[0] as Side), read(sides[1] as Side)])
    return [j, s]
  }

  function compare(
    kind: 'data' | 'schema' | 'history',
    topic: string,
    java: TopicRecord[],
    sluice: TopicRecord[],
  ): string[] {
    const [pj, ps] = [sides[0] as Side, sides[1] as Side]
    const problems: string[] = []
    if (java.length !== sluice.length)
      problems.push(`${topic}: ${java.length} records from Debezium, ${sluice.length} from Sluice`)
    for (let i = 0; i < Math.min(java.length, sluice.length); i++) {
      const a = java[i] as TopicRecord
      const b = sluice[i] as TopicRecord
      const va = parse(a.value, pj.prefix) as {
        payload?: { op?: string; source?: { snapshot?: string } }
        position?: { snapshot?: boolean }
      } | null
      const snap =
        kind === 'history'
          ? (va as { position?: { snapshot?: boolean } } | null)?.position?.snapshot === true
          : va?.payload?.op === 'r' || (va?.payload?.source?.snapshot ?? 'false') !== 'false'
      const pairs: Array<[string, unknown, unknown]> = [
        ['key', normalize(parse(a.key, pj.prefix), snap), normalize(parse(b.key, ps.prefix), snap)],
        ['value', normalize(va, snap), normalize(parse(b.value, ps.prefix), snap)],
        [
          'headers',
          normalize(JSON.parse(JSON.stringify(a.headers).split(pj.prefix).join('<prefix>')), snap),
          normalize(JSON.parse(JSON.stringify(b.headers).split(ps.prefix).join('<prefix>')), snap),
        ],
      ]
      for (const [what, x, y] of pairs) {
        for (const p of diff(x, y)) {
          const listed = MYSQL_LISTED_DIFFERENCES.find(
            (d) => d.topic === kind && what === 'value' && d.path.test(p),
          )
          if (listed === undefined)
            problems.push(
              `${topic}[${i}] ${what} ${p}: Debezium ${JSON.stringify(pick(x, p))} vs Sluice ${JSON.stringify(pick(y, p))}`,
            )
        }
      }
    }
    return problems
  }

  it('writes the same data records per table (snapshot, streaming, ALTER mid-stream)', async () => {
    const problems: string[] = []
    const expected: Record<string, number> = {
      ints: 7,
      cpk: 5,
      nopk: 4,
      strs: 6,
      decs: 10,
      empty_t: 1,
      times: 5,
      geoms: 6,
    }
    for (const t of TYPE_TABLE_NAMES) {
      const [j, s] = await both((p) => `${p}.${database}.${t}`, expected[t] ?? 3)
      problems.push(...compare('data', t, j, s))
    }
    assert.deepEqual(problems, [], problems.join('\n'))
  })

  it('writes the same schema change records', async () => {
    const [j, s] = await both((p) => p, 26)
    const problems = compare('schema', 'schema-change topic', j, s)
    assert.deepEqual(problems, [], problems.join('\n'))
  })

  it("continues from Debezium's offsets file, then from its own", async () => {
    const java = sides[0] as Side
    const topic = `${java.prefix}.${database}.ints`
    const db = ensureMariaDb()
    const ops = async (from: number, n: number): Promise<string[]> => {
      const r = await pollUntil(`${n} more records on ${topic}`, 120_000, async () => {
        const all = await readTopic(bootstrap, topic, { idleMs: 2500 })
        return all.length >= from + n ? all : undefined
      })
      return r.slice(from).map((x) => {
        const v = x.value === null ? null : JSON.parse(x.value)
        const id = JSON.parse(x.key ?? 'null')?.payload?.id
        return v === null ? `tombstone ${id}` : `${v.payload.op} ${id}`
      })
    }
    // Debezium stops (committing its offsets); Sluice takes over the same connector, offsets file and topics.
    await java.worker?.stop()
    const start = (await readTopic(bootstrap, topic, { idleMs: 2000 })).length
    await runSteps(db, database, ['INSERT INTO ints (id) VALUES (10)', 'UPDATE ints SET t = 1 WHERE id = 10'])
    const offsetsFile = path.join(java.dir as string, 'connect.offsets')
    // Sluice running the Java side's connector (same name, prefix and offsets file).
    const takeOver = async (): Promise<WorkerProcess> =>
      startSluiceStandalone({
        bootstrap,
        dir: path.join(base, 'handoff-sluice'),
        port: await freePort(),
        cli: cli as string,
        connector: java.config as Record<string, string>,
        offsetsFile,
      })
    const sl = await takeOver()
    handoffWorkers.push(sl)
    await waitRunning(sl, java.connector)
    assert.deepEqual(
      await ops(start, 2),
      ['c 10', 'u 10'],
      'Sluice resumes where Debezium stopped: no snapshot, no gap, no repeat',
    )
    await runSteps(db, database, ['INSERT INTO ints (id) VALUES (11)'])
    assert.deepEqual(await ops(start + 2, 1), ['c 11'])
    await new Promise((r) => setTimeout(r, 2500)) // one offset flush interval and more
    await sl.stop()
    // And Sluice again, from the offsets it committed itself into the Java-format offsets file. (The way back
    // to Debezium needs Debezium in Java Connect 3.9, whose clients it can restart on:
    // mysql-debezium-resume.test.ts; see docs/adr/0017-mysql-cdc-source.md.)
    await runSteps(db, database, ['DELETE FROM ints WHERE id = 10'])
    const again = await takeOver()
    handoffWorkers.push(again)
    await waitRunning(again, java.connector)
    assert.deepEqual(await ops(start + 3, 2), ['d 10', 'tombstone 10'], 'Sluice resumes from its own offsets')
    const extra = (await readTopic(bootstrap, topic, { idleMs: 3000 })).length - (start + 5)
    assert.equal(extra, 0, 'no record repeated after the restart')
  })

  it('writes the same schema history records', async () => {
    const [j, s] = await both((p) => `${p}-history`, 26)
    const problems = compare('history', 'history topic', j, s)
    assert.deepEqual(problems, [], problems.join('\n'))
  })
})

function pick(v: unknown, p: string): unknown {
  const parts = p.replace(/^\$/, '').match(/\.[^.[{]+|\[\d+\]/g) ?? []
  let cur: unknown = v
  for (const part of parts) {
    if (cur === null || typeof cur !== 'object') return cur
    cur = part.startsWith('[')
      ? (cur as unknown[])[Number(part.slice(1, -1))]
      : (cur as Record<string, unknown>)[part.slice(1)]
  }
  return typeof cur === 'string' && cur.length > 200 ? `${cur.slice(0, 200)}…` : cur
}
