import type { Connector, ConnectorProps } from '@sluice/api'
import { ConnectError } from '@sluice/api'
import type { Clock } from '../clock.js'
import type { State, TargetState } from '../worker/worker-api.js'
import type { RestartPolicyOptions } from './restart-policy.js'
import { type SupervisorDecision, TaskSupervisor } from './task-supervisor.js'

/**
 * Connector key (a Sluice extension) that overrides the worker's `task.restart.max.attempts` for one
 * connector; `0` never restarts its failed tasks, as Java Kafka Connect.
 */
export const CONNECTOR_RESTART_ATTEMPTS_KEY = 'task.restart.max.attempts'

/** What a task owner asks its connector actor when its actor failed (and tells it on a REST restart). */
export interface TaskSupervision {
  onFailure(err: ConnectError): SupervisorDecision
  reset(): void
}

/** A task as its connector actor sees it: started, stopped and restarted by its owner. */
export interface SupervisedTask {
  readonly id: { readonly connector: string; readonly task: number }
  stop(): Promise<void>
}

/** Why a connector actor escalated to its supervisor. */
export interface Escalation {
  readonly connector: string
  readonly task: number
  /** The failure that spent the task's budget (or that is not retried). */
  readonly error: ConnectError
  readonly reason: string
  /** Tasks of the connector that are given up on, after this one. */
  readonly failedTasks: readonly number[]
  /** Whether every task this actor supervises has now been given up on. */
  readonly allTasksFailed: boolean
}

/** The parent of connector actors (the worker): connector failures and escalations end there. */
export interface ConnectorSupervisor {
  /** The connector instance failed (start, stop, `raiseError`): it is FAILED, its tasks keep running. */
  onConnectorFailure(connector: string, err: unknown): void
  /** A task of the connector was given up on (its restart budget is spent, or a data error). */
  onEscalation(e: Escalation): void
}

export interface ConnectorActorDeps {
  readonly clock: Clock
  /** The worker's restart policy (`task.restart.*` worker keys). */
  readonly restart: RestartPolicyOptions
  readonly supervisor: ConnectorSupervisor
  readonly onState: (state: State, trace?: string) => void
  /** `ConnectorContext.requestTaskReconfiguration()` of the instance. */
  readonly requestTaskReconfiguration: () => void
}

/**
 * The middle of the supervision tree (worker → connector actor → task owners): one per connector on
 * this worker. It owns the connector instance's lifecycle, registers the connector's task owners and
 * makes every restart decision for them — one {@link TaskSupervisor} budget per task, with the
 * connector's `task.restart.max.attempts` over the worker's — and escalates to its
 * {@link ConnectorSupervisor} when a task is given up on. A connector's tasks may run on a worker that
 * does not run the connector itself (distributed mode), so an actor may hold tasks and no instance.
 */
export class ConnectorActor {
  readonly name: string
  /** The connector's config as last started (its restart key applies to tasks attached after). */
  props: ConnectorProps
  target: TargetState
  /**
   * Whether the connector itself is assigned to this worker (running, paused or STOPPED here), rather
   * than only some of its tasks.
   */
  assigned = false
  readonly #deps: ConnectorActorDeps
  #instance: Connector | undefined
  readonly #tasks = new Map<number, SupervisedTask>()
  readonly #budgets = new Map<number, TaskSupervisor>()
  readonly #gaveUp = new Set<number>()

  constructor(name: string, props: ConnectorProps, target: TargetState, deps: ConnectorActorDeps) {
    this.name = name
    this.props = props
    this.target = target
    this.#deps = deps
  }

  get instance(): Connector | undefined {
    return this.#instance
  }

  /** Whether the actor holds nothing: not assigned, no instance, no tasks (the worker forgets it). */
  get idle(): boolean {
    return !this.assigned && this.#instance === undefined && this.#tasks.size === 0
  }

