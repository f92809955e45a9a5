// One local Apache Kafka broker in KRaft combined mode (broker + controller), run from the Maven jars.
// Start is idempotent: a live broker we started is reused, a stale pid file is cleaned up, and a broker
// killed with -9 recovers its log on the next start. Readiness means the broker answers requests.
import { spawn } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import {
  classpath,
  JVM_PERFORMANCE_OPTS,
  KAFKA_VERSION,
  resolveKafka,
  writeLog4jConfig,
} from './kafka-dist.mjs'
import { probeBroker, probeCluster } from './kafka-probe.mjs'
import { runDir } from './paths.mjs'
import { log, run } from './proc.mjs'
import { acquireLock, isAlive, sleep, terminate } from './process-lock.mjs'

// The fixed cluster id Apache's own 4.x Docker image uses; any 22-character base64url UUID works.
const CLUSTER_ID = '5L6g3nShT-eMCtK--X86sw'

export const HOST = '127.0.0.1'

export function brokerPaths(port = defaultPort()) {
  // One state folder per port so several brokers (tests of this command) never share files.
  const dir = port === 9092 ? path.join(runDir, 'kafka') : path.join(runDir, `kafka-${port}`)
  return {
    dir,
    data: path.join(dir, 'data'),
    logs: path.join(dir, 'logs'),
    serverLog: path.join(dir, 'logs', 'server.log'),
    pidFile: path.join(dir, 'broker.pid'),
    properties: path.join(dir, 'server.properties'),
    log4j: path.join(dir, 'log4j2.properties'),
    toolsLog4j: path.join(dir, 'tools-log4j2.properties'),
  }
}

export function defaultPort() {
  return Number(process.env.SLUICE_KAFKA_PORT ?? 9092)
}

function readPid(p) {
  if (!existsSync(p.pidFile)) return null
  const pid = Number(readFileSync(p.pidFile, 'utf8').trim())
  return Number.isInteger(pid) && pid > 0 ? pid : null
}

/**
 * Test-only credentials of the optional SASL_PLAINTEXT listener (`saslPort`): mechanism PLAIN, user
 * `sluice` / `sluice-secret`. Only a private test broker (never the shared one) gets this listener.
 */
export const SASL_TEST_USER = { username: 'sluice', password: 'sluice-secret' }

