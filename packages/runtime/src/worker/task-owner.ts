import { MessageChannel, type MessagePort } from 'node:worker_threads'
import type { SourceOffset, SourcePartition } from '@sluice/api'
import { ConnectError, decodeError, encodeError, errorTrace } from '@sluice/api'
import type { Clock, ClockTimer } from '../clock.js'
import type { KafkaClientFactory } from '../kafka-io/client-types.js'
import { LOGGERS, Logger } from '../log.js'
import type { TaskSupervision } from '../supervisor/connector-actor.js'
import type { RestartPolicyOptions } from '../supervisor/restart-policy.js'
import { TaskSupervisor } from '../supervisor/task-supervisor.js'
import * as telemetry from '../telemetry/events.js'
import { decode, send } from '../wire/codec.js'
import type { FromTask, TaskSpec, ToTask } from '../wire/messages.js'
import { DeadLetterQueue } from './dead-letter-queue.js'
import type { ConnectorTaskId, State, StatusListener, TargetState } from './worker-api.js'

/** Runs a task actor on the pool; resolves/rejects when the actor ends (rejects if its thread dies). */
export type ActorLauncher = (port: MessagePort, spec: TaskSpec) => Promise<void>

/** Where committed source offsets go (the standalone file store, or the offsets topic). */
export interface SourceOffsetStore {
  get(connector: string, partition: SourcePartition): SourceOffset | null
  set(
    connector: string,
    entries: ReadonlyArray<{ partition: SourcePartition; offset: SourceOffset | null }>,
  ): void
  flush(): Promise<void>
}

export interface TaskOwnerDeps {
  readonly clock: Clock
  readonly listener: StatusListener
  readonly launch: ActorLauncher
  readonly kafka: KafkaClientFactory
  readonly bootstrapServers: string
  readonly offsets: SourceOffsetStore
  readonly restart: RestartPolicyOptions
  /**
   * Restart decisions from the task's connector actor (the worker's tree); without it the owner keeps a
   * {@link TaskSupervisor} of its own with `restart` (unit tests of a lone owner).
   */
  readonly supervision?: TaskSupervision
  readonly gracefulTimeoutMs: number
  /** Client configs for this task (worker defaults + connector overrides + forced settings). */
  readonly producerConfig: Record<string, string | number | boolean>
  readonly consumerConfig: Record<string, string | number | boolean>
  readonly sinkTopics: readonly string[]
  readonly sinkTopicsRegex: string | undefined
  readonly maxPollRecords: number
  readonly onTopicUsed: (topic: string) => void
}

/**
 * The lifecycle phase of a task owner. Exactly one owner drives a task through it:
 *
 * ```
 * NEW ──start──▶ ATTACHED ──failure──▶ DETACHED ──backoff──▶ ATTACHED …
 *                   │                     │ (budget spent / data error)
 *                   │                     ▼
 *                   └──────stop──────▶ STOPPED        FAILED
 * ```
 * ATTACHED: a task actor runs and receives data. DETACHED: the actor is gone (failed, thread died)
 * and a restart is scheduled; nothing is delivered to it. FAILED: given up; only a REST restart
 * leaves it.
 */
export type OwnerPhase = 'NEW' | 'ATTACHED' | 'DETACHED' | 'FAILED' | 'STOPPING' | 'STOPPED'

/**
 * What sink and source task owners share: the link to the task actor on the pool (a message port
 * per actor generation), request/reply with it, and the supervision of that actor (restart decisions
 * by {@link TaskSupervisor}, reported as task states). Everything about data and offsets lives in
 * the subclasses, each of which is the single owner of its Kafka client and its offsets.
 */
export abstract class TaskOwner {
  readonly id: ConnectorTaskId
  protected readonly deps: TaskOwnerDeps
  protected readonly spec: Omit<TaskSpec, 'targetState'>
  protected readonly log: Logger
  readonly #supervisor: TaskSupervision
  protected target: TargetState
  #state: State = 'UNASSIGNED'
  #phase: OwnerPhase = 'NEW'
  #port: MessagePort | undefined
  #restartTimer: ClockTimer | undefined
  #stoppedSignal: (() => void) | undefined
  #nextReq = 1
  readonly #replies = new Map<number, (msg: FromTask) => void>()
  /** The task's dead letter queue, when `errors.deadletterqueue.topic.name` is set. */
  readonly dlq: DeadLetterQueue | undefined
  /** Records produced/consumed by this task; exposed for benchmarks and backpressure tests. */
  recordsIn = 0

