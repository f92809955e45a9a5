import type { ConfigInfos, ConfigKey, ConfigKeyInfo, Connector, ConnectorProps } from '@sluice/api'
import {
  AlreadyExistsError,
  BadRequestError,
  type ConfigDef,
  ConnectError,
  configKeyInfo,
  errorTrace,
  ForbiddenError,
  NotFoundError,
} from '@sluice/api'
import { reverseTransform } from '../config/config-transformer.js'
import type { WorkerConfigTransformer } from '../config/worker-config-transformer.js'
import type {
  ConnectorTaskId,
  ConnectWorker,
  DlqReplayResult,
  PluginEntry,
  SinkOffsetEntry,
  SourceOffsetEntry,
  State,
  StatusListener,
  TargetState,
} from '../worker/worker-api.js'
import {
  CONNECTOR_CLASS_CONFIG,
  sinkConnectorConfigDef,
  sourceConnectorConfigDef,
  TASKS_MAX_CONFIG,
  TASKS_MAX_ENFORCE_CONFIG,
} from './connector-config.js'
import {
  connectorTypeOf,
  invalidConnectorConfigError,
  type RawConnectorProps,
  validateConnectorConfig,
} from './connector-validation.js'
import type {
  ConnectorInfo,
  ConnectorOffsets,
  ConnectorState,
  ConnectorStateInfo,
  Herder,
  InitialState,
  PluginInfo,
  PutConnectorResult,
  RestartRequest,
  TaskInfo,
  TaskState,
} from './herder-api.js'
import { javaHashOrder, javaPatchedConfig } from './java-format.js'
import {
  comparePluginEntries,
  entriesOf,
  findInRange,
  latestVersion,
  PLUGIN_KIND_ORDER,
} from './plugin-lookup.js'
import { VersionRange } from './plugin-versions.js'
import { MemoryStatusStore, type StatusRecord } from './status-store.js'

/** Where the herder reports what it does (Kafka Connect logs these). */
export interface HerderLogger {
  info(message: string): void
  error(message: string, err?: unknown): void
}

/** Options of {@link StandaloneHerder}. */
export interface StandaloneHerderOptions {
  /**
   * Worker properties: `topic.tracking.enable`, `topic.tracking.allow.reset`, the worker's converters
   * (defaults shown by validation) and `connector.client.config.override.policy`.
   */
  readonly workerProps: Readonly<Record<string, string>>
  /**
   * The worker, or a factory that creates it with the herder's status listener (the usual case:
   * `(listener) => createWorker({ props, listener })`). A worker given directly must already report to
   * {@link StandaloneHerder.statusListener}.
   */
  readonly worker: ConnectWorker | ((listener: StatusListener) => ConnectWorker | Promise<ConnectWorker>)
  /** Looks up the Kafka cluster id for `GET /` (Kafka's `describeCluster`); `null` when unknown. */
  readonly kafkaClusterId?: (() => Promise<string | null>) | undefined
  /**
   * Whether {@link StandaloneHerder.start} also marks the herder ready. `connect-standalone` passes false
   * and calls {@link StandaloneHerder.markReady} once the connectors of its command line exist, as Kafka
   * Connect does.
   */
  readonly readyOnStart?: boolean | undefined
  /**
   * The `worker_id` statuses report (Kafka: the REST server's advertised `host:port`); the worker's own
   * {@link ConnectWorker.workerId} when omitted.
   */
  readonly workerId?: string | undefined
  readonly logger?: HerderLogger | undefined
  /**
   * The worker's config providers: `${provider:[path:]key}` in connector configs is resolved with it
   * whenever a connector or task starts (and for validation, offsets), while the stored config, task
   * configs and REST keep the unresolved text. Without it, configs go to the worker as written.
   */
  readonly configTransformer?: WorkerConfigTransformer | undefined
}

/** One connector in the config store (Kafka's `MemoryConfigBackingStore.ConnectorState`). */
interface ConnectorEntry {
  config: Record<string, string>
  target: TargetState
  /** Task configs by task id; empty while the connector is stopped. */
  taskConfigs: Array<Record<string, string>>
  /** The connector config the task configs were generated from (Kafka's applied connector config). */
  applied: Record<string, string> | null
}

const consoleLogger: HerderLogger = {
  info: () => {},
  error: (message, err) => console.error(err === undefined ? message : `${message}: ${errorTrace(err)}`),
}

