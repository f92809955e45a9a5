#!/usr/bin/env node
// `npm run demo`: installs what is missing, starts the local broker, runs `sluice standalone` with Kafka's
// own quickstart files on a sample file, appends lines while it runs and shows them arriving in the sink
// file, then says what to try next. The worker keeps running until Ctrl-C (`--once` stops it at the end).
// SLUICE_KAFKA_PORT picks the broker's port (a brand-new broker works too), SLUICE_REST_PORT the worker's
// REST port (default 8083, as in Kafka's quickstart).
import { spawn } from 'node:child_process'
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { brokerPaths, start as startBroker } from './lib/kafka-broker.mjs'
import { root, runDir } from './lib/paths.mjs'
import { log } from './lib/proc.mjs'
import { setup } from './setup.mjs'

const { values: opts } = parseArgs({ options: { once: { type: 'boolean', default: false } } })
const demoDir = path.join(runDir, 'demo')
const quickstart = path.join(root, 'examples', 'quickstart')
const FILES = [
  'connect-standalone.properties',
  'connect-file-source.properties',
  'connect-file-sink.properties',
]
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
// The demo's own settings (not build inputs): the broker port (also read by lib/kafka-broker.mjs) and the
// worker's REST port.
const { SLUICE_KAFKA_PORT: kafkaPort, SLUICE_REST_PORT: restPort } = process.env
// Paths inside the checkout are shown relative to it; others (SLUICE_RUN_DIR elsewhere) in full.
const shown = (p) => (path.relative(root, p).startsWith('..') ? p : path.relative(root, p))

function sluiceBin() {
  const manifest = JSON.parse(readFileSync(path.join(root, 'packages', 'cli', 'package.json'), 'utf8'))
  return path.join(root, 'packages', 'cli', manifest.bin.sluice)
}

function sinkLines(file) {
  return existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
    : []
}

async function waitForLines(file, count, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (sinkLines(file).length >= count) return true
    await sleep(200)
  }
  return false
}

/**
 * Runs an admin call, retrying while the group coordinator is not ready: a brand-new broker creates
 * __consumer_offsets on the first group request and answers "Not coordinator" / "Coordinator not
 * available" / "load in progress" until it has (retriable errors in Kafka's protocol).
 */
async function retryingCoordinator(what, fn, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs
  for (let delay = 200; ; delay = Math.min(delay * 2, 2000)) {
    try {
      return await fn()
    } catch (err) {
      // Also librdkafka's local timeout: on a loaded machine a brand-new broker can take longer than one
      // request's 10 s to create __consumer_offsets.
      const retriable =
        /not coordinator|coordinator not available|coordinator load in progress|local: timed out/i.test(
          err.message,
        )
      if (!retriable || Date.now() + delay > deadline) throw new Error(`${what}: ${err.message}`)
      log(`${what}: ${err.message} (the broker is still electing its group coordinator; retrying)`)
      await sleep(delay)
    }
  }
}

async function resetQuickstartTopic(bootstrap) {
  // Built by setup above; imported late because the workspace may not be built before it.
  const { KafkaAdmin } = await import(
    pathToFileURL(path.join(root, 'packages', 'kafka', 'dist', 'src', 'index.js')).href
  )
  const admin = KafkaAdmin.create({ 'bootstrap.servers': bootstrap })
  try {
    if ((await admin.listTopics()).includes('connect-test')) {
      await admin.deleteTopic('connect-test')
      const deadline = Date.now() + 30_000
      while ((await admin.listTopics()).includes('connect-test') && Date.now() < deadline) await sleep(200)
    }
    await retryingCoordinator('resetting the sink group connect-local-file-sink', () =>
      admin.deleteGroupOffsets('connect-local-file-sink'),
    )
  } finally {
    admin.close()
  }
}

/** The REST address the worker logs once it has started ("REST API at <url>"), or undefined if it exits. */
async function waitForRestUrl(logFile, exited, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline && !exited()) {
    const m = existsSync(logFile) ? /REST API at (\S+)/.exec(readFileSync(logFile, 'utf8')) : null
    if (m) return m[1].endsWith('/') ? m[1] : `${m[1]}/`
    await sleep(200)
  }
  return undefined
}

