import { availableParallelism } from 'node:os'
import type { MessagePort } from 'node:worker_threads'
import type { ConfigDef, Connector, ConnectorProps, SourceOffset, SourcePartition } from '@sluice/api'
import { BadRequestError, ConfigError, ConnectError, errorTrace, NotFoundError } from '@sluice/api'
import { Piscina } from 'piscina'
import type { Clock } from '../clock.js'
import { systemClock } from '../clock.js'
import { createClient, toLibrdkafkaConfig, withPrefix } from '../kafka-io/client-config.js'
import type { ConsumedMessage, KafkaClientFactory } from '../kafka-io/client-types.js'
import { hideInLogs, LOGGERS, Logger } from '../log.js'
import { loadPluginRegistry } from '../plugins/registry.js'
import {
  ConnectorActor,
  type ConnectorSupervisor,
  type Escalation,
  type TaskSupervision,
} from '../supervisor/connector-actor.js'
import { defaultRestartPolicy, type RestartPolicyOptions } from '../supervisor/restart-policy.js'
import { defaultErrorHandling, type ErrorHandlingSpec } from '../task/error-handler.js'
import * as telemetry from '../telemetry/events.js'
import { encode } from '../wire/codec.js'
import type {
  ConsumedRecord,
  PluginRef,
  SourceReplayRecord,
  TaskSpec,
  TransformRef,
} from '../wire/messages.js'
import {
  ERROR_HEADER_PREFIX,
  SLUICE_SOURCE_OFFSET_HEADER,
  SLUICE_SOURCE_PARTITION_HEADER,
} from './dead-letter-queue.js'
import { ExactlyOnceSourceTaskOwner, type ExactlyOnceTaskOptions } from './exactly-once-source-task-owner.js'
import { SinkTaskOwner } from './sink-task-owner.js'
import { SourceTaskOwner } from './source-task-owner.js'
import type { SourceOffsetStore, TaskOwnerDeps } from './task-owner.js'

/** The connector's `errors.*` keys (validated by the herder's ConnectorConfig; defaults as Kafka's). */
export function errorHandlingOf(props: ConnectorProps): ErrorHandlingSpec {
  const num = (k: string, d: number): number => {
    const v = props[k]
    return v === undefined || v.trim() === '' ? d : Number(v)
  }
  return {
    retryTimeoutMs: num('errors.retry.timeout', defaultErrorHandling.retryTimeoutMs),
    retryDelayMaxMs: num('errors.retry.delay.max.ms', defaultErrorHandling.retryDelayMaxMs),
    tolerance: props['errors.tolerance']?.trim().toLowerCase() === 'all' ? 'all' : 'none',
    logEnable: props['errors.log.enable']?.trim().toLowerCase() === 'true',
    logIncludeMessages: props['errors.log.include.messages']?.trim().toLowerCase() === 'true',
    dlqTopic: (props['errors.deadletterqueue.topic.name'] ?? '').trim(),
    dlqReplicationFactor: num(
      'errors.deadletterqueue.topic.replication.factor',
      defaultErrorHandling.dlqReplicationFactor,
    ),
    dlqContextHeaders:
      props['errors.deadletterqueue.context.headers.enable']?.trim().toLowerCase() === 'true',
  }
}

/**
 * A source DLQ record read back for replay: its context headers name the topic the record was going
 * to (`__connect.errors.topic`) and its source position (`__sluice.errors.source.*`); the other
 * headers are the record's own.
 */
function sourceReplayRecord(m: ConsumedMessage): SourceReplayRecord {
  const ctx = new Map<string, string>()
  const headers: Array<string | Uint8Array | null> = []
  for (const h of m.headers ?? [])
    for (const k in h) {
      const v = h[k]!
      const bytes = typeof v === 'string' ? Buffer.from(v) : v
      if (k.startsWith(ERROR_HEADER_PREFIX) || k.startsWith('__sluice.errors.'))
        ctx.set(k, Buffer.from(bytes).toString('utf8'))
      else headers.push(k, bytes)
    }
  const topic = ctx.get(`${ERROR_HEADER_PREFIX}topic`)
  if (topic === undefined || topic === '')
    throw new BadRequestError(
      `DLQ record at offset ${m.offset} has no ${ERROR_HEADER_PREFIX}topic header: a source DLQ replay needs errors.deadletterqueue.context.headers.enable=true`,
    )
  const key =
    m.key === undefined || m.key === null ? null : typeof m.key === 'string' ? Buffer.from(m.key) : m.key
  return {
    topic,
    key,
    value: m.value ?? null,
    headers: headers.length > 0 ? headers : null,
    timestamp: m.timestamp ?? -1,
    partition: ctx.get(SLUICE_SOURCE_PARTITION_HEADER) ?? 'null',
    offset: ctx.get(SLUICE_SOURCE_OFFSET_HEADER) ?? 'null',
  }
}

