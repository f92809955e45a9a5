import { spawnJavaWorker, spawnSluiceWorker, whenAnswering } from './connect-worker.js'

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

/** Starts a Java `ConnectDistributed` worker of the group in `props` on `port`; resolves once its REST API answers. */
export async function startJavaDistributed(opts: {
  dir: string
  port: number
  classpath: string
  props: Record<string, string>
}): Promise<DistributedWorker> {
  const child = spawnJavaWorker({
    ...opts,
    mode: 'distributed',
    workerProps: { ...opts.props, 'plugin.discovery': 'service_load' },
    // A small heap and C1 only: quicker to start and lighter when several JVMs share two cores.
    jvmFlags: ['-Xms128M', '-Xmx512M', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'],
  })
  return { side: 'java', ...(await whenAnswering(child, 120_000)) }
}

/** Starts `sluice distributed worker.properties` for the group in `props` on `port`; resolves once its REST API answers. */
export async function startSluiceDistributed(opts: {
  dir: string
  port: number
  cli: string
  props: Record<string, string>
}): Promise<DistributedWorker> {
  const child = spawnSluiceWorker({
    ...opts,
    mode: 'distributed',
    workerProps: opts.props,
  })
  return { side: 'sluice', ...(await whenAnswering(child, 60_000)) }
}
