import type { ConfigInfos, ConfigKey, ConfigKeyInfo, Connector } from '@sluice/api'
import {
  BadRequestError,
  type ConfigDef,
  ConnectError,
  configKeyInfo,
  ForbiddenError,
  NotFoundError,
} from '@sluice/api'
import type { WorkerConfigTransformer } from '../config/worker-config-transformer.js'
import type { StatusBackingStore } from '../storage/backing-stores.js'
import type { StatusValue } from '../storage/status-records.js'
import type {
  ConnectorTaskId,
  ConnectWorker,
  PluginEntry,
  SinkOffsetEntry,
  SourceOffsetEntry,
  State,
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
  ConnectorState,
  ConnectorStateInfo,
  ConnectorType,
  PluginInfo,
  RestartRequest,
  TaskState,
} from './herder-api.js'
import { javaHashOrder } from './java-format.js'
import {
  comparePluginEntries,
  entriesOf,
  findInRange,
  latestVersion,
  PLUGIN_KIND_ORDER,
} from './plugin-lookup.js'
import { VersionRange } from './plugin-versions.js'

/**
 * What the standalone and the distributed herder share (Kafka's `AbstractHerder`): config validation,
 * plugin listings and definitions, topic tracking, status entities, KIP-745 restart plans and the
 * `tasks.max` check. The herders differ only in where configs and statuses live (the backing stores of
 * `storage/backing-stores.ts`) and in who may write them.
 */

/** Options of {@link HerderCore}. */
export interface HerderCoreOptions {
  /** Worker properties (converters, topic tracking, override policy). */
  readonly workerProps: Readonly<Record<string, string>>
  /** The worker once started; throws while it is starting up. */
  readonly worker: () => ConnectWorker
  /** Resolves `${provider:…}` references for validation (Kafka validates the resolved config). */
  readonly configTransformer?: WorkerConfigTransformer | undefined
}

/** Where the herder logs that a non-enforced `tasks.max` was exceeded. */
export interface TasksMaxLogger {
  info(message: string): void
}

/** A KIP-745 restart decided from the current statuses: the 202 body, and what to restart. */
export interface RestartPlan {
  /** `ConnectorStateInfo` with RESTARTING for what restarts (the 202 answer). */
  readonly info: ConnectorStateInfo
  readonly restartConnector: boolean
  readonly tasks: readonly ConnectorTaskId[]
}

export const taskName = (id: ConnectorTaskId): string => `${id.connector}-${id.task}`

export function sameStringMap(
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
): boolean {
  const ka = Object.keys(a)
  if (ka.length !== Object.keys(b).length) return false
  return ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k])
}

/** A status value as the REST entity shows it (`trace`/`version` only when present). */
export function stateOf(s: StatusValue, override?: State): ConnectorState {
  return {
    state: override ?? s.state,
    worker_id: s.workerId,
    ...(s.trace !== null && { trace: s.trace }),
    ...(s.version !== null && { version: s.version }),
  }
}

/** `GET /connectors/{c}/status` from a status store (404 without a connector status). */
export function connectorStatusInfo(
  name: string,
  status: StatusBackingStore,
  type: ConnectorType,
): ConnectorStateInfo {
  const connector = status.connector(name)
  if (connector === undefined) throw new NotFoundError(`No status found for connector ${name}`)
  return {
    name,
    connector: stateOf(connector),
    tasks: status.tasks(name).map(({ task, status: s }) => ({ id: task, ...stateOf(s) })),
    type,
  }
}

/** `GET /connectors/{c}/tasks/{t}/status` from a status store. */
export function taskStatusInfo(id: ConnectorTaskId, status: StatusBackingStore): TaskState {
  const s = status.task(id)
  if (s === undefined) throw new NotFoundError(`No status found for task ${taskName(id)}`)
  return { id: id.task, ...stateOf(s) }
}

/**
 * Kafka's `buildRestartPlan`: the connector restarts unless only failed instances are asked for and it
 * has not failed; a task restarts when tasks are included and it matches `onlyFailed`.
 */
export function restartPlan(
  request: RestartRequest,
  status: StatusBackingStore,
  type: ConnectorType,
): RestartPlan {
  const name = request.connector
  const connector = status.connector(name)
  if (connector === undefined) throw new NotFoundError(`Status for connector ${name} not found`)
  const restartConnector = !request.onlyFailed || connector.state === 'FAILED'
  const tasks: ConnectorTaskId[] = []
  const taskStates = status.tasks(name).map(({ task, status: s }) => {
    const restart = request.includeTasks && (!request.onlyFailed || s.state === 'FAILED')
    if (restart) tasks.push({ connector: name, task })
    return { id: task, ...stateOf(s, restart ? 'RESTARTING' : undefined) }
  })
  return {
    info: {
      name,
      connector: stateOf(connector, restartConnector ? 'RESTARTING' : undefined),
      tasks: taskStates,
      type,
    },
    restartConnector,
    tasks,
  }
}