/** Most DLQ records one replay call reads (every buffer is bounded); call again from `to`. */
export const MAX_REPLAY_RECORDS = 10_000
const REPLAY_BATCH = 500

/** The owner of one running task: a sink or a source task owner. */
export type TaskProxy = SinkTaskOwner | SourceTaskOwner | ExactlyOnceSourceTaskOwner

import type {
  ConnectorTaskId,
  ConnectWorker,
  DlqReplayResult,
  PluginRegistry,
  SinkOffsetEntry,
  SourceOffsetEntry,
  StatusListener,
  TargetState,
} from './worker-api.js'

/** Source offset store with the read-all needed by `GET /connectors/{c}/offsets`. */
export interface ConnectorOffsetStore extends SourceOffsetStore {
  getAll(connector: string): Array<{ partition: SourcePartition; offset: SourceOffset | null }>
}

export interface CreateWorkerOptions {
  /** Worker properties (Kafka Connect keys), as read from worker.properties. */
  readonly props: Readonly<Record<string, string>>
  readonly listener: StatusListener
  /** Kafka client factory; defaults to `@sluice/kafka`. */
  readonly kafka?: KafkaClientFactory
  /** Source offset store; defaults to the standalone file store at `offset.storage.file.filename`. */
  readonly offsetStore?: ConnectorOffsetStore
  readonly clock?: Clock
  /** Overrides of the restart policy (also settable with `task.restart.*` worker keys). */
  readonly restartPolicy?: Partial<RestartPolicyOptions>
}

/** The default Kafka client factory, loaded lazily so nothing imports the binding by accident. */
async function defaultKafkaFactory(): Promise<KafkaClientFactory> {
  const mod = (await import('@sluice/kafka')) as unknown as { rdkafkaFactory?: KafkaClientFactory }
  if (mod.rdkafkaFactory === undefined)
    throw new ConnectError('XC_KAFKA', '@sluice/kafka does not export rdkafkaFactory')
  return mod.rdkafkaFactory
}

async function defaultOffsetStore(props: Readonly<Record<string, string>>): Promise<ConnectorOffsetStore> {
  const file = props['offset.storage.file.filename']
  if (file === undefined || file.trim() === '') {
    throw new ConfigError(
      'Missing required configuration "offset.storage.file.filename" which has no default value. Standalone mode stores source offsets there; add e.g. offset.storage.file.filename=/tmp/connect.offsets',
      {
        'offset.storage.file.filename': [
          'Missing required configuration "offset.storage.file.filename" which has no default value.',
        ],
      },
    )
  }
  const { FileOffsetStore } = await import('../offsets/file-offset-store.js')
  const store = new FileOffsetStore(file)
  await store.load()
  return store as unknown as ConnectorOffsetStore
}

const intProp = (props: Readonly<Record<string, string>>, key: string, dflt: number): number => {
  const raw = props[key]
  if (raw === undefined || raw.trim() === '') return dflt
  const n = Number(raw.trim())
  if (!Number.isFinite(n))
    throw new ConfigError(`Invalid value ${raw} for configuration ${key}: Not a number of type LONG`, {
      [key]: [`Not a number: ${raw}`],
    })
  return n
}

/** Kafka's `SinkConnectorConfig.validate`: a sink reads `topics` or `topics.regex`, exactly one of them. */
function sinkTopicsProblem(props: ConnectorProps): string | undefined {
  const has = (key: string) => (props[key] ?? '').trim() !== ''
  if (has('topics') && has('topics.regex'))
    return 'topics and topics.regex are mutually exclusive options, but both are set.'
  if (!has('topics') && !has('topics.regex')) return 'Must configure one of topics or topics.regex'
  return undefined
}

/**
 * Creates a worker: loads plugins, starts the task pool, and runs connectors and tasks for a herder.
 * Connector instances live on the main thread; task actors live on a Piscina pool; every Kafka client
 * lives on the main thread (see docs/adr/0003-task-actors-on-piscina.md).
 */
export async function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  const props = options.props
  const pluginPath = (props['plugin.path'] ?? '').split(',').filter((s) => s.trim() !== '')
  const plugins = await loadPluginRegistry(pluginPath)
  const kafka = options.kafka ?? (await defaultKafkaFactory())
  const offsets = options.offsetStore ?? (await defaultOffsetStore(props))
  return new Worker(options, plugins, kafka, offsets)
}

/** {@link ConnectWorker} implementation; see {@link createWorker}. */
export class Worker implements ConnectWorker, ConnectorSupervisor {
  readonly workerId: string
  readonly plugins: PluginRegistry
  readonly #props: Readonly<Record<string, string>>
  readonly #listener: StatusListener
  readonly #kafka: KafkaClientFactory
  readonly #offsets: ConnectorOffsetStore
  readonly #clock: Clock
  readonly #restart: RestartPolicyOptions
  readonly #pool: Piscina
  /** The supervision tree: this worker → one actor per connector → its task owners. */
  readonly #connectors = new Map<string, ConnectorActor>()
  readonly #log = new Logger(LOGGERS.connectorActor)
  readonly #tasks = new Map<string, TaskProxy>()
  readonly #activeTopics = new Map<string, Set<string>>()
  readonly #flushIntervalMs: number
  readonly #gracefulTimeoutMs: number
  #flushTimer: ReturnType<Clock['setTimeout']> | undefined
  #flushing: Promise<void> | undefined
  #stopped = false
  /** Set by the herder: a connector asked for its task configs to be regenerated. */
  onTaskReconfigurationRequest: ((connector: string) => void) | undefined

