import type { ConnectorTaskId, State } from '../worker/worker-api.js'

/**
 * Kafka Connect's `MemoryStatusBackingStore`: the last reported state of every connector and task,
 * with the worker that reported it and the failure trace. Standalone mode keeps it in memory only.
 */

/** One status record (Kafka's `AbstractStatus`). */
export interface StatusRecord {
  readonly state: State
  readonly workerId: string
  readonly trace?: string | undefined
  readonly version?: string | undefined
}

/** In-memory statuses of connectors and their tasks. */
export class MemoryStatusStore {
  readonly #connectors = new Map<string, StatusRecord>()
  readonly #tasks = new Map<string, Map<number, StatusRecord>>()

  putConnector(connector: string, status: StatusRecord): void {
    this.#connectors.set(connector, status)
  }

  putTask(id: ConnectorTaskId, status: StatusRecord): void {
    let tasks = this.#tasks.get(id.connector)
    if (tasks === undefined) {
      tasks = new Map()
      this.#tasks.set(id.connector, tasks)
    }
    tasks.set(id.task, status)
  }

  connector(connector: string): StatusRecord | undefined {
    return this.#connectors.get(connector)
  }

  task(id: ConnectorTaskId): StatusRecord | undefined {
    return this.#tasks.get(id.connector)?.get(id.task)
  }

  /** The task statuses of a connector, by task id. */
  tasks(connector: string): Array<{ readonly task: number; readonly status: StatusRecord }> {
    return [...(this.#tasks.get(connector) ?? new Map<number, StatusRecord>()).entries()]
      .map(([task, status]) => ({ task, status }))
      .sort((a, b) => a.task - b.task)
  }

  /** Kafka's `DESTROYED` status of a task: the record goes away. */
  removeTask(id: ConnectorTaskId): void {
    const tasks = this.#tasks.get(id.connector)
    tasks?.delete(id.task)
    if (tasks?.size === 0) this.#tasks.delete(id.connector)
  }

  /** Kafka's `DESTROYED` status of a connector: its record and its tasks' go away. */
  removeConnector(connector: string): void {
    this.#connectors.delete(connector)
    this.#tasks.delete(connector)
  }
}