/**
 * Kafka's `tasks.max` enforcement (`Worker.checkTasksMax`): more task configs than `tasks.max` is an
 * error that fails the connector, unless `tasks.max.enforce=false`, which only logs. Returns the error
 * (the caller reports the connector FAILED with it) or null.
 */
export function tasksMaxError(
  name: string,
  config: Readonly<Record<string, string>>,
  count: number,
  log: TasksMaxLogger,
): ConnectError | null {
  const maxTasks = Number(config[TASKS_MAX_CONFIG] ?? '1')
  const enforce = (config[TASKS_MAX_ENFORCE_CONFIG] ?? 'true').trim().toLowerCase() !== 'false'
  if (!(count > maxTasks)) return null
  const message = `The connector ${name} has generated ${count} tasks, which is greater than ${maxTasks}, the maximum number of tasks it is configured to create. `
  if (!enforce) {
    log.info(
      `${message}This behavior should be considered a bug and will be disallowed in future releases of Kafka Connect.`,
    )
    return null
  }
  return new ConnectError(
    'XC_CONNECT',
    `${message}This behaviour should be considered a bug and is disallowed. If necessary, it can be permitted by reconfiguring the connector with '${TASKS_MAX_ENFORCE_CONFIG}' set to false; however, this option will be removed in a future release of Kafka Connect.`,
    { connector: name },
  )
}

/** KIP-875: an alter request needs at least one offset (a reset passes null). */
export function checkOffsetsRequest(
  offsets: ReadonlyArray<SourceOffsetEntry | SinkOffsetEntry> | null,
): void {
  if (offsets !== null && offsets.length === 0)
    throw new ConnectError('XC_CONNECT', 'The offsets to be altered may not be null or empty')
}

/** KIP-875: offsets change only while the connector is STOPPED with no tasks. */
export function notStoppedError(name: string): BadRequestError {
  return new BadRequestError(
    `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`,
  )
}

/** Validation, plugins and topic tracking over one worker, for either herder. */
export class HerderCore {
  readonly #o: HerderCoreOptions
  readonly #connectorCache = new Map<string, Connector>()

  constructor(options: HerderCoreOptions) {
    this.#o = options
  }

  get #worker(): ConnectWorker {
    return this.#o.worker()
  }

  /** The connector's type (`source`/`sink`/`unknown`) from its class, even before the worker started. */
  connectorType(config: Readonly<Record<string, string>> | undefined): ConnectorType {
    let plugins: ConnectWorker['plugins'] | undefined
    try {
      plugins = this.#worker.plugins
    } catch {
      plugins = undefined
    }
    return connectorTypeOf(plugins, config)
  }

  /** The newest installed version of the connector's class (the `version` statuses report). */
  pluginVersion(config: Readonly<Record<string, string>> | undefined): string | undefined {
    const cls = config?.[CONNECTOR_CLASS_CONFIG]
    if (cls === undefined) return undefined
    let plugins: ConnectWorker['plugins']
    try {
      plugins = this.#worker.plugins
    } catch {
      return undefined
    }
    return latestVersion(plugins, cls, ['source', 'sink']) ?? undefined
  }

  async validateConnectorConfig(config: Record<string, string>): Promise<ConfigInfos> {
    // Kafka validates the resolved config (WorkerConfigTransformer.transform without a connector name).
    const resolved = (await this.#o.configTransformer?.resolve(config)) ?? config
    return validateConnectorConfig(
      {
        plugins: this.#worker.plugins,
        workerProps: this.#o.workerProps,
        connectorInstance: (entry) => this.#connectorInstance(entry),
      },
      resolved as RawConnectorProps,
    )
  }

  /** The check before a create or update: throws Kafka's 400 listing every error; returns the infos. */
  async validateOrThrow(config: Record<string, string>): Promise<ConfigInfos> {
    const infos = await this.validateConnectorConfig(config)
    const invalid = invalidConnectorConfigError(infos)
    if (invalid !== null) throw invalid
    return infos
  }

  plugins(connectorsOnly: boolean): PluginInfo[] {
    const kinds = connectorsOnly ? PLUGIN_KIND_ORDER.slice(0, 2) : PLUGIN_KIND_ORDER
    const seen = new Set<string>()
    const out: PluginInfo[] = []
    for (const kind of kinds) {
      for (const e of [...this.#worker.plugins.list(kind)].sort(comparePluginEntries)) {
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
    const plugins = this.#worker.plugins
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

  connectorActiveTopics(name: string): string[] {
    if (!this.#flag('topic.tracking.enable')) throw new ForbiddenError('Topic tracking is disabled.')
    // Like Kafka Connect, an unknown connector simply has no active topics.
    return javaHashOrder(this.#worker.activeTopics(name))
  }

  resetConnectorActiveTopics(name: string): void {
    if (!this.#flag('topic.tracking.enable')) throw new ForbiddenError('Topic tracking is disabled.')
    if (!this.#flag('topic.tracking.allow.reset'))
      throw new ForbiddenError('Topic tracking reset is disabled.')
    this.#worker.resetActiveTopics(name)
  }

  #flag(key: string): boolean {
    return (this.#o.workerProps[key] ?? 'true').trim().toLowerCase() !== 'false'
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
}