async function main() {
  await setup()
  const broker = await startBroker()
  log(
    broker.external
      ? `using the cluster at ${broker.bootstrap}`
      : `Kafka is up on ${broker.bootstrap} (log: ${shown(brokerPaths().serverLog)})`,
  )

  // A fresh quickstart each time: the files exactly as Kafka ships them, except that the offsets file
  // lives in the demo folder so an earlier demo's offsets do not skip the new sample file; and the
  // quickstart's topic and sink group start empty, so only this demo's lines show up.
  await resetQuickstartTopic(broker.bootstrap)
  rmSync(demoDir, { recursive: true, force: true })
  mkdirSync(demoDir, { recursive: true })
  for (const f of FILES) copyFileSync(path.join(quickstart, f), path.join(demoDir, f))
  const workerProps = path.join(demoDir, FILES[0])
  writeFileSync(
    workerProps,
    readFileSync(workerProps, 'utf8')
      .replace(
        /^offset\.storage\.file\.filename=.*$/m,
        `offset.storage.file.filename=${path.join(demoDir, 'connect.offsets')}`,
      )
      .replace(/^bootstrap\.servers=.*$/m, `bootstrap.servers=${broker.bootstrap}`)
      .concat(restPort ? `\nlisteners=http://:${restPort}\n` : ''),
  )
  const source = path.join(demoDir, 'test.txt')
  const sink = path.join(demoDir, 'test.sink.txt')
  const sample = [
    'hello from Sluice',
    'this line went file → Kafka topic connect-test → file',
    '{"json": "is just text here"}',
  ]
  writeFileSync(source, `${sample.join('\n')}\n`)

  const logFile = path.join(demoDir, 'worker.log')
  const out = openSync(logFile, 'a')
  log(`starting: sluice standalone ${FILES.join(' ')}   (in ${shown(demoDir)}, log: worker.log)`)
  const worker = spawn(process.execPath, [sluiceBin(), 'standalone', ...FILES], {
    cwd: demoDir,
    stdio: ['ignore', out, out],
  })
  let exited = false
  worker.on('exit', () => {
    exited = true
  })
  const stop = async () => {
    if (!exited) {
      worker.kill('SIGTERM')
      await new Promise((r) => worker.once('exit', r))
    }
  }
  process.on('SIGINT', () => stop().then(() => process.exit(0)))

  const restUrl = await waitForRestUrl(logFile, () => exited, 90_000)
  if (restUrl === undefined) {
    await stop()
    throw new Error(
      `the worker did not start; see ${logFile}:\n${readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n')}`,
    )
  }
  if (!(await waitForLines(sink, sample.length, 90_000))) {
    await stop()
    throw new Error(`the sample lines did not reach ${sink}; see ${logFile}`)
  }
  console.log(`\n  ${sample.length} lines arrived in ${shown(sink)}:`)
  for (const l of sinkLines(sink)) console.log(`    ${l}`)

  // Lines appended while the worker runs are picked up as the source tails the file.
  for (let i = 1; i <= 5; i++) {
    appendFileSync(source, `appended line ${i} at ${new Date().toISOString()}\n`)
    await sleep(400)
  }
  if (!(await waitForLines(sink, sample.length + 5, 30_000))) {
    await stop()
    throw new Error(`appended lines did not reach ${sink}; see ${logFile}`)
  }
  console.log('\n  appended 5 lines while running; the sink file now ends with:')
  for (const l of sinkLines(sink).slice(-5)) console.log(`    ${l}`)

  const kafkaCmd = `${kafkaPort ? `SLUICE_KAFKA_PORT=${kafkaPort} ` : ''}npm run kafka --`
  console.log(`
  Sluice is running Kafka's quickstart. Try next:
    echo "another line" >> ${source}        # watch it arrive:  tail -f ${sink}
    curl -s '${restUrl}connectors?expand=status'  # the Kafka Connect REST API
    curl -s ${restUrl}connectors/local-file-source/offsets   # source offsets (KIP-875)
    ${kafkaCmd} logs   # the broker's log
  The worker log is ${logFile}. ${opts.once ? '' : `Ctrl-C stops the worker gracefully (the broker keeps running; ${kafkaCmd} stop).`}
`)
  if (opts.once) {
    await stop()
    return
  }
  await new Promise((r) => worker.once('exit', r))
}

main().catch((err) => {
  log(`demo failed: ${err.message}`)
  process.exit(1)
})