  constructor(
    id: ConnectorTaskId,
    spec: Omit<TaskSpec, 'targetState'>,
    target: TargetState,
    deps: TaskOwnerDeps,
    loggerName: string,
  ) {
    this.id = id
    this.spec = spec
    this.target = target
    this.deps = deps
    this.log = new Logger(loggerName, `[${id.connector}|task-${id.task}] `)
    this.#supervisor = deps.supervision ?? new TaskSupervisor(deps.clock, deps.restart)
    this.dlq =
      spec.errors.dlqTopic === ''
        ? undefined
        : new DeadLetterQueue(id, spec.errors, deps.kafka, deps.bootstrapServers, deps.producerConfig)
  }

  get state(): State {
    return this.#state
  }

  get phase(): OwnerPhase {
    return this.#phase
  }

  /** Whether a task actor is attached and may be sent data. */
  protected get attached(): boolean {
    return this.#phase === 'ATTACHED' && this.#port !== undefined
  }

  /** Whether an actor generation is linked (also while it is being stopped). */
  protected get hasActor(): boolean {
    return this.#port !== undefined
  }

  protected get stopping(): boolean {
    return this.#phase === 'STOPPING' || this.#phase === 'STOPPED'
  }

  protected setState(state: State, trace?: string): void {
    this.#state = state
    this.deps.listener.onTaskState(this.id, state, trace)
  }

  /** Opens the task's Kafka client (before the first actor starts). */
  protected abstract openClient(): Promise<void>
  /** A new actor generation is attached (first start or restart). */
  protected abstract onAttached(): void
  /** The actor is gone (failed or thread died); a restart may follow. */
  protected abstract onDetached(): void
  /** Data messages of the attached actor. */
  protected abstract onData(msg: FromTask): void

