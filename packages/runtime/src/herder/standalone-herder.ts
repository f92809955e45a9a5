import type { ConfigInfos, ConfigKeyInfo, ConnectorProps } from '@sluice/api'
import { AlreadyExistsError, BadRequestError, ConnectError, errorTrace, NotFoundError } from '@sluice/api'
import { reverseTransform } from '../config/config-transformer.js'
import type { WorkerConfigTransformer } from '../config/worker-config-transformer.js'
import {
  commitRecord,
  connectorConfigRecord,
  type EncodedRecord,
  targetStateRecord,
  taskConfigRecord,
} from '../storage/config-records.js'
import { MemoryConfigStore, MemoryStatusStore } from '../storage/memory-stores.js'
import type { StatusValue } from '../storage/status-records.js'
import type {
  ConnectorTaskId,
  ConnectWorker,
  DlqReplayResult,
  SinkOffsetEntry,
  SourceOffsetEntry,
  State,
  StatusListener,
  TargetState,
} from '../worker/worker-api.js'
import type {
  ConnectorInfo,
  ConnectorOffsets,
  ConnectorStateInfo,
  Herder,
  InitialState,
  PluginInfo,
  PutConnectorResult,
  RestartRequest,
  TaskInfo,
  TaskState,
} from './herder-api.js'
import {
  checkOffsetsRequest,
  connectorStatusInfo,
  HerderCore,
  notStoppedError,
  restartPlan,
  sameStringMap,
  taskName,
  taskStatusInfo,
  tasksMaxError,
} from './herder-core.js'
import { javaHashOrder, javaPatchedConfig } from './java-format.js'

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

/** One connector as the config store holds it (a read-only view of the store's snapshot). */
interface ConnectorEntry {
  readonly config: Readonly<Record<string, string>>
  readonly target: TargetState
  /** Task configs by task id; empty while the connector is stopped. */
  readonly taskConfigs: ReadonlyArray<Readonly<Record<string, string>>>
  /** The connector config the task configs were generated from (Kafka's applied connector config). */
  readonly applied: Readonly<Record<string, string>> | null
}

