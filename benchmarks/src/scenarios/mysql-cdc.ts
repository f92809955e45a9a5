import { spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import mysql from 'mysql2/promise'
import { memory, sleep } from '../proc.js'
import { Topics } from '../topics.js'
import { type Runtime, startWorker } from '../workers.js'

/**
 * MySQL CDC: Sluice's MySqlConnector vs Debezium 2.7.4 in Java Kafka Connect 4.4 on the same MariaDB and
 * broker, one side after the other, each on a database of its own. Measures snapshot rows/s (connector
 * creation → last snapshot record in Kafka), streaming changes/s (resume of the paused connector → last
 * change in Kafka, for changes written in bulk transactions while it was paused), worker CPU seconds per change while streaming and the
 * worker's peak RSS. Run: `node benchmarks/dist/src/scenarios/mysql-cdc.js [snapshotRows] [changes]`.
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
    }
  } finally {
    await worker.stop()
    await admin.query(`DROP DATABASE ${database}`)
    await admin.end()
    await topics.close()
  }
}

async function main(): Promise<void> {
  const snapshotRows = Number(process.argv[2] ?? 50_000)
  const changes = Number(process.argv[3] ?? 50_000)
  const bootstrap = process.env.KAFKA_BOOTSTRAP_SERVERS ?? '127.0.0.1:9092'
  const [host, port] = script(['scripts/mariadb.mjs', 'start'], /MariaDB on (\S+)/).split(':')
  const pluginPath = script(['scripts/mariadb.mjs', 'debezium'], /Debezium plugin path (\S+)/)
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
      host: host as string,
      port: Number(port),
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

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err)
    process.exit(1)
  },
)