function sameStringMap(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a)
  if (ka.length !== Object.keys(b).length) return false
  return ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k])
}

const taskName = (id: ConnectorTaskId): string => `${id.connector}-${id.task}`

/**
 * Kafka Connect's `StandaloneHerder`: one worker, connector configs in memory, statuses fed by the worker's
 * {@link StatusListener}. It decides what runs — configs, target states (RUNNING, PAUSED, STOPPED = no
 * tasks), task configs, restarts (KIP-745), offsets (KIP-875, only when STOPPED), topic tracking (KIP-558) —
 * and answers the REST API with Kafka Connect's entities and error messages. Requests that change state
 * run one at a time, as Kafka's synchronized herder methods do.
 *
 * @example
 * ```ts
 * const herder = new StandaloneHerder({
 *   workerProps: props,
 *   worker: (listener) => createWorker({ props, listener }),
 * })
 * await herder.start()
 * await herder.putConnectorConfig('local-file-source', config, { allowReplace: false })
 * ```
 */
export class StandaloneHerder implements Herder {
  readonly #options: StandaloneHerderOptions
  readonly #log: HerderLogger
  readonly #configs = new Map<string, ConnectorEntry>()
  readonly #status = new MemoryStatusStore()
  readonly #connectorCache = new Map<string, Connector>()
  #worker: ConnectWorker | undefined
  #queue: Promise<unknown> = Promise.resolve()
  #ready = false
  #clusterId: Promise<string | null> | undefined

  /** Feeds the status store; pass it to the worker when creating the worker yourself. */
  readonly statusListener: StatusListener = {
    onConnectorState: (connector, state, trace) => this.#onConnectorState(connector, state, trace),
    onTaskState: (id, state, trace) => this.#onTaskState(id, state, trace),
  }