const consoleLogger: HerderLogger = {
  info: () => {},
  error: (message, err) => console.error(err === undefined ? message : `${message}: ${errorTrace(err)}`),
}

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
  /** Kafka's `MemoryConfigBackingStore`: the same records a cluster's config topic holds. */
  readonly #configs = new MemoryConfigStore()
  /** The connector config each connector's current task configs were generated from. */
  readonly #applied = new Map<string, Readonly<Record<string, string>>>()
  readonly #status = new MemoryStatusStore()
  readonly #core: HerderCore
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
    this.#core = new HerderCore({
      workerProps: options.workerProps,
      worker: () => this.worker,
      configTransformer: options.configTransformer,
    })
    const transformer = options.configTransformer
    if (transformer !== undefined) {
      // A provider value with a TTL expired: Kafka restarts the connector (config.action.reload=restart).
      transformer.onReload = async (name) => {
        if (this.#has(name))
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
      for (const name of this.#configs.connectorNames()) {
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
    return javaHashOrder(this.#configs.connectorNames())
  }

  async connectorInfo(name: string): Promise<ConnectorInfo> {
    const entry = this.#entry(name, `Connector ${name} not found`)
    return this.#info(name, entry)
  }

  async connectorConfig(name: string): Promise<Record<string, string>> {
    return { ...this.#entry(name, `Connector ${name} not found`).config }
  }

  async connectorStatus(name: string): Promise<ConnectorStateInfo> {
    return connectorStatusInfo(
      name,
      this.#status,
      this.#core.connectorType(this.#configs.snapshot().connectorConfig(name)),
    )
  }

  async taskStatus(id: ConnectorTaskId): Promise<TaskState> {
    return taskStatusInfo(id, this.#status)
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
    // Validation runs before the request is serialized, as in Kafka Connect; invalid wins over exists.
    await this.#core.validateOrThrow(config)
    return this.#serial(() => this.#put(name, config, options.allowReplace, options.initialState))
  }

  async patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo> {
    const entry = this.#entry(name, `Connector ${name} not found`)
    // Kafka patches a HashMap copy, so the stored config comes back in that map's order.
    const patched = javaPatchedConfig(entry.config, patch)
    await this.#core.validateOrThrow(patched)
    const result = await this.#serial(() => this.#put(name, patched, true, undefined))
    return result.info
  }

  async deleteConnector(name: string): Promise<void> {
    await this.#serial(async () => {
      this.#entry(name, `Connector ${name} not found`)
      await this.#removeConnectorTasks(name)
      await this.worker.stopConnector(name)
      await this.#configs.write([connectorConfigRecord(name, null)])
      this.#applied.delete(name)
      void this.#status.putConnector(name, null)
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
      if (!this.#has(name)) {
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
    checkOffsetsRequest(offsets)
    return this.#serial(async () => {
      const entry = this.#entry(name, `Connector ${name} not found`)
      if (entry.target !== 'STOPPED' || entry.taskConfigs.length !== 0) throw notStoppedError(name)
      return this.worker.modifyConnectorOffsets(name, await this.#resolve(name, entry.config), offsets)
    })
  }

  // ---- topic tracking ------------------------------------------------------------------------

  async connectorActiveTopics(name: string): Promise<string[]> {
    return this.#core.connectorActiveTopics(name)
  }

  async resetConnectorActiveTopics(name: string): Promise<void> {
    this.#core.resetConnectorActiveTopics(name)
  }

  // ---- plugins -------------------------------------------------------------------------------

  plugins(connectorsOnly: boolean): PluginInfo[] {
    return this.#core.plugins(connectorsOnly)
  }

  pluginConfig(pluginName: string, version?: string): ConfigKeyInfo[] {
    return this.#core.pluginConfig(pluginName, version)
  }

  async validateConnectorConfig(config: Record<string, string>): Promise<ConfigInfos> {
    return this.#core.validateConnectorConfig(config)
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
    taskConfig: Readonly<Record<string, string>>,
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

  #has(name: string): boolean {
    return this.#configs.snapshot().connectorConfig(name) !== undefined
  }

  /** The connector as the config store has it now (a fresh view after every write). */
  #find(name: string): ConnectorEntry | undefined {
    const snapshot = this.#configs.snapshot()
    const config = snapshot.connectorConfig(name)
    if (config === undefined) return undefined
    return {
      config,
      target: snapshot.targetState(name) ?? 'STARTED',
      taskConfigs: snapshot.tasks(name).map((id) => snapshot.taskConfig(id) ?? {}),
      applied: this.#applied.get(name) ?? null,
    }
  }

  #entry(name: string, notFound: string): ConnectorEntry {
    const entry = this.#find(name)
    if (entry === undefined) throw new NotFoundError(notFound)
    return entry
  }

  #info(name: string, entry: ConnectorEntry): ConnectorInfo {
    return {
      name,
      config: { ...entry.config },
      tasks: entry.taskConfigs.map((_c, task) => ({ connector: name, task })),
      type: this.#core.connectorType(entry.config),
    }
  }

  #onConnectorState(connector: string, state: State, trace: string | undefined): void {
    const config = this.#configs.snapshot().connectorConfig(connector)
    // Late reports about a deleted connector must not bring its status back.
    if (config === undefined) return
    void this.#status.putConnector(connector, this.#record(state, trace, config))
  }

  #onTaskState(id: ConnectorTaskId, state: State, trace: string | undefined): void {
    const snapshot = this.#configs.snapshot()
    const config = snapshot.connectorConfig(id.connector)
    if (config === undefined || snapshot.taskConfig(id) === undefined) return
    // STOPPED is a connector state; Kafka reports a task that was shut down as UNASSIGNED.
    void this.#status.putTask(id, this.#record(state === 'STOPPED' ? 'UNASSIGNED' : state, trace, config))
  }

  #record(state: State, trace: string | undefined, config: Readonly<Record<string, string>>): StatusValue {
    return {
      state,
      trace: trace === undefined || trace === '' ? null : trace,
      workerId: this.#options.workerId ?? this.#worker?.workerId ?? '',
      // One worker, no group: Kafka's standalone herder reports generation 0.
      generation: 0,
      version: this.#core.pluginVersion(config) ?? null,
    }
  }

  async #put(
    name: string,
    config: Record<string, string>,
    allowReplace: boolean,
    initialState: InitialState | undefined,
  ): Promise<PutConnectorResult> {
    const worker = this.worker
    const exists = this.#has(name)
    const records: EncodedRecord[] = []
    if (exists) {
      if (!allowReplace) throw new AlreadyExistsError(`Connector ${name} already exists`)
      await worker.stopConnector(name)
      records.push(connectorConfigRecord(name, config))
      if (initialState !== undefined) records.push(targetStateRecord(name, initialState))
    } else {
      // The target state goes first, as in a cluster: the connector never runs in the wrong state.
      if (initialState !== undefined) records.push(targetStateRecord(name, initialState))
      records.push(connectorConfigRecord(name, config))
    }
    await this.#configs.write(records)
    await this.#startConnector(name)
    await this.#updateConnectorTasks(name)
    return { created: !exists, info: this.#info(name, this.#entry(name, `Connector ${name} not found`)) }
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
    const entry = this.#find(name)
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
    const tooMany = tasksMaxError(name, entry.config, newConfigs.length, this.#log)
    if (tooMany !== null) {
      this.#onConnectorState(name, 'FAILED', errorTrace(tooMany))
      throw tooMany
    }
    const changed =
      newConfigs.length !== entry.taskConfigs.length ||
      newConfigs.some((c, i) => !sameStringMap(c, entry.taskConfigs[i] ?? {})) ||
      entry.applied === null ||
      !sameStringMap(entry.applied, entry.config)
    if (!changed) return
    await this.#removeConnectorTasks(name)
    // Task configs take effect together with their commit record, as on a config topic.
    await this.#configs.write([
      ...newConfigs.map((c, task) => taskConfigRecord(name, task, c)),
      commitRecord(name, newConfigs.length),
    ])
    this.#applied.set(name, { ...entry.config })
    await this.#createConnectorTasks(
      name,
      newConfigs.map((_c, task) => ({ connector: name, task })),
    )
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
    const entry = this.#find(name)
    if (entry === undefined || entry.taskConfigs.length === 0) return
    const ids = entry.taskConfigs.map((_c, task) => ({ connector: name, task }))
    await this.worker.stopTasks(ids)
    await this.#configs.write([commitRecord(name, 0)])
    this.#applied.delete(name)
    for (const id of ids) void this.#status.putTask(id, null)
  }

  /** Kafka's `putTargetState` + `onConnectorTargetStateChange`: only a change reaches the worker. */
  async #putTargetState(name: string, target: TargetState): Promise<void> {
    const entry = this.#entry(name, `Connector ${name} not found`)
    if (entry.target === target) return
    await this.#configs.write([targetStateRecord(name, target)])
    await this.worker.setTargetState(name, target)
    if (target === 'STARTED') await this.#updateConnectorTasks(name)
  }

  async #requestTaskReconfiguration(name: string): Promise<void> {
    if (!this.#has(name)) {
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
    if (this.#find(name)?.target === 'STARTED') await this.#updateConnectorTasks(name)
  }

  /** KIP-745 restart: plans from the current statuses, marks what restarts RESTARTING, restarts it. */
  async #restartConnectorAndTasks(request: RestartRequest): Promise<ConnectorStateInfo> {
    const name = request.connector
    const entry = this.#entry(name, `Unknown connector: ${name}`)
    const plan = restartPlan(request, this.#status, this.#core.connectorType(entry.config))
    const worker = this.worker
    if (plan.restartConnector) {
      await worker.stopConnector(name)
      this.#onConnectorState(name, 'RESTARTING', undefined)
    }
    if (plan.tasks.length > 0) {
      await worker.stopTasks(plan.tasks)
      for (const id of plan.tasks) this.#onTaskState(id, 'RESTARTING', undefined)
    }
    if (plan.restartConnector) {
      try {
        await this.#startConnector(name)
      } catch (err) {
        // Kafka only logs it: the status shows FAILED with the trace.
        this.#log.error(`Connector '${name}' restart failed`, err)
      }
    }
    if (plan.tasks.length > 0) await this.#createConnectorTasks(name, plan.tasks)
    return plan.info
  }
}