  constructor(
    options: CreateWorkerOptions,
    plugins: PluginRegistry,
    kafka: KafkaClientFactory,
    offsets: ConnectorOffsetStore,
  ) {
    const props = options.props
    this.#props = props
    // telemetry: the worker's keys, and status changes published as telemetry events.
    telemetry.configureTelemetry(props)
    this.#listener = telemetry.telemetryListener(options.listener)
    this.#kafka = kafka
    this.#offsets = offsets
    this.plugins = plugins
    this.#clock = options.clock ?? systemClock
    this.#restart = {
      initialBackoffMs: intProp(
        props,
        'task.restart.backoff.initial.ms',
        defaultRestartPolicy.initialBackoffMs,
      ),
      maxBackoffMs: intProp(props, 'task.restart.backoff.max.ms', defaultRestartPolicy.maxBackoffMs),
      maxRestarts: intProp(props, 'task.restart.max.attempts', defaultRestartPolicy.maxRestarts),
      windowMs: intProp(props, 'task.restart.window.ms', defaultRestartPolicy.windowMs),
      ...options.restartPolicy,
    }
    this.#flushIntervalMs = intProp(props, 'offset.flush.interval.ms', 60_000)
    this.#gracefulTimeoutMs = intProp(props, 'task.shutdown.graceful.timeout.ms', 5000)
    const host = props['rest.advertised.host.name'] ?? '127.0.0.1'
    const listeners = props.listeners ?? 'http://:8083'
    const port = props['rest.advertised.port'] ?? /:(\d+)/.exec(listeners.split(',')[0] ?? '')?.[1] ?? '8083'
    this.workerId = `${host}:${port}`
    const threads = intProp(props, 'task.pool.threads', Math.max(1, availableParallelism()))
    // Long-lived actors: threads are never reaped, and 'disabled' atomics keep an idle thread's
    // event loop running so actors' timers and ports work between messages.
    this.#pool = new Piscina({
      filename: new URL('../task/task-host.js', import.meta.url).href,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: Number.POSITIVE_INFINITY,
      atomics: 'disabled',
      concurrentTasksPerWorker: intProp(props, 'task.pool.actors.per.thread', 256),
    })
    this.#pool.on('error', () => {
      // A thread that dies while idle: its actors' run promises reject and their proxies restart them.
    })
    this.#scheduleFlush()
  }

  #launch = (port: MessagePort, spec: TaskSpec): Promise<void> => {
    return this.#pool.run({ port, spec: encode(spec) }, { transferList: [port] }) as Promise<void>
  }

  /** Values of the PASSWORD keys of the connector's ConfigDef (masked in every log line). */
  #secretsOf(props: ConnectorProps): string[] {
    let def: ConfigDef | undefined
    try {
      def = (this.plugins.resolve(props['connector.class'] ?? '').definition.create() as Connector).config()
    } catch {
      return []
    }
    const out: string[] = []
    for (const [k, key] of def.configKeys()) if (key.type === 'PASSWORD' && props[k]) out.push(props[k])
    hideInLogs(out)
    return out
  }

  // ---- connectors --------------------------------------------------------------------------

  async startConnector(name: string, props: ConnectorProps, targetState: TargetState): Promise<void> {
    const existing = this.#connectors.get(name)
    if (existing?.instance !== undefined) await this.stopConnector(name)
    const entry = this.plugins.resolve(props['connector.class'] ?? '', undefined)
    if (entry.kind !== 'source' && entry.kind !== 'sink') {
      throw new ConfigError(`connector.class ${entry.className} is a ${entry.kind}, not a connector`, {
        'connector.class': [`${entry.className} is not a connector`],
      })
    }
    const actor = this.#actorFor(name, props)
    actor.props = props
    actor.target = targetState
    actor.assigned = true
    if (targetState === 'STOPPED') {
      this.#listener.onConnectorState(name, 'STOPPED')
      return
    }
    try {
      await actor.start(entry.definition.create() as Connector)
    } catch (err) {
      telemetry.connectorStartup(name, false) // telemetry
      throw err
    }
    telemetry.connectorStartup(name, true) // telemetry
  }

  /** The connector's actor, created on first use (its tasks may run here without its instance). */
  #actorFor(name: string, props: ConnectorProps): ConnectorActor {
    let actor = this.#connectors.get(name)
    if (actor === undefined) {
      actor = new ConnectorActor(name, props, 'STARTED', {
        clock: this.#clock,
        restart: this.#restart,
        supervisor: this,
        onState: (state, trace) => this.#listener.onConnectorState(name, state, trace),
        requestTaskReconfiguration: () => this.onTaskReconfigurationRequest?.(name),
      })
      this.#connectors.set(name, actor)
    }
    return actor
  }

  /** {@link ConnectorSupervisor}: a failed connector instance is FAILED (Kafka does not restart it). */
  onConnectorFailure(connector: string, err: unknown): void {
    this.#listener.onConnectorState(connector, 'FAILED', errorTrace(err))
  }

  /**
   * {@link ConnectorSupervisor}: a connector actor gave up on a task. The task is FAILED (its owner
   * reported it); the connector instance keeps running, as in Kafka, so one task's poison cannot stop
   * the others. The escalation is logged once per task with how many of the connector's tasks are down.
   */
  onEscalation(e: Escalation): void {
    const log = this.#log.forTask(e.connector, e.task)
    const all = e.allTasksFailed ? '; every task of the connector is FAILED' : ''
    log.error(
      `Connector ${e.connector}: task ${e.task} is given up on (${e.reason}); FAILED tasks: [${e.failedTasks.join(', ')}]${all}. Restart it with POST /connectors/${e.connector}/tasks/${e.task}/restart`,
    )
  }

  async connectorTaskConfigs(name: string): Promise<ConnectorProps[]> {
    const state = this.#connectors.get(name)
    if (state === undefined) throw new NotFoundError(`Connector ${name} not found`)
    if (state.instance === undefined) return []
    const maxTasks = Number(state.props['tasks.max'] ?? '1')
    const configs = await state.instance.taskConfigs(maxTasks)
    const TaskClass = state.instance.taskClass()
    const taskClass = TaskClass.className ?? TaskClass.name
    const sink = this.isSinkConnector(state.props)
    return configs.map((c) => {
      const out: Record<string, string> = { ...c, 'task.class': c['task.class'] ?? taskClass }
      // Kafka Connect hands a sink's topic subscription to every task config.
      if (sink) {
        for (const k of ['topics', 'topics.regex']) {
          const v = state.props[k]
          if (v !== undefined && out[k] === undefined) out[k] = v
        }
      }
      return out
    })
  }

  async stopConnector(name: string): Promise<void> {
    const actor = this.#connectors.get(name)
    if (actor === undefined) return
    if (!(await actor.stopInstance())) return
    actor.assigned = false
    if (actor.idle) this.#connectors.delete(name)
    telemetry.connectorRemoved(name) // telemetry
  }

  isSinkConnector(props: ConnectorProps): boolean {
    return this.plugins.resolve(props['connector.class'] ?? '').kind === 'sink'
  }

  async setTargetState(name: string, state: TargetState): Promise<void> {
    const c = this.#connectors.get(name)
    const tasks = [...this.#tasks.values()].filter((t) => t.id.connector === name)
    if (state === 'STOPPED') {
      await this.stopTasks(tasks.map((t) => t.id))
      if (c?.assigned === true) {
        await this.stopConnector(name)
        const stopped = this.#actorFor(name, c.props)
        stopped.assigned = true
        stopped.target = 'STOPPED'
      }
      this.#listener.onConnectorState(name, 'STOPPED')
      return
    }
    if (c?.assigned === true) {
      c.target = state
      if (c.instance === undefined) {
        await this.startConnector(name, c.props, state)
      } else {
        this.#listener.onConnectorState(name, state === 'PAUSED' ? 'PAUSED' : 'RUNNING')
      }
    }
    for (const t of tasks) t.setTargetState(state)
  }

  // ---- plugin references for task actors -------------------------------------------------------

  #pluginRef(
    kind: 'converter' | 'header_converter' | 'transformation' | 'predicate',
    className: string,
    configs: Record<string, unknown>,
  ): PluginRef {
    const entry = this.plugins.resolve(className, kind)
    return { modulePath: entry.modulePath, className: entry.className, configs }
  }

  /**
   * A connector-level `key.converter` (with its `key.converter.*` settings) wins over the worker's,
   * as in Kafka Connect; the converter also learns which role it plays through `converter.type`.
   */
  #converterRef(role: 'key' | 'value' | 'header', connectorProps: ConnectorProps): PluginRef {
    const key = `${role}.converter`
    const fromConnector = connectorProps[key]
    const source = fromConnector !== undefined && fromConnector.trim() !== '' ? connectorProps : this.#props
    let className = source[key]?.trim()
    if (className === undefined || className === '') {
      if (role !== 'header') {
        throw new ConfigError(
          `Missing required configuration "${key}" which has no default value. Set it in the worker properties or the connector config.`,
          {
            [key]: [`Missing required configuration "${key}" which has no default value.`],
          },
        )
      }
      className = 'org.apache.kafka.connect.storage.SimpleHeaderConverter'
    }
    return this.#pluginRef(role === 'header' ? 'header_converter' : 'converter', className, {
      ...withPrefix(source, `${key}.`),
      'converter.type': role,
    })
  }

  #transformRefs(props: ConnectorProps): TransformRef[] {
    const aliases = (props.transforms ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== '')
    return aliases.map((alias) => {
      const prefix = `transforms.${alias}.`
      const type = props[`${prefix}type`]
      if (type === undefined || type.trim() === '') {
        throw new ConfigError(`Missing required configuration "${prefix}type" which has no default value.`, {
          [`${prefix}type`]: ['Missing required configuration'],
        })
      }
      const { type: _t, predicate: predName, negate, ...configs } = withPrefix(props, prefix)
      let predicate: TransformRef['predicate']
      if (predName !== undefined && predName.trim() !== '') {
        const pPrefix = `predicates.${predName.trim()}.`
        const pType = props[`${pPrefix}type`]
        if (pType === undefined) {
          throw new ConfigError(
            `Missing required configuration "${pPrefix}type" which has no default value.`,
            {
              [`${pPrefix}type`]: ['Missing required configuration'],
            },
          )
        }
        const { type: _pt, ...pConfigs } = withPrefix(props, pPrefix)
        predicate = { alias: predName.trim(), ...this.#pluginRef('predicate', pType, pConfigs) }
      }
      return {
        alias,
        ...this.#pluginRef('transformation', type, configs),
        ...(predicate !== undefined && { predicate }),
        // Kafka reads it with Boolean.parseBoolean: case-insensitive.
        negate: negate?.toLowerCase() === 'true',
      }
    })
  }

  // ---- tasks -------------------------------------------------------------------------------

  #key(id: ConnectorTaskId): string {
    return `${id.connector}\u0000${id.task}`
  }

  /** The task proxy (for diagnostics and tests). */
  task(id: ConnectorTaskId): TaskProxy | undefined {
    return this.#tasks.get(this.#key(id))
  }

  async startTask(
    id: ConnectorTaskId,
    connectorProps: ConnectorProps,
    taskProps: ConnectorProps,
    targetState: TargetState,
    exactlyOnce?: ExactlyOnceTaskOptions,
  ): Promise<void> {
    const key = this.#key(id)
    const old = this.#tasks.get(key)
    if (old !== undefined) await old.stop()
    const actor = this.#actorFor(id.connector, connectorProps)
    if (old !== undefined) actor.detach(old)
    // The connector's own restart budget (task.restart.max.attempts) applies from this task on.
    actor.props = connectorProps
    actor.restartPolicy()
    const connectorEntry = this.plugins.resolve(connectorProps['connector.class'] ?? '')
    const kind = connectorEntry.kind === 'sink' ? 'sink' : 'source'
    const topicsProblem = kind === 'sink' ? sinkTopicsProblem(connectorProps) : undefined
    if (topicsProblem !== undefined) {
      // Kafka's WorkerSinkTask checks this when the task starts; without it the consumer subscribes to
      // nothing and librdkafka's "Invalid argument or configuration" names no key.
      const err = new ConfigError(topicsProblem, { topics: [topicsProblem], 'topics.regex': [topicsProblem] })
      this.#listener.onTaskState(id, 'FAILED', errorTrace(err))
      throw err
    }
    const spec: Omit<TaskSpec, 'targetState'> = {
      connector: id.connector,
      task: id.task,
      kind,
      connectorPlugin: {
        modulePath: connectorEntry.modulePath,
        className: connectorEntry.className,
        configs: {},
      },
      taskProps,
      keyConverter: this.#converterRef('key', connectorProps),
      valueConverter: this.#converterRef('value', connectorProps),
      headerConverter: this.#converterRef('header', connectorProps),
      transforms: this.#transformRefs(connectorProps),
      maxInFlightBatches: intProp(this.#props, 'task.max.inflight.batches', 4),
      errors: errorHandlingOf(connectorProps),
      secrets: this.#secretsOf(connectorProps),
      ...(exactlyOnce !== undefined && kind === 'source' && { transactionBoundary: exactlyOnce.boundary }),
    }
    const bootstrap = this.#props['bootstrap.servers'] ?? 'localhost:9092'
    const producerConfig = {
      ...toLibrdkafkaConfig({
        'linger.ms': '5',
        ...withPrefix(this.#props, 'producer.'),
        ...withPrefix(connectorProps, 'producer.override.'),
      }),
      'bootstrap.servers': bootstrap,
      'client.id': `connector-producer-${id.connector}-${id.task}`,
      // Kafka Connect forces acks=all for source producers; idempotence keeps per-partition order
      // with several requests in flight, where Kafka Connect instead forces max.in.flight=1.
      acks: 'all',
      'enable.idempotence': true,
    }
    const consumerProps = {
      ...withPrefix(this.#props, 'consumer.'),
      ...withPrefix(connectorProps, 'consumer.override.'),
    }
    const consumerConfig = {
      // librdkafka looks for a subscribed topic that does not exist yet only at this interval
      // (default 5 min); a sink started before its source's first record should not wait that long.
      'topic.metadata.refresh.interval.ms': 5000,
      // librdkafka stops fetching a partition once its prefetch queue holds queued.min.messages and then
      // waits fetch.queue.backoff.ms (1 s by default) before looking again: a sink draining a backlog
      // idled most of each second (110k rec/s, measured with the bare binding; 420k rec/s with these).
      // A smaller queue re-checked every 10 ms keeps the prefetch bounded and the fetcher busy.
      'fetch.queue.backoff.ms': 10,
      'queued.min.messages': 20000,
      'queued.max.messages.kbytes': 32768,
      ...toLibrdkafkaConfig(consumerProps),
      'bootstrap.servers': bootstrap,
      'group.id': `connect-${id.connector}`,
      'client.id': `connector-consumer-${id.connector}-${id.task}`,
      'enable.auto.commit': false,
      'auto.offset.reset': consumerProps['auto.offset.reset'] ?? 'earliest',
    }
    const topics = (connectorProps.topics ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== '')
    const deps: TaskOwnerDeps = {
      clock: this.#clock,
      listener: this.#listener,
      launch: this.#launch,
      kafka: {
        producer: (cfg) => createClient('producer', () => this.#kafka.producer(cfg)),
        consumer: (cfg) => createClient('consumer', () => this.#kafka.consumer(cfg)),
        ...(this.#kafka.createTopic !== undefined && {
          createTopic: this.#kafka.createTopic.bind(this.#kafka),
        }),
        // Batch-level Kafka I/O (ADR 0019) when the binding carries it.
        batchApi: () => this.#kafka.batchApi?.() === true,
        ...(this.#kafka.errorString !== undefined ? { errorString: this.#kafka.errorString } : {}),
      },
      bootstrapServers: bootstrap,
      offsets: this.#offsets,
      restart: this.#restart,
      gracefulTimeoutMs: this.#gracefulTimeoutMs,
      producerConfig,
      consumerConfig,
      sinkTopics: topics,
      sinkTopicsRegex:
        connectorProps['topics.regex'] === undefined || connectorProps['topics.regex'] === ''
          ? undefined
          : connectorProps['topics.regex'],
      maxPollRecords: intProp(consumerProps, 'max.poll.records', 2000),
      onTopicUsed: (t) => this.#trackTopic(id.connector, t),
      // Restart decisions are the connector actor's; it learns of the owner right after construction.
      supervision: {
        onFailure: (e) => supervision!.onFailure(e),
        reset: () => supervision!.reset(),
      },
    }
    let supervision: TaskSupervision | undefined
    const proxy =
      kind === 'sink'
        ? new SinkTaskOwner(id, spec, targetState, deps)
        : exactlyOnce !== undefined
          ? new ExactlyOnceSourceTaskOwner(id, spec, targetState, deps, exactlyOnce)
          : new SourceTaskOwner(id, spec, targetState, deps)
    supervision = actor.attach(proxy)
    this.#tasks.set(key, proxy)
    try {
      await proxy.start()
    } catch (err) {
      telemetry.taskStartup(id, false) // telemetry
      this.#listener.onTaskState(id, 'FAILED', errorTrace(err))
      throw err
    }
    telemetry.taskStartup(id, true) // telemetry
  }

  /** Restarts one task with a fresh actor (REST restart), resetting its failure budget. */
  async restartTask(id: ConnectorTaskId): Promise<void> {
    const t = this.#tasks.get(this.#key(id))
    if (t === undefined) throw new NotFoundError(`Task ${id.connector}-${id.task} not found`)
    await t.restart()
  }

  async stopTasks(ids: readonly ConnectorTaskId[]): Promise<void> {
    const proxies = ids.flatMap((id) => {
      const t = this.#tasks.get(this.#key(id))
      return t === undefined ? [] : [t]
    })
    // Kafka Connect's graceful timeout is a budget for all tasks together: stop them in parallel.
    await Promise.all(proxies.map((t) => t.stop()))
    await this.#flushSourceOffsets(proxies)
    for (const t of proxies) {
      this.#tasks.delete(this.#key(t.id))
      const actor = this.#connectors.get(t.id.connector)
      actor?.detach(t)
      if (actor?.idle === true) this.#connectors.delete(t.id.connector)
      telemetry.taskRemoved(t.id) // telemetry
    }
  }

  // ---- DLQ replay ----------------------------------------------------------------------------

  /**
   * Re-feeds DLQ records `[from, to)` of a connector's dead letter queue through task 0's pipeline
   * after a fix. Sink: converters, transforms, put. Source (Sluice's source DLQ): the DLQ bytes are read
   * with the task's converters, transformed, converted and produced to the topic named by their
   * `__connect.errors.topic` header; `put` then counts the records produced. Records are read back with the original
   * topic/partition/offset from their `__connect.errors.*` headers (those headers are dropped); what
   * fails again goes back to the DLQ. At most {@link MAX_REPLAY_RECORDS} records per call.
   */
  async replayDeadLetterQueue(
    name: string,
    props: ConnectorProps,
    range: { from: number; to?: number | undefined },
  ): Promise<DlqReplayResult> {
    const topic = errorHandlingOf(props).dlqTopic
    if (topic === '')
      throw new BadRequestError(
        `Connector ${name} has no dead letter queue (errors.deadletterqueue.topic.name)`,
      )
    const owner = this.#tasks.get(this.#key({ connector: name, task: 0 }))
    if (owner === undefined) throw new BadRequestError(`Connector ${name} has no running task 0`)
    const from = Math.max(0, range.from)
    const to = Math.min(range.to ?? Number.MAX_SAFE_INTEGER, from + MAX_REPLAY_RECORDS)
    const messages = await this.#readRange(topic, from, to)
    const last = messages.at(-1)?.offset
    const summary = (r: { put: number; failed: number }) => ({
      connector: name,
      topic,
      from,
      to: last === undefined ? from : last + 1,
      read: messages.length,
      put: r.put,
      failed: r.failed,
    })
    if (owner instanceof ExactlyOnceSourceTaskOwner)
      // The replay's own producer is not transactional: it would write outside the task's transactions.
      throw new BadRequestError(
        `Connector ${name} runs with exactly-once support; DLQ replay is not available for exactly-once source tasks`,
      )
    if (owner instanceof SourceTaskOwner) {
      const replayed = messages.map(sourceReplayRecord)
      return summary(
        await inReplayBatches(replayed.length, (i, j) => owner.replay(replayed.slice(i, j), 60_000)),
      )
    }
    const topics: string[] = []
    const topicIdx = new Map<string, number>()
    const records: ConsumedRecord[] = messages.map((m) => {
      const ctx = new Map<string, string>()
      const headers: Array<string | Uint8Array | null> = []
      for (const h of m.headers ?? [])
        for (const k in h) {
          const v = h[k]!
          const bytes = typeof v === 'string' ? Buffer.from(v) : v
          if (k.startsWith('__connect.errors.')) ctx.set(k.slice(17), bytes.toString('utf8'))
          else headers.push(k, bytes)
        }
      const original = ctx.get('topic') || topic
      let ti = topicIdx.get(original)
      if (ti === undefined) {
        ti = topics.length
        topics.push(original)
        topicIdx.set(original, ti)
      }
      const partition = Number(ctx.get('partition') ?? m.partition)
      const offset = Number(ctx.get('offset') ?? m.offset)
      const key =
        m.key === undefined || m.key === null ? null : typeof m.key === 'string' ? Buffer.from(m.key) : m.key
      return [
        ti,
        partition,
        offset,
        m.timestamp ?? -1,
        m.timestamp === undefined ? 0 : 1,
        key,
        m.value,
        headers.length > 0 ? headers : null,
      ]
    })
    return summary(
      await inReplayBatches(records.length, (i, j) => owner.replay(topics, records.slice(i, j), 60_000)),
    )
  }

  /** Reads partition 0 of `topic` from `from` up to `to` (exclusive) or its end, outside any group. */
  async #readRange(topic: string, from: number, to: number): Promise<ConsumedMessage[]> {
    const client = this.#kafka.consumer({
      'bootstrap.servers': this.#props['bootstrap.servers'] ?? 'localhost:9092',
      'group.id': `sluice-dlq-replay-${topic}`,
      'enable.auto.commit': false,
      'auto.offset.reset': 'earliest',
    })
    await new Promise<void>((resolve, reject) =>
      client.connect({}, (err) =>
        err ? reject(new ConnectError('XC_KAFKA', `DLQ replay: ${err.message}`)) : resolve(),
      ),
    )
    const out: ConsumedMessage[] = []
    try {
      client.setDefaultConsumeTimeout(500)
      client.assign([{ topic, partition: 0, offset: from }])
      for (let empty = 0; empty < 4 && out.length < to - from; ) {
        const batch = await new Promise<ConsumedMessage[]>((resolve, reject) =>
          client.consume(REPLAY_BATCH, (err, m) => (err ? reject(err) : resolve(m))),
        )
        if (batch.length === 0) empty++
        for (const m of batch) if (m.offset >= from && m.offset < to) out.push(m)
        if (batch.some((m) => m.offset >= to - 1)) break
      }
    } finally {
      await new Promise<void>((resolve) => client.disconnect(() => resolve()))
    }
    return out
  }

  // ---- offsets -----------------------------------------------------------------------------

  #scheduleFlush(): void {
    if (this.#stopped) return
    this.#flushTimer = this.#clock.setTimeout(() => {
      this.#flushing = this.flushOffsets().finally(() => {
        this.#flushing = undefined
        this.#scheduleFlush()
      })
    }, this.#flushIntervalMs)
  }

  /** Commits what is safe: acknowledged source offsets to the store, put sink offsets to the group. */
  async flushOffsets(): Promise<void> {
    const all = [...this.#tasks.values()]
    await this.#flushSourceOffsets(all)
    await Promise.all(
      all.map((t) => (t instanceof SinkTaskOwner ? t.commit().catch(() => undefined) : undefined)),
    )
  }

  async #flushSourceOffsets(tasks: readonly TaskProxy[]): Promise<void> {
    const committed: SourceTaskOwner[] = []
    for (const t of tasks) {
      if (!(t instanceof SourceTaskOwner)) continue
      const entries = t.takeCommittableOffsets()
      if (entries.length > 0) {
        this.#offsets.set(t.id.connector, entries)
        committed.push(t)
      }
    }
    if (committed.length === 0) return
    const start = telemetry.nowMs()
    try {
      await this.#offsets.flush()
    } catch (err) {
      for (const t of committed) telemetry.offsetCommit(t.id, 'source', 'failed', telemetry.nowMs() - start)
      throw err
    }
    // telemetry: one source offset commit per task whose offsets went into this flush.
    for (const t of committed) telemetry.offsetCommit(t.id, 'source', 'completed', telemetry.nowMs() - start)
    for (const t of committed) t.notifyOffsetsCommitted()
  }

  async connectorOffsets(
    name: string,
    props: ConnectorProps,
  ): Promise<Array<SourceOffsetEntry | SinkOffsetEntry>> {
    if (this.isSinkConnector(props)) {
      if (this.#kafka.groupOffsets === undefined)
        throw new ConnectError('XC_KAFKA', 'sink offsets need an admin client')
      const rows = await this.#kafka.groupOffsets(
        `connect-${name}`,
        this.#props['bootstrap.servers'] ?? 'localhost:9092',
      )
      return rows.map((r) => ({
        partition: { kafka_topic: r.topic, kafka_partition: r.partition },
        offset: { kafka_offset: r.offset },
      }))
    }
    return this.#offsets.getAll(name).filter((e) => e.offset !== null)
  }

  async modifyConnectorOffsets(
    name: string,
    props: ConnectorProps,
    offsets: ReadonlyArray<SourceOffsetEntry | SinkOffsetEntry> | null,
  ): Promise<string> {
    if (this.isSinkConnector(props)) {
      if (this.#kafka.alterGroupOffsets === undefined)
        throw new ConnectError('XC_KAFKA', 'sink offsets need an admin client')
      const rows =
        offsets === null
          ? null
          : (offsets as SinkOffsetEntry[]).map((o) => ({
              topic: o.partition.kafka_topic,
              partition: o.partition.kafka_partition,
              offset: o.offset === null ? null : o.offset.kafka_offset,
            }))
      await this.#kafka.alterGroupOffsets(
        `connect-${name}`,
        this.#props['bootstrap.servers'] ?? 'localhost:9092',
        rows,
      )
    } else {
      const entries =
        offsets === null
          ? this.#offsets.getAll(name).map((e) => ({ partition: e.partition, offset: null }))
          : (offsets as SourceOffsetEntry[]).map((o) => ({ partition: o.partition, offset: o.offset }))
      this.#offsets.set(name, entries)
      await this.#offsets.flush()
    }
    return offsets === null
      ? 'The offsets for this connector have been reset successfully'
      : 'The offsets for this connector have been altered successfully'
  }

  // ---- topic tracking ----------------------------------------------------------------------

  #trackTopic(connector: string, topic: string): void {
    if (this.#props['topic.tracking.enable'] === 'false') return
    let set = this.#activeTopics.get(connector)
    if (set === undefined) {
      set = new Set()
      this.#activeTopics.set(connector, set)
    }
    set.add(topic)
  }

  activeTopics(name: string): readonly string[] {
    return [...(this.#activeTopics.get(name) ?? [])]
  }

  resetActiveTopics(name: string): void {
    this.#activeTopics.delete(name)
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  async stop(): Promise<void> {
    if (this.#stopped) return
    this.#stopped = true
    if (this.#flushTimer !== undefined) this.#clock.clearTimeout(this.#flushTimer)
    await this.#flushing
    await this.stopTasks([...this.#tasks.values()].map((t) => t.id))
    for (const name of [...this.#connectors.keys()]) await this.stopConnector(name)
    await this.#offsets.flush()
    await this.#pool.destroy()
  }
}

export type { PluginRef, TransformRef }

/** Replays `count` records in chunks of {@link REPLAY_BATCH} (`[i, j)` each), summing what each chunk put and failed. */
async function inReplayBatches(
  count: number,
  replay: (i: number, j: number) => Promise<{ put: number; failed: number }>,
): Promise<{ put: number; failed: number }> {
  let put = 0
  let failed = 0
  for (let i = 0; i < count; i += REPLAY_BATCH) {
    const r = await replay(i, Math.min(count, i + REPLAY_BATCH))
    put += r.put
    failed += r.failed
  }
  return { put, failed }
}