  constructor(options: StandaloneHerderOptions) {
    this.#options = options
    this.#log = options.logger ?? consoleLogger
    if (typeof options.worker !== 'function') this.#worker = options.worker
    const transformer = options.configTransformer
    if (transformer !== undefined) {
      // A provider value with a TTL expired: Kafka restarts the connector (config.action.reload=restart).
      transformer.onReload = async (name) => {
        if (this.#configs.has(name))
          await this.restartConnector({ connector: name, includeTasks: false, onlyFailed: false })
      }
    }
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  get ready(): boolean {
    return this.#ready
  }

  /** The worker (after {@link start}). */
  get worker(): ConnectWorker {
    if (this.#worker === undefined) throw new ConnectError('XC_ILLEGAL_STATE', 'Worker is still starting up.')
    return this.#worker
  }

  async start(): Promise<void> {
    if (this.#worker === undefined) {
      const factory = this.#options.worker as (
        listener: StatusListener,
      ) => ConnectWorker | Promise<ConnectWorker>
      this.#worker = await factory(this.statusListener)
    }
    const worker = this.#worker
    // A connector that calls requestTaskReconfiguration() gets its task configs regenerated.
    worker.onTaskReconfigurationRequest = (connector: string) => {
      void this.#serial(() => this.#requestTaskReconfiguration(connector)).catch((err: unknown) =>
        this.#log.error(`Failed to reconfigure tasks of connector ${connector}`, err),
      )
    }
    if (this.#options.readyOnStart ?? true) this.#ready = true
  }

  /** Marks the herder ready (`GET /health` healthy), for callers that passed `readyOnStart: false`. */
  markReady(): void {
    this.#ready = true
  }

  async stop(): Promise<void> {
    await this.#serial(async () => {
      this.#ready = false
      const worker = this.#worker
      if (worker === undefined) return
      for (const name of [...this.#configs.keys()]) {
        await this.#removeConnectorTasks(name)
        await worker.stopConnector(name)
      }
      await worker.stop()
    })
  }

  kafkaClusterId(): Promise<string | null> {
    const lookup = this.#options.kafkaClusterId
    if (lookup === undefined) return Promise.resolve(null)
    this.#clusterId ??= lookup().catch((err: unknown) => {
      this.#clusterId = undefined
      throw err
    })
    return this.#clusterId
  }

  // ---- reads ---------------------------------------------------------------------------------

  async connectors(): Promise<string[]> {
    // Kafka Connect lists them out of a HashMap.
    return javaHashOrder(this.#configs.keys())
  }

  async connectorInfo(name: string): Promise<ConnectorInfo> {
    const entry = this.#entry(name, `Connector ${name} not found`)
    return this.#info(name, entry)
  }

  async connectorConfig(name: string): Promise<Record<string, string>> {
    return { ...this.#entry(name, `Connector ${name} not found`).config }
  }

  async connectorStatus(name: string): Promise<ConnectorStateInfo> {
    const status = this.#status.connector(name)
    if (status === undefined) throw new NotFoundError(`No status found for connector ${name}`)
    return {
      name,
      connector: stateOf(status),
      tasks: this.#status.tasks(name).map(({ task, status: s }) => ({ id: task, ...stateOf(s) })),
      type: connectorTypeOf(this.#worker?.plugins, this.#configs.get(name)?.config),
    }
  }

  async taskStatus(id: ConnectorTaskId): Promise<TaskState> {
    const status = this.#status.task(id)
    if (status === undefined) throw new NotFoundError(`No status found for task ${taskName(id)}`)
    return { id: id.task, ...stateOf(status) }
  }

  async taskConfigs(name: string): Promise<TaskInfo[]> {
    const entry = this.#entry(name, `Connector ${name} not found`)
    return entry.taskConfigs.map((config, task) => ({ id: { connector: name, task }, config: { ...config } }))
  }

  // ---- configs -------------------------------------------------------------------------------

  async putConnectorConfig(
    name: string,
    config: Record<string, string>,
    options: { allowReplace: boolean; initialState?: InitialState },
  ): Promise<PutConnectorResult> {
    // Validation runs before the request is serialized, as in Kafka Connect.
    const infos = await this.validateConnectorConfig(config)
    return this.#serial(() => this.#put(name, config, infos, options.allowReplace, options.initialState))
  }

  async patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo> {
    const entry = this.#entry(name, `Connector ${name} not found`)
    // Kafka patches a HashMap copy, so the stored config comes back in that map's order.
    const patched = javaPatchedConfig(entry.config, patch)
    const infos = await this.validateConnectorConfig(patched)
    const result = await this.#serial(() => this.#put(name, patched, infos, true, undefined))
    return result.info
  }

  async deleteConnector(name: string): Promise<void> {
    await this.#serial(async () => {
      this.#entry(name, `Connector ${name} not found`)
      await this.#removeConnectorTasks(name)
      await this.worker.stopConnector(name)
      this.#configs.delete(name)
      this.#status.removeConnector(name)
    })
  }

  // ---- target states -------------------------------------------------------------------------

  async pauseConnector(name: string): Promise<void> {
    await this.#serial(async () => {
      this.#entry(name, `Unknown connector ${name}`)
      await this.#putTargetState(name, 'PAUSED')
    })
  }

  async resumeConnector(name: string): Promise<void> {
    await this.#serial(async () => {
      this.#entry(name, `Unknown connector ${name}`)
      await this.#putTargetState(name, 'STARTED')
    })
  }

  async stopConnector(name: string): Promise<void> {
    await this.#serial(async () => {
      await this.#removeConnectorTasks(name)
      if (!this.#configs.has(name)) {
        // Kafka's standalone herder answers 500 with its config store's message here, not 404.
        throw new ConnectError('XC_CONNECT', `No connector \`${name}\` configured`)
      }
      await this.#putTargetState(name, 'STOPPED')
    })
  }

  // ---- restarts ------------------------------------------------------------------------------

  async restartConnector(request: RestartRequest): Promise<ConnectorStateInfo | null> {
    if (!request.includeTasks && !request.onlyFailed) {
      await this.#serial(() => this.#restartConnectorOnly(request.connector))
      return null
    }
    return this.#serial(() => this.#restartConnectorAndTasks(request))
  }

  async restartTask(id: ConnectorTaskId): Promise<void> {
    await this.#serial(async () => {
      const entry = this.#entry(id.connector, `Connector ${id.connector} not found`)
      const taskConfig = entry.taskConfigs[id.task]
      if (taskConfig === undefined) throw new NotFoundError(`Task ${taskName(id)} not found`)
      const worker = this.worker
      await worker.stopTasks([id])
      try {
        await this.#startTask(id, entry, taskConfig)
      } catch (err) {
        throw new ConnectError('XC_CONNECT', `Failed to start task: ${taskName(id)}`, { cause: err })
      }
    })
  }

  // ---- offsets -------------------------------------------------------------------------------

  async replayDeadLetterQueue(
    name: string,
    range: { from: number; to?: number | undefined },
  ): Promise<DlqReplayResult> {
    const entry = this.#entry(name, `Connector ${name} not found`)
    const worker = this.worker
    if (worker.replayDeadLetterQueue === undefined)
      throw new BadRequestError('This worker does not implement DLQ replay')
    return worker.replayDeadLetterQueue(name, entry.config, range)
  }

  async connectorOffsets(name: string): Promise<ConnectorOffsets> {
    const entry = this.#entry(name, `Connector ${name} not found`)
    return { offsets: await this.worker.connectorOffsets(name, await this.#resolve(name, entry.config)) }
  }

  async modifyConnectorOffsets(
    name: string,
    offsets: ReadonlyArray<SourceOffsetEntry | SinkOffsetEntry> | null,
  ): Promise<string> {
    if (offsets !== null && offsets.length === 0) {
      throw new ConnectError('XC_CONNECT', 'The offsets to be altered may not be null or empty')
    }
    return this.#serial(async () => {
      const entry = this.#entry(name, `Connector ${name} not found`)
      if (entry.target !== 'STOPPED' || entry.taskConfigs.length !== 0) {
        throw new BadRequestError(
          `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`,
        )
      }
      return this.worker.modifyConnectorOffsets(name, await this.#resolve(name, entry.config), offsets)
    })
  }

  // ---- topic tracking ------------------------------------------------------------------------

  async connectorActiveTopics(name: string): Promise<string[]> {
    if (!this.#flag('topic.tracking.enable')) throw new ForbiddenError('Topic tracking is disabled.')
    // Like Kafka Connect, an unknown connector simply has no active topics.
    return javaHashOrder(this.worker.activeTopics(name))
  }

  async resetConnectorActiveTopics(name: string): Promise<void> {
    if (!this.#flag('topic.tracking.enable')) throw new ForbiddenError('Topic tracking is disabled.')
    if (!this.#flag('topic.tracking.allow.reset'))
      throw new ForbiddenError('Topic tracking reset is disabled.')
    this.worker.resetActiveTopics(name)
  }

  // ---- plugins -------------------------------------------------------------------------------

  plugins(connectorsOnly: boolean): PluginInfo[] {
    const kinds = connectorsOnly ? PLUGIN_KIND_ORDER.slice(0, 2) : PLUGIN_KIND_ORDER
    const seen = new Set<string>()
    const out: PluginInfo[] = []
    for (const kind of kinds) {
      for (const e of [...this.worker.plugins.list(kind)].sort(comparePluginEntries)) {
        const key = `${e.className}\u0000${kind}\u0000${e.version}`
        if (seen.has(key)) continue
        seen.add(key)
        out.push({ class: e.className, type: kind, ...(e.version !== 'undefined' && { version: e.version }) })
      }
    }
    return out
  }

  pluginConfig(pluginName: string, version?: string): ConfigKeyInfo[] {
    let range: VersionRange | null
    try {
      range = VersionRange.requirement(version)
    } catch {
      throw new BadRequestError(`Invalid version specification: ${version}`)
    }
    const plugins = this.worker.plugins
    const entries = entriesOf(plugins, pluginName)
    // Kafka tests the plugin's interfaces in this order.
    const kind = (
      ['sink', 'source', 'converter', 'header_converter', 'transformation', 'predicate'] as const
    ).find((k) => entries.some((e) => e.kind === k))
    if (kind === undefined) throw new NotFoundError(`Unknown plugin ${pluginName}.`)
    let entry: PluginEntry
    try {
      entry = findInRange(plugins, pluginName, [kind], range) as PluginEntry
    } catch (err) {
      throw new BadRequestError((err as Error).message)
    }
    const instance = entry.definition.create() as { config(): ConfigDef }
    const keys = new Map<string, ConfigKey>(instance.config().configKeys())
    if (kind === 'sink' || kind === 'source') {
      const options = { connectorVersion: latestVersion(plugins, entry.className, ['source', 'sink']) }
      const base = kind === 'sink' ? sinkConnectorConfigDef(options) : sourceConnectorConfigDef(options)
      // The plugin's definition of a key wins; the framework's keys follow the plugin's.
      for (const [k, v] of base.configKeys()) if (!keys.has(k)) keys.set(k, v)
    }
    return [...keys.values()].map((k) => configKeyInfo(k))
  }

  async validateConnectorConfig(config: Record<string, string>): Promise<ConfigInfos> {
    // Kafka validates the resolved config (WorkerConfigTransformer.transform without a connector name).
    const resolved = (await this.#options.configTransformer?.resolve(config)) ?? config
    return validateConnectorConfig(
      {
        plugins: this.worker.plugins,
        workerProps: this.#options.workerProps,
        connectorInstance: (entry) => this.#connectorInstance(entry),
      },
      resolved as RawConnectorProps,
    )
  }

  // ---- internals -----------------------------------------------------------------------------

  /** Runs state-changing requests one at a time (Kafka's synchronized herder). */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(fn)
    this.#queue = result.catch(() => undefined)
    return result
  }

  /** The connector (or task) config with provider references resolved; the stored config is unchanged. */
  async #resolve(
    connector: string,
    config: Readonly<Record<string, string>>,
  ): Promise<Record<string, string>> {
    const transformer = this.#options.configTransformer
    return transformer === undefined ? { ...config } : transformer.transform(connector, config)
  }

  /**
   * Starts one task with its connector and task configs resolved; a reference that cannot be resolved
   * reports the task FAILED with the reason (the worker never saw it) and throws.
   */
  async #startTask(
    id: ConnectorTaskId,
    entry: ConnectorEntry,
    taskConfig: Record<string, string>,
  ): Promise<void> {
    let connectorConfig: Record<string, string>
    let resolvedTask: Record<string, string>
    try {
      connectorConfig = await this.#resolve(id.connector, entry.config)
      resolvedTask = await this.#resolve(id.connector, taskConfig)
    } catch (err) {
      this.#onTaskState(id, 'FAILED', errorTrace(err))
      throw err
    }
    await this.worker.startTask(id, connectorConfig as ConnectorProps, resolvedTask, entry.target)
  }

  #entry(name: string, notFound: string): ConnectorEntry {
    const entry = this.#configs.get(name)
    if (entry === undefined) throw new NotFoundError(notFound)
    return entry
  }

  #info(name: string, entry: ConnectorEntry): ConnectorInfo {
    return {
      name,
      config: { ...entry.config },
      tasks: entry.taskConfigs.map((_c, task) => ({ connector: name, task })),
      type: connectorTypeOf(this.#worker?.plugins, entry.config),
    }
  }

  #flag(key: string): boolean {
    return (this.#options.workerProps[key] ?? 'true').trim().toLowerCase() !== 'false'
  }

  #connectorInstance(entry: PluginEntry): Connector {
    const key = `${entry.className}\u0000${entry.version}`
    let c = this.#connectorCache.get(key)
    if (c === undefined) {
      c = entry.definition.create() as Connector
      this.#connectorCache.set(key, c)
    }
    return c
  }

  #pluginVersion(config: Readonly<Record<string, string>> | undefined): string | undefined {
    const cls = config?.[CONNECTOR_CLASS_CONFIG]
    if (cls === undefined || this.#worker === undefined) return undefined
    return latestVersion(this.#worker.plugins, cls, ['source', 'sink']) ?? undefined
  }

  #onConnectorState(connector: string, state: State, trace: string | undefined): void {
    const entry = this.#configs.get(connector)
    // Late reports about a deleted connector must not bring its status back.
    if (entry === undefined) return
    this.#status.putConnector(connector, this.#record(state, trace, entry.config))
  }

  #onTaskState(id: ConnectorTaskId, state: State, trace: string | undefined): void {
    const entry = this.#configs.get(id.connector)
    if (entry === undefined || entry.taskConfigs[id.task] === undefined) return
    // STOPPED is a connector state; Kafka reports a task that was shut down as UNASSIGNED.
    this.#status.putTask(id, this.#record(state === 'STOPPED' ? 'UNASSIGNED' : state, trace, entry.config))
  }

  #record(state: State, trace: string | undefined, config: Readonly<Record<string, string>>): StatusRecord {
    return {
      state,
      workerId: this.#options.workerId ?? this.#worker?.workerId ?? '',
      ...(trace !== undefined && trace !== '' && { trace }),
      version: this.#pluginVersion(config),
    }
  }

  async #put(
    name: string,
    config: Record<string, string>,
    infos: ConfigInfos,
    allowReplace: boolean,
    initialState: InitialState | undefined,
  ): Promise<PutConnectorResult> {
    const invalid = invalidConnectorConfigError(infos)
    if (invalid !== null) throw invalid
    const worker = this.worker
    const existing = this.#configs.get(name)
    let created: boolean
    if (existing !== undefined) {
      if (!allowReplace) throw new AlreadyExistsError(`Connector ${name} already exists`)
      await worker.stopConnector(name)
      existing.config = { ...config }
      if (initialState !== undefined) existing.target = initialState
      created = false
    } else {
      this.#configs.set(name, {
        config: { ...config },
        target: initialState ?? 'STARTED',
        taskConfigs: [],
        applied: null,
      })
      created = true
    }
    await this.#startConnector(name)
    await this.#updateConnectorTasks(name)
    return { created, info: this.#info(name, this.#entry(name, `Connector ${name} not found`)) }
  }

  /** Starts the connector instance in its target state; a failure has already been reported as FAILED. */
  async #startConnector(name: string): Promise<void> {
    const entry = this.#entry(name, `Connector ${name} not found`)
    try {
      let resolved: Record<string, string>
      try {
        resolved = await this.#resolve(name, entry.config)
      } catch (err) {
        // The worker never saw it: report FAILED here, so /status shows why (an unreadable secrets file).
        this.#onConnectorState(name, 'FAILED', errorTrace(err))
        throw err
      }
      await this.worker.startConnector(name, resolved, entry.target)
    } catch (err) {
      throw new ConnectError(
        'XC_CONNECT',
        `Failed to transition connector ${name} to state ${entry.target}`,
        {
          cause: err,
        },
      )
    }
  }

  #isRunning(name: string): boolean {
    return this.#status.connector(name)?.state === 'RUNNING'
  }

  /**
   * Kafka's `updateConnectorTasks`: regenerates the task configs of a running, STARTED connector and
   * restarts its tasks when they (or the connector config they came from) changed.
   */
  async #updateConnectorTasks(name: string): Promise<void> {
    const entry = this.#configs.get(name)
    if (entry === undefined) return
    if (!this.#isRunning(name)) {
      this.#log.info(`Skipping update of tasks for connector ${name} since it is not running`)
      return
    }
    if (entry.target !== 'STARTED') {
      this.#log.info(
        `Skipping update of tasks for connector ${name} since its target state is ${entry.target}`,
      )
      return
    }
    // Generated from the resolved config: the raw `${…}` text goes back in before they are stored.
    const newConfigs = reverseTransform(entry.config, await this.worker.connectorTaskConfigs(name))
    this.#checkTasksMax(name, entry, newConfigs.length)
    const changed =
      newConfigs.length !== entry.taskConfigs.length ||
      newConfigs.some((c, i) => !sameStringMap(c, entry.taskConfigs[i] ?? {})) ||
      entry.applied === null ||
      !sameStringMap(entry.applied, entry.config)
    if (!changed) return
    await this.#removeConnectorTasks(name)
    entry.taskConfigs = newConfigs
    entry.applied = { ...entry.config }
    await this.#createConnectorTasks(
      name,
      newConfigs.map((_c, task) => ({ connector: name, task })),
    )
  }

  /** Kafka's `tasks.max` enforcement: too many task configs fail the connector. */
  #checkTasksMax(name: string, entry: ConnectorEntry, count: number): void {
    const maxTasks = Number(entry.config[TASKS_MAX_CONFIG] ?? '1')
    const enforce = (entry.config[TASKS_MAX_ENFORCE_CONFIG] ?? 'true').trim().toLowerCase() !== 'false'
    if (!(count > maxTasks)) return
    const message = `The connector ${name} has generated ${count} tasks, which is greater than ${maxTasks}, the maximum number of tasks it is configured to create. `
    if (!enforce) {
      this.#log.info(
        `${message}This behavior should be considered a bug and will be disallowed in future releases of Kafka Connect.`,
      )
      return
    }
    const err = new ConnectError(
      'XC_CONNECT',
      `${message}This behaviour should be considered a bug and is disallowed. If necessary, it can be permitted by reconfiguring the connector with '${TASKS_MAX_ENFORCE_CONFIG}' set to false; however, this option will be removed in a future release of Kafka Connect.`,
      { connector: name },
    )
    this.#onConnectorState(name, 'FAILED', errorTrace(err))
    throw err
  }

  /** Starts tasks with their stored configs; a task that fails to start is reported FAILED by the worker. */
  async #createConnectorTasks(name: string, ids: readonly ConnectorTaskId[]): Promise<void> {
    const entry = this.#entry(name, `Connector ${name} not found`)
    for (const id of ids) {
      const taskConfig = entry.taskConfigs[id.task]
      if (taskConfig === undefined) continue
      try {
        await this.#startTask(id, entry, taskConfig)
      } catch (err) {
        this.#log.error(`Failed to start task ${taskName(id)}`, err)
      }
    }
  }

  /** Kafka's `removeConnectorTasks`: stops the tasks, forgets their configs and statuses. */
  async #removeConnectorTasks(name: string): Promise<void> {
    const entry = this.#configs.get(name)
    if (entry === undefined || entry.taskConfigs.length === 0) return
    const ids = entry.taskConfigs.map((_c, task) => ({ connector: name, task }))
    await this.worker.stopTasks(ids)
    entry.taskConfigs = []
    entry.applied = null
    for (const id of ids) this.#status.removeTask(id)
  }

  /** Kafka's `putTargetState` + `onConnectorTargetStateChange`: only a change reaches the worker. */
  async #putTargetState(name: string, target: TargetState): Promise<void> {
    const entry = this.#entry(name, `Connector ${name} not found`)
    if (entry.target === target) return
    entry.target = target
    await this.worker.setTargetState(name, target)
    if (target === 'STARTED') await this.#updateConnectorTasks(name)
  }

  async #requestTaskReconfiguration(name: string): Promise<void> {
    if (!this.#configs.has(name)) {
      this.#log.error(`Task that requested reconfiguration does not exist: ${name}`)
      return
    }
    await this.#updateConnectorTasks(name)
  }

  /** Plain restart (204): the connector instance only; its tasks are regenerated if it runs. */
  async #restartConnectorOnly(name: string): Promise<void> {
    this.#entry(name, `Connector ${name} not found`)
    await this.worker.stopConnector(name)
    await this.#startConnector(name)
    if (this.#configs.get(name)?.target === 'STARTED') await this.#updateConnectorTasks(name)
  }

  /** KIP-745 restart: plans from the current statuses, marks what restarts RESTARTING, restarts it. */
  async #restartConnectorAndTasks(request: RestartRequest): Promise<ConnectorStateInfo> {
    const name = request.connector
    const entry = this.#entry(name, `Unknown connector: ${name}`)
    const connectorStatus = this.#status.connector(name)
    if (connectorStatus === undefined) throw new NotFoundError(`Status for connector ${name} not found`)
    const restartConnector = !request.onlyFailed || connectorStatus.state === 'FAILED'
    const taskStates = this.#status.tasks(name).map(({ task, status }) => {
      const restart = request.includeTasks && (!request.onlyFailed || status.state === 'FAILED')
      return { task, restart, state: { id: task, ...stateOf(status, restart ? 'RESTARTING' : undefined) } }
    })
    const plan: ConnectorStateInfo = {
      name,
      connector: stateOf(connectorStatus, restartConnector ? 'RESTARTING' : undefined),
      tasks: taskStates.map((t) => t.state),
      type: connectorTypeOf(this.worker.plugins, entry.config),
    }
    const taskIds = taskStates.filter((t) => t.restart).map((t) => ({ connector: name, task: t.task }))
    const worker = this.worker
    if (restartConnector) {
      await worker.stopConnector(name)
      this.#onConnectorState(name, 'RESTARTING', undefined)
    }
    if (taskIds.length > 0) {
      await worker.stopTasks(taskIds)
      for (const id of taskIds) this.#onTaskState(id, 'RESTARTING', undefined)
    }
    if (restartConnector) {
      try {
        await this.#startConnector(name)
      } catch (err) {
        // Kafka only logs it: the status shows FAILED with the trace.
        this.#log.error(`Connector '${name}' restart failed`, err)
      }
    }
    if (taskIds.length > 0) await this.#createConnectorTasks(name, taskIds)
    return plan
  }
}

/** A status record as the REST entity shows it (`trace`/`version` only when present). */
function stateOf(s: StatusRecord, override?: State): ConnectorState {
  return {
    state: override ?? s.state,
    worker_id: s.workerId,
    ...(s.trace !== undefined && { trace: s.trace }),
    ...(s.version !== undefined && { version: s.version }),
  }
}