function serverProperties(p, port, controllerPort, saslPort) {
  const sasl = saslPort !== undefined
  const listeners = [`PLAINTEXT://${HOST}:${port}`, ...(sasl ? [`SASL_PLAINTEXT://${HOST}:${saslPort}`] : [])]
  return `${[
    '# Written by scripts/lib/kafka-broker.mjs: one combined broker+controller for local tests.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${HOST}:${controllerPort}`,
    `listeners=${listeners.join(',')},CONTROLLER://${HOST}:${controllerPort}`,
    `advertised.listeners=${listeners.join(',')}`,
    'inter.broker.listener.name=PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    `listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT${sasl ? ',SASL_PLAINTEXT:SASL_PLAINTEXT' : ''}`,
    ...(sasl
      ? [
          'sasl.enabled.mechanisms=PLAIN',
          `listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_${SASL_TEST_USER.username}="${SASL_TEST_USER.password}";`,
        ]
      : []),
    `log.dirs=${p.data}`,
    'num.partitions=1',
    'num.network.threads=3',
    'num.io.threads=8',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=10',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=true',
    'delete.topic.enable=true',
    'log.retention.hours=168',
  ].join('\n')}\n`
}

/** `{ state: 'running'|'stopped'|'unresponsive'|'foreign', pid?, port, detail }` for the local broker. */
export async function status(port = defaultPort()) {
  const p = brokerPaths(port)
  const pid = readPid(p)
  const alive = pid !== null && isAlive(pid)
  let answer = null
  let reason = null
  try {
    answer = await probeBroker(HOST, port, { timeoutMs: 3000 })
  } catch (err) {
    reason = err.message
  }
  if (alive && answer) return { state: 'running', pid, port, detail: answer }
  if (alive) return { state: 'unresponsive', pid, port, detail: reason }
  if (answer) return { state: 'foreign', port, detail: answer }
  return { state: 'stopped', port, detail: pid !== null ? `stale pid file (pid ${pid} is gone)` : reason }
}

/** The last `lines` lines of the broker log (for failure reports). */
export function logTail(port = defaultPort(), lines = 40) {
  const p = brokerPaths(port)
  if (!existsSync(p.serverLog)) return `(no broker log at ${p.serverLog})`
  return readFileSync(p.serverLog, 'utf8')
    .split('\n')
    .slice(-lines - 1)
    .join('\n')
}

async function waitReady(port, pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  let last = 'not probed yet'
  while (Date.now() < deadline) {
    if (!isAlive(pid)) throw new Error(`the broker process (pid ${pid}) exited during start-up`)
    try {
      return await probeBroker(HOST, port, { timeoutMs: 2000 })
    } catch (err) {
      last = err.message
    }
    await sleep(250)
  }
  throw new Error(`the broker did not answer requests within ${timeoutMs / 1000} s (last: ${last})`)
}

/**
 * Starts the broker unless it already runs; resolves with `{ started, pid, port, readyMs }`.
 * With `KAFKA_BOOTSTRAP_SERVERS` set it only checks that cluster is reachable.
 */
export async function start({
  port = defaultPort(),
  controllerPort = port + 1,
  timeoutMs = 90_000,
  saslPort = undefined,
} = {}) {
  if (process.env.KAFKA_BOOTSTRAP_SERVERS) {
    const md = await probeCluster(process.env.KAFKA_BOOTSTRAP_SERVERS)
    return { started: false, external: true, bootstrap: process.env.KAFKA_BOOTSTRAP_SERVERS, detail: md }
  }
  // Test files run in parallel and each may ask for the broker: one start at a time per port.
  const release = await acquireLock(
    path.join(brokerPaths(port).dir, 'start.lock'),
    timeoutMs,
    'starting the broker',
  )
  try {
    return await startLocked(port, controllerPort, timeoutMs, saslPort)
  } finally {
    release()
  }
}

async function startLocked(port, controllerPort, timeoutMs, saslPort) {
  const p = brokerPaths(port)
  const st = await status(port)
  if (st.state === 'running') return { started: false, pid: st.pid, port, bootstrap: `${HOST}:${port}` }
  if (st.state === 'foreign') {
    // Something we did not start already answers as a broker here; use it rather than fight over the port.
    return { started: false, foreign: true, port, bootstrap: `${HOST}:${port}` }
  }
  if (st.state === 'unresponsive') {
    // A broker we started is still coming up (or hung): give it the start timeout before giving up.
    await waitReady(port, st.pid, timeoutMs)
    return { started: false, pid: st.pid, port, bootstrap: `${HOST}:${port}` }
  }
  rmSync(p.pidFile, { force: true })

  await resolveKafka()
  mkdirSync(p.logs, { recursive: true })
  writeFileSync(p.properties, serverProperties(p, port, controllerPort, saslPort))
  writeLog4jConfig(p.log4j, {
    quiet: [
      'kafka.request.logger',
      'state.change.logger',
      'kafka.controller',
      'org.apache.kafka.clients',
      'kafka.log.LogCleaner',
    ],
  })
  writeLog4jConfig(p.toolsLog4j, { level: 'WARN' })

  const t0 = Date.now()
  if (!existsSync(path.join(p.data, 'meta.properties'))) {
    rmSync(p.data, { recursive: true, force: true })
    await run(
      'java',
      [
        `-Dlog4j2.configurationFile=${p.toolsLog4j}`,
        '-cp',
        classpath(),
        'kafka.tools.StorageTool',
        'format',
        '--ignore-formatted',
        '-t',
        CLUSTER_ID,
        '-c',
        p.properties,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    )
  }
  const heap = (process.env.KAFKA_HEAP_OPTS ?? '-Xms1g -Xmx1g').split(/\s+/).filter(Boolean)
  const out = openSync(p.serverLog, 'a')
  const child = spawn(
    'java',
    [
      ...heap,
      ...JVM_PERFORMANCE_OPTS,
      `-Dkafka.logs.dir=${p.logs}`,
      `-Dlog4j2.configurationFile=${p.log4j}`,
      '-cp',
      classpath(),
      'kafka.Kafka',
      p.properties,
    ],
    { detached: true, stdio: ['ignore', out, out] },
  )
  closeSync(out)
  child.unref()
  writeFileSync(p.pidFile, `${child.pid}\n`)
  try {
    await waitReady(port, child.pid, timeoutMs)
  } catch (err) {
    if (isAlive(child.pid)) process.kill(child.pid, 'SIGKILL')
    rmSync(p.pidFile, { force: true })
    err.message += `\n--- last lines of ${p.serverLog} ---\n${logTail(port)}`
    throw err
  }
  return { started: true, pid: child.pid, port, bootstrap: `${HOST}:${port}`, readyMs: Date.now() - t0 }
}

/** Stops the broker we started: SIGTERM (controlled shutdown), then SIGKILL after `timeoutMs`. */
export async function stop({ port = defaultPort(), timeoutMs = 30_000 } = {}) {
  const p = brokerPaths(port)
  const pid = readPid(p)
  if (pid === null || !isAlive(pid)) {
    rmSync(p.pidFile, { force: true })
    return { stopped: false }
  }
  const forced = await terminate(pid, timeoutMs)
  if (forced) log(`broker pid ${pid} did not stop within ${timeoutMs / 1000} s; killed it`)
  rmSync(p.pidFile, { force: true })
  return { stopped: true, pid, forced }
}

/** Deletes the broker's data (it must be stopped), for a clean slate. */
export function wipe(port = defaultPort()) {
  const p = brokerPaths(port)
  const pid = readPid(p)
  if (pid !== null && isAlive(pid)) throw new Error('stop the broker before wiping its data')
  rmSync(p.dir, { recursive: true, force: true })
}

export { KAFKA_VERSION }
