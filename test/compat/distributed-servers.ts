import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, openSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { repoRoot, stopper, waitReady, writeProps } from './servers.js'

/**
 * Workers of one Connect group for the distributed-mode tests: Java Kafka Connect 4.4 (`ConnectDistributed`
 * from the Maven jars) and `sluice distributed`, each with its own REST port, sharing `group.id` and the
 * internal topics given in `props`.
 */

export interface DistributedWorker {
  readonly side: 'java' | 'sluice'
  /** Base URL without trailing slash. */
  readonly url: string
  /** `host:port`, what statuses carry as `worker_id`. */
  readonly workerId: string
  readonly logFile: string
  /** Graceful stop (SIGTERM; the worker leaves the group). */
  stop(): Promise<void>
  /** kill -9: the worker vanishes without leaving the group. */
  kill(): Promise<void>
  /** Sends a signal (SIGSTOP/SIGCONT: a paused worker, a zombie). */
  signal(sig: NodeJS.Signals): void
}

/** `GET /connectors/{c}/status` as the tests read it. */
export interface ConnectorStatusBody {
  readonly name: string
  readonly connector: { readonly state: string; readonly worker_id: string }
  readonly tasks: ReadonlyArray<{ readonly id: number; readonly state: string; readonly worker_id: string }>
}

/** A REST call's status and parsed JSON body (null when empty). */
export async function restJson<T>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const r = await fetch(url, init)
  const text = await r.text()
  return { status: r.status, body: (text === '' ? null : JSON.parse(text)) as T }
}

/** Graceful stop, or nothing when the process is gone already (also after a kill -9). */
function gracefulStop(proc: ChildProcess): () => Promise<void> {
  const stop = stopper(proc)
  return async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return
    await stop()
  }
}

function killer(proc: ChildProcess): () => Promise<void> {
  return async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
    proc.kill('SIGKILL')
    await exited
  }
}

/** Waits for the worker's REST API; a worker that does not come up is stopped and its log tail thrown. */
async function whenReady(
  side: 'java' | 'sluice',
  proc: ChildProcess,
  port: number,
  logFile: string,
  timeoutMs: number,
): Promise<DistributedWorker> {
  const url = `http://127.0.0.1:${port}`
  const stop = gracefulStop(proc)
  try {
    await waitReady(proc, url, logFile, timeoutMs)
  } catch (err) {
    await stop()
    throw err
  }
  return {
    side,
    url,
    workerId: `127.0.0.1:${port}`,
    logFile,
    stop,
    kill: killer(proc),
    signal: (sig) => void proc.kill(sig),
  }
}

/**
 * Worker properties of one test group `<id>-group` with its own internal topics, sized for a one-broker
 * test cluster and short failure detection (session 6 s, heartbeat 1 s, rebalance delay 2 s).
 */
export function testGroupProps(bootstrap: string, id: string): Record<string, string> {
  return {
    'bootstrap.servers': bootstrap,
    'group.id': `${id}-group`,
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'config.storage.topic': `${id}-configs`,
    'offset.storage.topic': `${id}-offsets`,
    'status.storage.topic': `${id}-status`,
    'config.storage.replication.factor': '1',
    'offset.storage.replication.factor': '1',
    'status.storage.replication.factor': '1',
    'offset.storage.partitions': '5',
    'status.storage.partitions': '3',
    'session.timeout.ms': '6000',
    'heartbeat.interval.ms': '1000',
    'scheduled.rebalance.max.delay.ms': '2000',
    'offset.flush.interval.ms': '500',
  }
}

const LOG4J = [
  'status = warn',
  'appender.out.type = Console',
  'appender.out.name = STDOUT',
  'appender.out.layout.type = PatternLayout',
  'appender.out.layout.pattern = [%d] %p %m (%c)%n',
  'rootLogger.level = INFO',
  'rootLogger.appenderRef.out.ref = STDOUT',
  '',
].join('\n')

export async function startJavaDistributed(opts: {
  dir: string
  port: number
  classpath: string
  props: Record<string, string>
}): Promise<DistributedWorker> {
  mkdirSync(opts.dir, { recursive: true })
  const props = writeProps(path.join(opts.dir, 'worker.properties'), {
    ...opts.props,
    listeners: `http://127.0.0.1:${opts.port}`,
    'plugin.discovery': 'service_load',
  })
  const log4j = path.join(opts.dir, 'log4j2.properties')
  writeFileSync(log4j, LOG4J)
  const logFile = path.join(opts.dir, 'connect.log')
  const out = openSync(logFile, 'w')
  const proc = spawn(
    'java',
    [
      '-Xms128M',
      '-Xmx512M',
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${log4j}`,
      '-cp',
      opts.classpath,
      'org.apache.kafka.connect.cli.ConnectDistributed',
      props,
    ],
    { stdio: ['ignore', out, out] },
  )
  return whenReady('java', proc, opts.port, logFile, 120_000)
}

export async function startSluiceDistributed(opts: {
  dir: string
  port: number
  cli: string
  props: Record<string, string>
}): Promise<DistributedWorker> {
  mkdirSync(opts.dir, { recursive: true })
  const props = writeProps(path.join(opts.dir, 'worker.properties'), {
    ...opts.props,
    listeners: `http://127.0.0.1:${opts.port}`,
  })
  const logFile = path.join(opts.dir, 'sluice.log')
  const out = openSync(logFile, 'w')
  const proc = spawn(process.execPath, [opts.cli, 'distributed', props], {
    stdio: ['ignore', out, out],
    cwd: repoRoot,
  })
  return whenReady('sluice', proc, opts.port, logFile, 60_000)
}