  /** The restart policy of this connector's tasks: the worker's, with the connector's override. */
  restartPolicy(): RestartPolicyOptions {
    const raw = this.props[CONNECTOR_RESTART_ATTEMPTS_KEY]
    if (raw === undefined || raw.trim() === '') return this.#deps.restart
    const n = Number(raw.trim())
    if (!Number.isInteger(n) || n < 0)
      throw new ConnectError(
        'XC_CONFIG_INVALID',
        `Invalid value ${raw} for configuration ${CONNECTOR_RESTART_ATTEMPTS_KEY}: Value must be at least 0 (0 never restarts a failed task)`,
      )
    return { ...this.#deps.restart, maxRestarts: n }
  }

  // ---- the connector instance ----------------------------------------------------------------

  /**
   * Starts the connector instance. A failure is the supervisor's (the connector goes FAILED) and is
   * rethrown to the caller.
   */
  async start(instance: Connector): Promise<void> {
    instance.initialize({
      requestTaskReconfiguration: () => this.#deps.requestTaskReconfiguration(),
      raiseError: (error: Error) => this.#deps.supervisor.onConnectorFailure(this.name, error),
    })
    try {
      await instance.start(this.props)
    } catch (err) {
      this.#deps.supervisor.onConnectorFailure(this.name, err)
      throw err
    }
    this.#instance = instance
    this.#deps.onState(this.target === 'PAUSED' ? 'PAUSED' : 'RUNNING')
  }

  /** Stops the connector instance (not its tasks); false if `stop()` threw (then it is FAILED). */
  async stopInstance(): Promise<boolean> {
    const instance = this.#instance
    this.#instance = undefined
    if (instance === undefined) return true
    try {
      await instance.stop()
      return true
    } catch (err) {
      this.#deps.supervisor.onConnectorFailure(this.name, err)
      return false
    }
  }

  // ---- its tasks ------------------------------------------------------------------------------

  /** Registers a task owner; the returned supervision is the only way it learns what to do on failure. */
  attach(task: SupervisedTask): TaskSupervision {
    const n = task.id.task
    this.#tasks.set(n, task)
    this.#gaveUp.delete(n)
    const budget = new TaskSupervisor(this.#deps.clock, this.restartPolicy())
    this.#budgets.set(n, budget)
    return {
      onFailure: (err) => this.#onTaskFailure(task, budget, err),
      reset: () => {
        budget.reset()
        this.#gaveUp.delete(n)
      },
    }
  }

  /** Forgets a task that was stopped (only if `task` is still the registered owner). */
  detach(task: SupervisedTask): void {
    const n = task.id.task
    if (this.#tasks.get(n) !== task) return
    this.#tasks.delete(n)
    this.#budgets.delete(n)
    this.#gaveUp.delete(n)
  }

  get tasks(): readonly SupervisedTask[] {
    return [...this.#tasks.values()]
  }

  /** Tasks given up on (FAILED) since they were attached or last restarted through REST. */
  get failedTasks(): readonly number[] {
    return [...this.#gaveUp].sort((a, b) => a - b)
  }

  #onTaskFailure(task: SupervisedTask, budget: TaskSupervisor, err: ConnectError): SupervisorDecision {
    const decision = budget.onFailure(err)
    if (decision.action === 'restart') return decision
    // Given up: the connector's tasks can no longer all make progress; the supervisor hears of it.
    const n = task.id.task
    if (this.#tasks.get(n) === task) this.#gaveUp.add(n)
    const failedTasks = this.failedTasks
    this.#deps.supervisor.onEscalation({
      connector: this.name,
      task: n,
      error: err,
      reason: decision.reason,
      failedTasks,
      allTasksFailed: this.#tasks.size > 0 && failedTasks.length === this.#tasks.size,
    })
    return decision
  }

  /** Stops every task of the connector (in parallel: the graceful timeout is one budget). */
  async stopTasks(): Promise<void> {
    const tasks = this.tasks
    await Promise.all(tasks.map((t) => t.stop()))
    for (const t of tasks) this.detach(t)
  }
}
