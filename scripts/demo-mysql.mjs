#!/usr/bin/env node
// `npm run demo:mysql`: the seed pipeline's source. Starts the local broker and the project's MariaDB
// (installed from Debian when missing), runs `sluice standalone` with the seed's Debezium MySQL config
// verbatim (host, port and broker changed) plus a FileStreamSink that unwraps the change events with
// Debezium's ExtractNewRecordState, updates a row and shows it arriving. `--once` stops at the end.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { start as startBroker } from './lib/kafka-broker.mjs'
import { rootSql, start as startMariaDb } from './lib/mariadb-server.mjs'
import { root, runDir } from './lib/paths.mjs'
import { log } from './lib/proc.mjs'
import { setup } from './setup.mjs'

const { values: opts } = parseArgs({ options: { once: { type: 'boolean', default: false } } })
const dir = path.join(runDir, 'demo-mysql')
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const props = (file, p) =>
  writeFileSync(
    file,
    `${Object.entries(p)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n')}\n`,
  )

function lines(file) {
  return existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
    : []
}

async function waitFor(file, pred, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (pred(lines(file))) return true
    await sleep(250)
  }
  return false
}

async function main() {
  await setup()
  const broker = await startBroker()
  const db = await startMariaDb()
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const sink = path.join(dir, 'customers.jsonl')
  props(path.join(dir, 'worker.properties'), {
    'bootstrap.servers': broker.bootstrap,
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'offset.storage.file.filename': path.join(dir, 'connect.offsets'),
    'offset.flush.interval.ms': '1000',
    listeners: 'http://127.0.0.1:18093',
  })
  // The seed config of issue 12, verbatim apart from host, port and the broker address.
  props(path.join(dir, 'mysql-source.properties'), {
    name: 'mysql-source',
    'connector.class': 'io.debezium.connector.mysql.MySqlConnector',
    'database.hostname': db.host,
    'database.port': String(db.port),
    'database.user': 'user',
    'database.password': 'pass',
    'database.server.id': '184054',
    'database.server.name': 'dbserver1',
    'table.include.list': 'inventory.customers',
    'database.history.kafka.bootstrap.servers': broker.bootstrap,
    'database.history.kafka.topic': 'db-history',
  })
  props(path.join(dir, 'file-sink.properties'), {
    name: 'customers-file-sink',
    'connector.class': 'FileStreamSink',
    topics: 'dbserver1.inventory.customers',
    file: sink,
    transforms: 'unwrap',
    'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState',
    'transforms.unwrap.add.fields': 'op,table',
  })
  const logFile = path.join(dir, 'sluice.log')
  const out = openSync(logFile, 'a')
  const files = ['worker.properties', 'mysql-source.properties', 'file-sink.properties'].map((f) =>
    path.join(dir, f),
  )
  const worker = spawn(
    process.execPath,
    [path.join(root, 'packages/cli/dist/src/main.js'), 'standalone', ...files],
    {
      stdio: ['ignore', out, out],
      cwd: root,
    },
  )
  const stop = async () => {
    if (worker.exitCode === null) {
      worker.kill('SIGTERM')
      await new Promise((r) => worker.once('exit', r))
    }
  }
  process.on('SIGINT', () => stop().then(() => process.exit(0)))
  log(`sluice standalone: the Debezium MySQL source (seed config) → Kafka → ${sink}`)
  if (!(await waitFor(sink, (l) => l.length >= 4, 90_000)))
    throw new Error(`no snapshot rows in ${sink}; see ${logFile}`)
  for (const l of lines(sink)) console.log(`  snapshot: ${l}`)
  const email = `sally.${Date.now()}@acme.com`
  rootSql(`UPDATE inventory.customers SET email='${email}' WHERE id=1001`)
  log(`UPDATE inventory.customers SET email='${email}' WHERE id=1001`)
  if (!(await waitFor(sink, (l) => l.some((x) => x.includes(email)), 60_000)))
    throw new Error(`the update did not arrive; see ${logFile}`)
  console.log(`  streamed: ${lines(sink).find((x) => x.includes(email))}`)
  log(
    `The worker log is ${logFile}. ${opts.once ? '' : 'Change inventory.customers (npm run mariadb -- sql "…") and watch the file; Ctrl-C stops.'}`,
  )
  if (opts.once) await stop()
  else await new Promise((r) => worker.once('exit', r))
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`[sluice] ${err.message}`)
    process.exit(1)
  },
)
