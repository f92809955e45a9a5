import type { ConnectorTaskId, TargetState } from '../worker/worker-api.js'
import type { ConfigRecord, SessionKey } from './config-records.js'

/**
 * The cluster's connector and task configs as folded from the config topic (Kafka's
 * `ClusterConfigState`). Task configs arrive in `task-` records and only take effect with the
 * connector's `commit-` record; until then they are buffered, and a commit that does not cover task ids
 * 0..n-1 marks the connector inconsistent (its old task configs stay in force).
 */
export interface ClusterConfigSnapshot {
  /** Last consumed record's offset + 1; -1 before any record. */
  readonly offset: bigint
  readonly sessionKey: SessionKey | null
  /** Connector names, sorted as Java's `String.compareTo`. */
  readonly connectors: readonly string[]
  connectorConfig(connector: string): Readonly<Record<string, string>> | undefined
  targetState(connector: string): TargetState | undefined
  taskCount(connector: string): number
  taskConfig(id: ConnectorTaskId): Readonly<Record<string, string>> | undefined
  /** Task ids of a connector, ascending. */
  tasks(connector: string): ConnectorTaskId[]
  /** Connectors whose last commit did not cover its task configs. */
  readonly inconsistent: ReadonlySet<string>
  /** Bumped each time a connector's task configs are committed (`connectorTaskConfigGenerations`). */
  taskConfigGeneration(connector: string): number
  /** The last `tasks-fencing-` count per connector (KIP-618). */
  taskCountRecord(connector: string): number | undefined
  /** Connectors whose task configs were committed after their last fencing record. */
  readonly pendingFencing: ReadonlySet<string>
}

/** What applying a record changed, for the herder's listeners. */
export type ConfigChange =
  | { readonly kind: 'connector-config'; readonly connector: string; readonly removed: boolean }
  | { readonly kind: 'task-configs'; readonly connector: string }
  | { readonly kind: 'target-state'; readonly connector: string }
  | { readonly kind: 'session-key' }
  | {
      readonly kind: 'restart'
      readonly connector: string
      readonly includeTasks: boolean
      readonly onlyFailed: boolean
    }
  | { readonly kind: 'logger'; readonly namespace: string; readonly level: string }
  | { readonly kind: 'none' }

const byJavaOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** Folds config-topic records, in offset order, into a {@link ClusterConfigSnapshot}. */
export class ConfigStateBuilder {
  #offset = -1n
  #sessionKey: SessionKey | null = null
  readonly #connectorConfigs = new Map<string, Record<string, string>>()
  readonly #targetStates = new Map<string, TargetState>()
  readonly #taskCounts = new Map<string, number>()
  readonly #taskConfigs = new Map<string, Map<number, Record<string, string>>>()
  readonly #deferred = new Map<string, Map<number, Record<string, string>>>()
  readonly #inconsistent = new Set<string>()
  readonly #generations = new Map<string, number>()
  readonly #taskCountRecords = new Map<string, number>()
  readonly #pendingFencing = new Set<string>()

  get offset(): bigint {
    return this.#offset
  }

  /**
   * Applies one decoded record at `offset`. Every record whose value decodes moves the offset, whatever
   * its key (Java: `offset = record.offset() + 1`), including unknown keys (pass `undefined`).
   */
  apply(record: ConfigRecord | undefined, offset: bigint): ConfigChange {
    this.#offset = offset + 1n
    if (record === undefined) return { kind: 'none' }
    switch (record.kind) {
      case 'connector': {
        const c = record.connector
        if (record.properties === null) {
          this.#connectorConfigs.delete(c)
          this.#targetStates.delete(c)
          this.#taskCounts.delete(c)
          this.#taskConfigs.delete(c)
          this.#deferred.delete(c)
          this.#inconsistent.delete(c)
          return { kind: 'connector-config', connector: c, removed: true }
        }
        this.#connectorConfigs.set(c, record.properties)
        // A new connector without a target-state record runs (Java defaults to STARTED).
        if (!this.#targetStates.has(c)) this.#targetStates.set(c, 'STARTED')
        return { kind: 'connector-config', connector: c, removed: false }
      }
      case 'task': {
        // Buffered until the commit; a tombstone for one task is meaningless in Connect and ignored.
        if (record.properties === null) return { kind: 'none' }
        let d = this.#deferred.get(record.connector)
        if (d === undefined) {
          d = new Map()
          this.#deferred.set(record.connector, d)
        }
        d.set(record.task, record.properties)
        return { kind: 'none' }
      }
      case 'commit': {
        const c = record.connector
        const d = this.#deferred.get(c) ?? new Map<number, Record<string, string>>()
        let complete = true
        for (let i = 0; i < record.tasks; i++) if (!d.has(i)) complete = false
        if (!complete) {
          this.#inconsistent.add(c)
          this.#deferred.delete(c)
          return { kind: 'none' }
        }
        this.#taskConfigs.set(c, new Map([...d].filter(([id]) => id < record.tasks)))
        this.#taskCounts.set(c, record.tasks)
        this.#deferred.delete(c)
        this.#inconsistent.delete(c)
        this.#generations.set(c, (this.#generations.get(c) ?? 0) + 1)
        this.#pendingFencing.add(c)
        return { kind: 'task-configs', connector: c }
      }
      case 'target-state':
        if (record.state === null) this.#targetStates.delete(record.connector)
        else this.#targetStates.set(record.connector, record.state)
        return { kind: 'target-state', connector: record.connector }
      case 'session-key':
        this.#sessionKey = record.sessionKey
        return { kind: 'session-key' }
      case 'restart':
        return {
          kind: 'restart',
          connector: record.connector,
          includeTasks: record.includeTasks,
          onlyFailed: record.onlyFailed,
        }
      case 'tasks-fencing':
        if (record.taskCount === null) this.#taskCountRecords.delete(record.connector)
        else this.#taskCountRecords.set(record.connector, record.taskCount)
        this.#pendingFencing.delete(record.connector)
        return { kind: 'none' }
      case 'logger':
        return record.level === null
          ? { kind: 'none' }
          : { kind: 'logger', namespace: record.namespace, level: record.level }
    }
  }

  /** An immutable view of the current state. */
  snapshot(): ClusterConfigSnapshot {
    const connectorConfigs = new Map(this.#connectorConfigs)
    const targetStates = new Map(this.#targetStates)
    const taskCounts = new Map(this.#taskCounts)
    const taskConfigs = new Map([...this.#taskConfigs].map(([c, m]) => [c, new Map(m)] as const))
    const generations = new Map(this.#generations)
    const taskCountRecords = new Map(this.#taskCountRecords)
    return {
      offset: this.#offset,
      sessionKey: this.#sessionKey,
      connectors: [...connectorConfigs.keys()].sort(byJavaOrder),
      connectorConfig: (c) => connectorConfigs.get(c),
      targetState: (c) => targetStates.get(c),
      taskCount: (c) => taskCounts.get(c) ?? 0,
      taskConfig: (id) => taskConfigs.get(id.connector)?.get(id.task),
      tasks: (c) => {
        const n = connectorConfigs.has(c) ? (taskCounts.get(c) ?? 0) : 0
        return Array.from({ length: n }, (_, task) => ({ connector: c, task }))
      },
      inconsistent: new Set(this.#inconsistent),
      taskConfigGeneration: (c) => generations.get(c) ?? 0,
      taskCountRecord: (c) => taskCountRecords.get(c),
      pendingFencing: new Set(this.#pendingFencing),
    }
  }
}
