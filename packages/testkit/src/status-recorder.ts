import type { ConnectorTaskId, State, StatusListener } from '@sluice/runtime'

/** One state change reported by the worker. */
export interface StatusEvent {
  readonly connector: string
  /** Null for the connector itself. */
  readonly task: number | null
  readonly state: State
  readonly trace: string | undefined
}

/**
 * The worker's {@link StatusListener} in the suite: records every connector and task state change (what
 * a herder's status store would keep) so tests can wait for and assert on them.
 */
export class StatusRecorder implements StatusListener {
  readonly events: StatusEvent[] = []

  onConnectorState(connector: string, state: State, trace?: string): void {
    this.events.push({ connector, task: null, state, trace })
  }

  onTaskState(id: ConnectorTaskId, state: State, trace?: string): void {
    this.events.push({ connector: id.connector, task: id.task, state, trace })
  }

  /** Events of one connector (`task` undefined: connector and tasks; null: the connector only). */
  of(connector: string, task?: number | null): StatusEvent[] {
    return this.events.filter((e) => e.connector === connector && (task === undefined || e.task === task))
  }

  /** The latest state of a connector (`task` null) or task, if any was reported. */
  latest(connector: string, task: number | null): StatusEvent | undefined {
    return this.of(connector, task).at(-1)
  }

  /** Compact history for failure messages: `conn: RUNNING, task 0: RUNNING → PAUSED`. */
  describe(connector: string): string {
    const parts: string[] = []
    const byTask = new Map<number | null, State[]>()
    for (const e of this.of(connector)) byTask.set(e.task, [...(byTask.get(e.task) ?? []), e.state])
    for (const [task, states] of byTask)
      parts.push(`${task === null ? 'connector' : `task ${task}`}: ${states.join(' → ')}`)
    return parts.length === 0 ? 'no state reported' : parts.join('; ')
  }
}