  /** Starts the task: its Kafka client first, then the actor (no actor runs behind a failed client). */
  async start(): Promise<void> {
    if (this.#phase === 'STOPPED' || this.#phase === 'FAILED') this.#phase = 'NEW'
    await this.openClient()
    this.#launch()
  }

  #launch(): void {
    const { port1, port2 } = new MessageChannel()
    this.#port = port1
    this.#phase = 'ATTACHED'
    port1.on('message', (buf: ArrayBuffer) => this.#onMessage(port1, decode<FromTask>(buf)))
    const spec: TaskSpec = { ...this.spec, targetState: this.target }
    this.onAttached()
    this.deps.launch(port2, spec).then(
      () => undefined,
      (err: unknown) => {
        // The actor's thread died (crash, exit, OOM): everything on it is gone.
        if (this.#port !== port1) return
        this.fail(
          new ConnectError('XC_WORKER_LOST', `task thread died: ${(err as Error).message}`, { cause: err }),
        )
      },
    )
  }

  /** Sends to the attached actor; returns false (and sends nothing) when none is attached. */
  protected post(msg: ToTask): boolean {
    if (this.#port === undefined) return false
    send(this.#port, msg)
    return true
  }

  protected nextReq(): number {
    return this.#nextReq++
  }

  #onMessage(port: MessagePort, msg: FromTask): void {
    if (port !== this.#port) return // a message from an abandoned actor generation
    switch (msg.type) {
      case 'state':
        this.setState(msg.state)
        return
      case 'failed':
        telemetry.taskErrors(this.id, msg.errors) // telemetry
        this.fail(decodeError(msg.error))
        return
      case 'stopped':
        telemetry.taskErrors(this.id, msg.errors) // telemetry
        this.#port = undefined
        port.close()
        this.#stoppedSignal?.()
        return
      case 'errant': {
        const dlq = this.dlq
        if (dlq === undefined) {
          this.post({ type: 'errant.done', req: msg.req })
          return
        }
        dlq.write(msg.record).then(
          () => {
            if (port === this.#port) this.post({ type: 'errant.done', req: msg.req })
          },
          (err: unknown) => {
            this.log.error(
              `Could not produce message to dead letter queue. topic=${dlq.topic}: ${(err as Error).message}`,
            )
            if (port === this.#port) this.post({ type: 'errant.done', req: msg.req, error: encodeError(err) })
          },
        )
        return
      }
      case 'precommit.done':
      case 'replay.done':
      case 'source.replay.done':
      case 'partitions.done':
      case 'diagnostics': {
        const reply = this.#replies.get(msg.req)
        this.#replies.delete(msg.req)
        reply?.(msg)
        return
      }
      default:
        this.onData(msg)
    }
  }

  /** Request/reply with the attached actor; resolves undefined on timeout or if none is attached. */
  protected ask(build: (req: number) => ToTask, timeoutMs: number): Promise<FromTask | undefined> {
    return new Promise((resolve) => {
      const msg = build(this.#nextReq++)
      const req = (msg as { req: number }).req
      if (this.#port === undefined) {
        resolve(undefined)
        return
      }
      const t = this.deps.clock.setTimeout(() => {
        this.#replies.delete(req)
        resolve(undefined)
      }, timeoutMs)
      this.#replies.set(req, (m) => {
        this.deps.clock.clearTimeout(t)
        resolve(m)
      })
      this.post(msg)
    })
  }

  /** Diagnostics from the actor's thread (which CJS modules it loaded). */
  async diagnostics(): Promise<{ loadedModules: readonly string[]; threadId: number } | undefined> {
    const reply = await this.ask((req) => ({ type: 'diagnostics', req }), 5000)
    return reply?.type === 'diagnostics' ? reply : undefined
  }

  /**
   * The actor failed (or its thread died): detach it, then let the supervisor decide. Every attempt
   * is visible: RESTARTING carries the attempt count and the trace, and the log says the same.
   */
  protected fail(err: ConnectError): void {
    if (this.stopping || this.#phase === 'FAILED') return
    const port = this.#port
    this.#port = undefined
    port?.close()
    for (const reply of this.#replies.values()) reply({ type: 'stopped' })
    this.#replies.clear()
    this.#phase = 'DETACHED'
    this.onDetached()
    const trace = errorTrace(err)
    const decision = this.#supervisor.onFailure(err)
    if (decision.action === 'fail') {
      this.#phase = 'FAILED'
      this.log.error(
        `${this.#taskName()} Task threw an uncaught and unrecoverable exception; ${decision.reason}. Task is being killed and will not recover until manually restarted\n${trace}`,
      )
      this.setState('FAILED', trace)
      return
    }
    const note = `Restart attempt ${decision.attempt} of ${decision.maxAttempts} in ${decision.delayMs} ms (${decision.failure} failure)`
    this.log.warn(`${this.#taskName()} ${note}\n${trace}`)
    this.setState('RESTARTING', `${note}\n${trace}`)
    this.#restartTimer = this.deps.clock.setTimeout(() => {
      this.#restartTimer = undefined
      if (this.#phase !== 'DETACHED') return
      // The client is reopened first if the failure took it down (a fatal consumer error).
      this.openClient().then(
        () => {
          if (this.#phase === 'DETACHED') this.#launch()
        },
        (e: unknown) =>
          this.fail(ConnectError.is(e) ? e : new ConnectError('XC_KAFKA', String(e), { cause: e })),
      )
    }, decision.delayMs)
  }

  #taskName(): string {
    return `${this.spec.kind === 'sink' ? 'WorkerSinkTask' : 'WorkerSourceTask'}{id=${this.id.connector}-${this.id.task}}`
  }

  setTargetState(state: TargetState): void {
    this.target = state
    this.post({ type: 'target', state })
  }

  /** Manual restart (REST): resets the failure budget and starts a fresh actor. */
  async restart(): Promise<void> {
    await this.stop()
    this.#supervisor.reset()
    this.setState('RESTARTING')
    await this.start()
  }

  /** Subclass work before the actor is asked to stop (drain, final commit). */
  protected abstract beforeActorStop(): Promise<void>
  /** Subclass work after the actor stopped (flush and close the client). */
  protected abstract afterActorStop(): Promise<void>

  /**
   * Two-phase stop: ask the actor to stop and wait up to the graceful timeout, then abandon it (as
   * Kafka Connect abandons a task that does not stop in time).
   */
  async stop(): Promise<void> {
    const wasFailed = this.#phase === 'FAILED'
    const wasAttached = this.#phase === 'ATTACHED'
    this.#phase = 'STOPPING'
    if (this.#restartTimer !== undefined) this.deps.clock.clearTimeout(this.#restartTimer)
    this.#restartTimer = undefined
    if (wasAttached) await this.beforeActorStop()
    if (this.#port !== undefined) {
      const stopped = new Promise<void>((resolve) => {
        this.#stoppedSignal = resolve
      })
      this.post({ type: 'stop' })
      await Promise.race([stopped, this.sleep(this.deps.gracefulTimeoutMs)])
      this.#stoppedSignal = undefined
      if (this.#port !== undefined) {
        // Abandoned: it did not stop in time. Its thread lives on; its messages are ignored.
        this.#port.close()
        this.#port = undefined
      }
    }
    await this.afterActorStop()
    await this.dlq?.close(this.deps.gracefulTimeoutMs)
    this.#phase = 'STOPPED'
    if (!wasFailed && this.#state !== 'FAILED') this.setState('STOPPED')
  }

  protected sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.deps.clock.setTimeout(resolve, ms))
  }

  /** Waits on the wall clock (events from threads, not timer decisions) until `cond` or the timeout. */
  protected async waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
  }
}

export { LOGGERS }
