import { spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import mysql from 'mysql2/promise'
import type { RunMetrics, ScenarioResult } from '../model.js'
import { memory, sleep } from '../proc.js'
import { Topics } from '../topics.js'
import { type Runtime, startWorker } from '../workers.js'
import { type Context, metrics, summaryOf } from './common.js'

/**
 * MySQL CDC: Sluice's MySqlConnector vs Debezium 2.7.4 in Java Kafka Connect 4.4 on the same MariaDB and
 * broker, one side after the other, each on a database of its own. Measures snapshot rows/s (connector
 * creation → last snapshot record in Kafka), streaming changes/s (resume of the paused connector → last
 * change in Kafka, for changes written in bulk transactions while it was paused), worker CPU seconds per change while streaming and the
 * worker's peak RSS. Part of `npm run bench` (group `mysql`: scenarios `mysql-snapshot` and
 * `mysql-streaming` per side), or alone: `node benchmarks/dist/src/scenarios/mysql-cdc.js [snapshotRows]
 * [changes]` (env: SLUICE_BENCH_MYSQL_SIDES, SLUICE_BENCH_NODE_FLAGS, SLUICE_BENCH_MYSQL_PROPS).
 */
// This file compiles to benchmarks/dist/src/scenarios/.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..')

interface Result {
  side: Runtime
  snapshotRows: number
  snapshotSeconds: number
  snapshotRowsPerSec: number
  changes: number
  streamSeconds: number
  changesPerSec: number
  cpuMsPerThousandChanges: number
  peakRssMiB: number
  /** Raw figures for the bench report. */
  snapshotCpuSeconds: number
  snapshotPeakRssBytes: number
  streamCpuSeconds: number
  peakRssBytes: number
}

function script(args: string[], pattern: RegExp): string {
  const r = spawnSync(process.execPath, args, {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const m = pattern.exec(r.stdout ?? '')
  if (r.status !== 0 || m === null) throw new Error(`${args.join(' ')} failed: ${r.stdout}`)
  return m[1] as string
}

async function waitCount(topics: Topics, topic: string, target: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    let n = 0
    try {
      n = await topics.count(topic)
    } catch {
      // The topic does not exist yet.
    }
    if (n >= target) return performance.now()
    if (Date.now() > deadline) throw new Error(`${topic}: ${n} of ${target} records after ${timeoutMs} ms`)
    await sleep(50)
  }
}

async function fill(c: mysql.Connection, table: string, from: number, count: number): Promise<void> {
  const batch = 1000
  for (let i = from; i < from + count; i += batch) {
    const rows: string[] = []
    for (let j = i; j < Math.min(i + batch, from + count); j++)
      rows.push(
        `(${j},'name-${j}-${'x'.repeat(32)}',${j % 1000},'2024-01-02 03:04:05.678',${(j % 100000) / 100})`,
      )
    await c.query(`INSERT INTO ${table} VALUES ${rows.join(',')}`)
  }
}

/** Extra connector keys from SLUICE_BENCH_MYSQL_PROPS (`k=v,k=v`), for A/B runs of one setting. */
function connectorExtraProps(): Record<string, string> {
  const out: Record<string, string> = {}
  for (const pair of (process.env.SLUICE_BENCH_MYSQL_PROPS ?? '').split(',')) {
    const i = pair.indexOf('=')
    if (i > 0) out[pair.slice(0, i).trim()] = pair.slice(i + 1).trim()
  }
  return out
}

async function runSide(
  side: Runtime,
  opts: {
    bootstrap: string
    host: string
    port: number
    pluginPath: string
    snapshotRows: number
    changes: number
    nodeFlags?: readonly string[]
  },
): Promise<Result> {
  const run = randomUUID().slice(0, 6)
  const database = `bench_${side}_${run}`
  const prefix = `bench${side[0]}${run}`
  const admin = await mysql.createConnection({
    host: opts.host,
    port: opts.port,
    user: 'sluice',
    password: 'sluice',
  })
  await admin.query(`CREATE DATABASE ${database}`)
  const table = `${database}.rows_t`
  await admin.query(
    `CREATE TABLE ${table} (id INT PRIMARY KEY, name VARCHAR(64), n INT, ts DATETIME(3), amount DECIMAL(10,2))`,
  )
  await fill(admin, table, 0, opts.snapshotRows)
  const topics = new Topics(opts.bootstrap)
  const dir = path.join(root, '.run', 'bench-mysql', `${side}-${run}`)
  const worker = await startWorker({
    runtime: side,
    dir,
    bootstrap: opts.bootstrap,
    ...(side === 'sluice' && opts.nodeFlags !== undefined ? { nodeFlags: opts.nodeFlags } : {}),
    ...(side === 'java'
      ? { extraProps: { 'plugin.path': opts.pluginPath, 'plugin.discovery': 'hybrid_warn' } }
      : {}),
  })
  try {
    const topic = `${prefix}.${database}.rows_t`
    const t0 = performance.now()
    await worker.createConnector(`bench-${prefix}`, {
      'connector.class': 'io.debezium.connector.mysql.MySqlConnector',
      'database.hostname': opts.host,
      'database.port': String(opts.port),
      'database.user': 'debezium',
      'database.password': 'dbz',
      'database.server.id': String(5700 + (side === 'java' ? 1 : 2)),
      'topic.prefix': prefix,
      'database.include.list': database,
      'schema.history.internal.kafka.bootstrap.servers': opts.bootstrap,
      'schema.history.internal.kafka.topic': `${prefix}-history`,
      'tombstones.on.delete': 'false',
      ...connectorExtraProps(),
    })
    const tSnap = await waitCount(topics, topic, opts.snapshotRows, 600_000)
    const snapshotCpu = worker.cpuSeconds()
    const snapshotPeak = Math.max(worker.peakRssBytes(), memory(worker.child.pid)?.peak ?? 0)
    await sleep(2000) // let the connector settle into streaming before the timed window
    // The changes are written while the connector is paused, so that the timed window measures the
    // connector draining the binlog, not the database's insert rate.
    const name = `bench-${prefix}`
    const paused = await fetch(`${worker.url}/connectors/${name}/pause`, { method: 'PUT' })
    if (paused.status !== 202) throw new Error(`${side}: pause answered ${paused.status}`)
    await sleep(1500)
    await fill(admin, table, opts.snapshotRows, opts.changes)
    const cpu0 = worker.cpuSeconds()
    const tw = performance.now()
    const resumed = await fetch(`${worker.url}/connectors/${name}/resume`, { method: 'PUT' })
    if (resumed.status !== 202) throw new Error(`${side}: resume answered ${resumed.status}`)
    const tDone = await waitCount(topics, topic, opts.snapshotRows + opts.changes, 600_000)
    const cpu1 = worker.cpuSeconds()
    const peak = Math.max(worker.peakRssBytes(), memory(worker.child.pid)?.peak ?? 0)
    return {
      side,
      snapshotRows: opts.snapshotRows,
      snapshotSeconds: (tSnap - t0) / 1000,
      snapshotRowsPerSec: Math.round(opts.snapshotRows / ((tSnap - t0) / 1000)),
      changes: opts.changes,
      streamSeconds: (tDone - tw) / 1000,
      changesPerSec: Math.round(opts.changes / ((tDone - tw) / 1000)),
      // CPU seconds × 1000 (ms) × 1000 (per thousand changes).
      cpuMsPerThousandChanges: Math.round(((cpu1 - cpu0) * 1e6) / opts.changes),
      peakRssMiB: Math.round(peak / 1048576),
      snapshotCpuSeconds: snapshotCpu,
      snapshotPeakRssBytes: snapshotPeak,
      streamCpuSeconds: cpu1 - cpu0,
      peakRssBytes: peak,
    }
  } finally {
    await worker.stop()
    await admin.query(`DROP DATABASE ${database}`)
    await admin.end()
    await topics.close()
  }
}

function mariaDb(): { host: string; port: number; pluginPath: string } {
  const [host, port] = script(['scripts/mariadb.mjs', 'start'], /MariaDB on (\S+)/).split(':')
  const pluginPath = script(['scripts/mariadb.mjs', 'debezium'], /Debezium plugin path (\S+)/)
  return { host: host as string, port: Number(port), pluginPath }
}

const SNAPSHOT_TITLE = 'MySQL CDC snapshot, rows/s (Debezium 2.7.4 vs Sluice)'
const STREAM_TITLE = 'MySQL CDC streaming, changes/s (Debezium 2.7.4 vs Sluice)'

/**
 * The bench group `mysql`: `ctx.sizes.sink / 40` snapshot rows and `/ 20` changes (50 000 and 100 000 in
 * a full run), `ctx.sizes.reps` runs per side, sides taking turns. No warm-up runs: every run starts a
 * fresh worker, database and connector, as a user's first start would. Snapshot figures: connector
 * creation → last snapshot row in Kafka (worker CPU over that span, start-up included); streaming:
 * resume → last change. Record sizes are not fixed here, so MiB/s is reported as 0.
 */
export async function mysqlCdcScenarios(ctx: Context, sides: readonly Runtime[]): Promise<ScenarioResult[]> {
  const snapshotRows = Math.max(500, Math.round(ctx.sizes.sink / 40))
  const changes = Math.max(1000, Math.round(ctx.sizes.sink / 20))
  const results: ScenarioResult[] = []
  const result = (id: string, title: string, side: Runtime): ScenarioResult => {
    let r = results.find((x) => x.id === id && x.side === side)
    if (r === undefined) {
      r = { id, group: 'mysql', title, side, params: { snapshotRows, changes }, warmups: [], runs: [] }
      results.push(r)
    }
    return r
  }
  let db: ReturnType<typeof mariaDb>
  try {
    db = mariaDb()
  } catch (err) {
    for (const side of sides) {
      result('mysql-snapshot', SNAPSHOT_TITLE, side).error = (err as Error).message
      result('mysql-streaming', STREAM_TITLE, side).error = (err as Error).message
    }
    return results
  }
  for (let rep = 1; rep <= ctx.sizes.reps; rep++) {
    for (const side of sides) {
      const snap = result('mysql-snapshot', SNAPSHOT_TITLE, side)
      const stream = result('mysql-streaming', STREAM_TITLE, side)
      if (snap.error !== undefined) continue
      ctx.log(`mysql-cdc [${side}] rep-${rep}: ${snapshotRows} snapshot rows, ${changes} changes`)
      try {
        const r = await runSide(side, {
          bootstrap: ctx.bootstrap,
          host: db.host,
          port: db.port,
          pluginPath: db.pluginPath,
          snapshotRows,
          changes,
        })
        const snapM: RunMetrics = metrics({
          records: snapshotRows,
          complete: true,
          seconds: r.snapshotSeconds,
          recordsPerSec: r.snapshotRowsPerSec,
          recordSize: 0,
          cpuSeconds: r.snapshotCpuSeconds,
          cpuRecords: snapshotRows,
          peakRssBytes: r.snapshotPeakRssBytes,
        })
        const streamM: RunMetrics = metrics({
          records: changes,
          complete: true,
          seconds: r.streamSeconds,
          recordsPerSec: r.changesPerSec,
          recordSize: 0,
          cpuSeconds: r.streamCpuSeconds,
          cpuRecords: changes,
          peakRssBytes: r.peakRssBytes,
        })
        snap.runs.push(snapM)
        stream.runs.push(streamM)
        ctx.log(
          `  snapshot ${r.snapshotRowsPerSec} rows/s; streaming ${r.changesPerSec} changes/s, ` +
            `${streamM.cpuSecPerMillion} CPU s/M changes, ${r.peakRssMiB} MiB peak RSS`,
        )
      } catch (err) {
        snap.error = (err as Error).message
        stream.error = (err as Error).message
        ctx.log(`  failed: ${(err as Error).message}`)
      }
    }
  }
  for (const r of results) if (r.runs.length > 0) r.summary = summaryOf(r.runs)
  return results
}

async function main(): Promise<void> {
  const snapshotRows = Number(process.argv[2] ?? 50_000)
  const changes = Number(process.argv[3] ?? 50_000)
  const bootstrap = process.env.KAFKA_BOOTSTRAP_SERVERS ?? '127.0.0.1:9092'
  const { host, port, pluginPath } = mariaDb()
  // SLUICE_BENCH_MYSQL_SIDES=sluice runs one side (profiling); SLUICE_BENCH_NODE_FLAGS adds Node flags
  // (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) to the Sluice worker.
  const sides = (process.env.SLUICE_BENCH_MYSQL_SIDES ?? 'java,sluice')
    .split(',')
    .filter((x): x is Runtime => x === 'java' || x === 'sluice')
  const nodeFlags = (process.env.SLUICE_BENCH_NODE_FLAGS ?? '').split(' ').filter((f) => f !== '')
  const results: Result[] = []
  for (const side of sides) {
    const r = await runSide(side, {
      bootstrap,
      host,
      port,
      pluginPath,
      snapshotRows,
      changes,
      nodeFlags,
    })
    console.log(JSON.stringify(r))
    results.push(r)
  }
  const file = path.join(
    root,
    'benchmarks',
    'results',
    `mysql-cdc-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
  )
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`)
  console.log(`results in ${file}`)
}

// Run directly (not imported by the bench): the standalone comparison.
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err)
      process.exit(1)
    },
  )
