import { MessageChannel, type MessagePort } from 'node:worker_threads'
import type { SourceOffset, SourcePartition, TopicPartitionOffset } from '@sluice/api'
import { ConnectError, decodeError, encodeError, errorTrace } from '@sluice/api'
import type { Clock, ClockTimer } from '../clock.js'
import type { KafkaClientFactory } from '../kafka-io/client-types.js'
import { SinkConsumer } from '../kafka-io/sink-consumer.js'
import { SourceProducer } from '../kafka-io/source-producer.js'
import { RestartPolicy, type RestartPolicyOptions } from '../supervisor/restart-policy.js'
import * as telemetry from '../telemetry/events.js'
import { decode, send } from '../wire/codec.js'
import type { FromTask, ProduceRecord, TaskSpec, ToTask } from '../wire/messages.js'
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

export interface TaskProxyDeps {
  readonly clock: Clock
  readonly listener: StatusListener
  readonly launch: ActorLauncher
  readonly kafka: KafkaClientFactory
  readonly offsets: SourceOffsetStore
  readonly restart: RestartPolicyOptions
  readonly gracefulTimeoutMs: number
  /** Client configs for this task (worker defaults + connector overrides + forced settings). */
  readonly producerConfig: Record<string, string | number | boolean>
  readonly consumerConfig: Record<string, string | number | boolean>
  readonly sinkTopics: readonly string[]
  readonly sinkTopicsRegex: string | undefined
  readonly maxPollRecords: number
  readonly onTopicUsed: (topic: string) => void
}

interface SourceBatch {
  readonly offsets: ReadonlyArray<readonly [SourcePartition, SourceOffset]>
  acked: boolean
}

/**
 * The main-thread half of a task actor and its supervisor: owns the task's Kafka client (through the
 * Kafka I/O actor's producer/consumer wrappers), relays batches to and from the actor on the pool,
 * tracks which source offsets are safe to commit, and restarts the actor with capped exponential
 * backoff when it fails or its thread dies.
 */
export class TaskProxy {
  readonly id: ConnectorTaskId
  readonly #deps: TaskProxyDeps
  readonly #spec: Omit<TaskSpec, 'targetState'>
  readonly #policy: RestartPolicy
  #target: TargetState
  #state: State = 'UNASSIGNED'
  #port: MessagePort | undefined
  #restartTimer: ClockTimer | undefined
  #stopping = false
  #stoppedSignal: (() => void) | undefined
  // source
  #producer: SourceProducer | undefined
  /** Batches of the current actor generation, in the order they were sent. */
  #gen: { readonly batches: Map<number, SourceBatch>; readonly order: number[] } = {
    batches: new Map(),
    order: [],
  }
  /** Offsets acknowledged in order and not yet flushed to the store. */
  readonly #committable = new Map<string, readonly [SourcePartition, SourceOffset]>()
  // sink
  #consumer: SinkConsumer | undefined
  #nextReq = 1
  readonly #replies = new Map<number, (msg: FromTask) => void>()
  /** Records produced/consumed by this task; exposed for benchmarks and backpressure tests. */
  recordsIn = 0
  /** Highest count of sink batches waiting for `put` at once (proof that the buffer is bounded). */
  maxOutstandingBatches = 0
  /** Largest sink batch handed to the actor (with the batch bound, caps the records buffered). */
  maxBatchRecords = 0
  /** telemetry: traced sink records waiting for put and commit. */
  readonly #sinkTraces = new telemetry.SinkTraces()
  #lagPublishedAt = 0
  #lagTimer: ClockTimer | undefined

  constructor(
    id: ConnectorTaskId,
    spec: Omit<TaskSpec, 'targetState'>,
    target: TargetState,
    deps: TaskProxyDeps,
  ) {
    this.id = id
    this.#spec = spec
    this.#target = target
    this.#deps = deps
    this.#policy = new RestartPolicy(deps.clock, deps.restart)
  }

  get state(): State {
    return this.#state
  }

  #setState(state: State, trace?: string): void {
    this.#state = state
    this.#deps.listener.onTaskState(this.id, state, trace)
  }

  /** Starts the actor (and its Kafka client). */
  async start(): Promise<void> {
    this.#stopping = false
    if (this.#spec.kind === 'source') {
      this.#producer ??= await SourceProducer.open(
        this.#deps.kafka,
        this.#deps.producerConfig,
        `${this.id.connector}-${this.id.task}`,
      )
    }
    if (this.#spec.kind === 'sink') {
      this.#consumer ??= await SinkConsumer.open(
        this.#deps.kafka,
        this.#deps.consumerConfig,
        {
          name: `${this.id.connector}-${this.id.task}`,
          topics: this.#deps.sinkTopics,
          topicsRegex: this.#deps.sinkTopicsRegex,
          maxInFlightBatches: this.#spec.maxInFlightBatches,
          maxPollRecords: this.#deps.maxPollRecords,
        },
        {
          deliver: (batch, topics, records) => {
            this.recordsIn += records.length
            for (const t of topics) this.#deps.onTopicUsed(t)
            this.maxBatchRecords = Math.max(this.maxBatchRecords, records.length)
            this.maxOutstandingBatches = Math.max(
              this.maxOutstandingBatches,
              this.#consumer?.outstanding ?? 0,
            )
            this.#sinkTraces.read(this.id, batch, topics, records) // telemetry
            this.#publishLag()
            this.#post({ type: 'records', batch, topics, records })
          },
          assigned: (partitions) => {
            this.#publishPartitions() // telemetry
            this.#post({ type: 'partitions.assigned', req: this.#nextReq++, partitions })
          },
          revoked: (partitions) => {
            this.#publishPartitions() // telemetry
            this.#post({ type: 'partitions.revoked', req: this.#nextReq++, partitions })
          },
          failed: (err) => this.#onFailure(err),
        },
      )
    }
    // Launched once its Kafka client is open: if opening fails, no actor is left running (and
    // reporting RUNNING) behind the FAILED state. The consumer delivers only after start() below.
    this.#launch()
    if (this.#consumer !== undefined) {
      this.#consumer.setTargetPaused(this.#target !== 'STARTED')
      this.#consumer.start()
    }
  }

  #launch(): void {
    const { port1, port2 } = new MessageChannel()
    this.#port = port1
    // A new actor starts a new batch sequence; late acks of its predecessor can no longer block it.
    this.#gen = { batches: new Map(), order: [] }
    port1.on('message', (buf: ArrayBuffer) => this.#onMessage(port1, decode<FromTask>(buf)))
    const spec: TaskSpec = { ...this.#spec, targetState: this.#target }
    const run = this.#deps.launch(port2, spec)
    run.then(
      () => undefined,
      (err: unknown) => {
        // The actor's thread died (crash, exit, OOM): everything on it is gone.
        if (this.#port !== port1) return
        this.#onFailure(
          new ConnectError('XC_WORKER_LOST', `task thread died: ${(err as Error).message}`, { cause: err }),
        )
      },
    )
  }

  #post(msg: ToTask): void {
    if (this.#port !== undefined) send(this.#port, msg)
  }

  #onMessage(port: MessagePort, msg: FromTask): void {
    if (port !== this.#port) return // a message from an abandoned actor
    switch (msg.type) {
      case 'state':
        this.#setState(msg.state)
        return
      case 'batch':
        this.#onSourceBatch(msg)
        return
      case 'offsets.read':
        this.#post({
          type: 'offsets',
          req: msg.req,
          // Offsets acknowledged but not yet flushed are newer than the store's: a restarted actor
          // resumes from them, which avoids re-sending what a failed predecessor already delivered.
          offsets: msg.partitions.map(
            (p) =>
              this.#committable.get(JSON.stringify(p))?.[1] ?? this.#deps.offsets.get(this.id.connector, p),
          ),
        })
        return
      case 'records.done':
        this.#sinkTraces.put(this.id, msg.batch, msg.stats) // telemetry
        this.#consumer?.batchDone(msg.batch)
        return
      case 'precommit.done':
      case 'partitions.done': {
        const reply = this.#replies.get(msg.req)
        this.#replies.delete(msg.req)
        reply?.(msg)
        return
      }
      case 'sink.pause':
        this.#consumer?.pausePartitions(msg.partitions)
        return
      case 'sink.resume':
        this.#consumer?.resumePartitions(msg.partitions)
        return
      case 'sink.rewind':
        this.#consumer?.seek(msg.offsets)
        return
      case 'sink.request-commit':
        void this.commitSink()
        return
      case 'failed':
        this.#onFailure(decodeError(msg.error))
        return
      case 'stopped':
        this.#port = undefined
        port.close()
        this.#stoppedSignal?.()
        return
      case 'diagnostics': {
        const reply = this.#replies.get(msg.req)
        this.#replies.delete(msg.req)
        reply?.(msg)
        return
      }
    }
  }

  #onSourceBatch(msg: Extract<FromTask, { type: 'batch' }>): void {
    const producer = this.#producer!
    const entry: SourceBatch = { offsets: msg.offsets, acked: false }
    const gen = this.#gen
    gen.batches.set(msg.batch, entry)
    gen.order.push(msg.batch)
    this.recordsIn += msg.records.length
    for (const t of msg.topics) this.#deps.onTopicUsed(t)
    const port = this.#port
    // telemetry: poll figures, and traceparent stamped on sampled records before they are produced.
    const tele = telemetry.sourceBatch(this.id, msg.stats, msg.topics, msg.records as ProduceRecord[])
    producer.produce(
      msg.topics,
      msg.records,
      (err) => {
        tele?.ack(msg.records.length, err)
        if (err !== undefined) {
          if (port === this.#port)
            this.#post({ type: 'produce.failed', batch: msg.batch, error: encodeError(err) })
          return
        }
        entry.acked = true
        // A batch's offsets are committable only when it and every earlier batch are acknowledged.
        while (gen.order.length > 0 && gen.batches.get(gen.order[0]!)!.acked) {
          const id = gen.order.shift()!
          for (const [p, o] of gen.batches.get(id)!.offsets) this.#committable.set(JSON.stringify(p), [p, o])
          gen.batches.delete(id)
        }
        // Acks of a stopping actor still make offsets committable: the data is in Kafka.
        if (port === this.#port) this.#post({ type: 'produced', batch: msg.batch })
      },
      tele?.traces,
    )
  }

  /** Moves acknowledged source offsets into the store (the caller flushes the store). */
  takeCommittableOffsets(): Array<{ partition: SourcePartition; offset: SourceOffset }> {
    const out = [...this.#committable.values()].map(([partition, offset]) => ({ partition, offset }))
    this.#committable.clear()
    return out
  }

  /** Tells the task its offsets were flushed (SourceTask.commit). */
  notifyOffsetsCommitted(): void {
    this.#post({ type: 'offsets.committed' })
  }

  #ask(build: (req: number) => ToTask, timeoutMs: number): Promise<FromTask | undefined> {
    return new Promise((resolve) => {
      const msg = build(this.#nextReq++)
      const req = (msg as { req: number }).req
      const t = this.#deps.clock.setTimeout(() => {
        this.#replies.delete(req)
        resolve(undefined)
      }, timeoutMs)
      this.#replies.set(req, (m) => {
        this.#deps.clock.clearTimeout(t)
        resolve(m)
      })
      this.#post(msg)
    })
  }

  /** Sink offset commit: ask the task's preCommit which offsets are safe, then commit them. */
  async commitSink(sync = false): Promise<void> {
    const consumer = this.#consumer
    if (consumer === undefined || this.#port === undefined) return
    const current = consumer.currentOffsets()
    if (current.length === 0) return
    const reply = await this.#ask(
      (req) => ({ type: 'precommit', req, offsets: current }),
      this.#deps.gracefulTimeoutMs,
    )
    if (reply?.type !== 'precommit.done') return
    const start = telemetry.nowMs()
    try {
      const committed = consumer.commit(reply.offsets as TopicPartitionOffset[], sync)
      const end = telemetry.nowMs()
      // telemetry: Kafka's sink commit figures; the traces of records below the committed offsets end.
      telemetry.offsetCommit(this.id, 'sink', committed ? 'completed' : 'skipped', end - start)
      if (committed) this.#sinkTraces.committed(reply.offsets, start, end)
    } catch {
      // A failed commit is retried at the next interval; records may be redelivered, never lost.
      telemetry.offsetCommit(this.id, 'sink', 'failed', telemetry.nowMs() - start)
    }
  }

  /** Diagnostics from the actor's thread (which CJS modules it loaded). */
  async diagnostics(): Promise<{ loadedModules: readonly string[]; threadId: number } | undefined> {
    const reply = await this.#ask((req) => ({ type: 'diagnostics', req }), 5000)
    return reply?.type === 'diagnostics' ? reply : undefined
  }

  #onFailure(err: ConnectError): void {
    if (this.#stopping) return
    const port = this.#port
    this.#port = undefined
    port?.close()
    const trace = errorTrace(err)
    const decision = this.#policy.onFailure()
    if (!decision.restart) {
      this.#setState('FAILED', trace)
      return
    }
    this.#setState('RESTARTING', trace)
    this.#restartTimer = this.#deps.clock.setTimeout(() => {
      this.#restartTimer = undefined
      if (this.#stopping) return
      this.#launch()
    }, decision.delayMs)
  }

  setTargetState(state: TargetState): void {
    this.#target = state
    this.#consumer?.setTargetPaused(state !== 'STARTED')
    this.#post({ type: 'target', state })
  }

  /** Manual restart (REST): resets the failure budget and starts a fresh actor. */
  async restart(): Promise<void> {
    await this.stop()
    this.#policy.reset()
    this.#setState('RESTARTING')
    await this.start()
  }

  /**
   * Two-phase stop: ask the actor to stop and wait up to the graceful timeout, then abandon it (as
   * Kafka Connect abandons a task that does not stop in time). Source offsets acknowledged by then
   * are kept for the final flush; sink offsets put by then are committed.
   */
  async stop(): Promise<void> {
    this.#stopping = true
    if (this.#restartTimer !== undefined) this.#deps.clock.clearTimeout(this.#restartTimer)
    const timeout = this.#deps.gracefulTimeoutMs
    if (this.#consumer !== undefined) {
      await this.#consumer.stopConsuming()
      await this.#waitFor(() => (this.#consumer?.outstanding ?? 0) === 0, timeout)
      await this.commitSink(true).catch(() => undefined)
    }
    if (this.#port !== undefined) {
      const stopped = new Promise<void>((resolve) => {
        this.#stoppedSignal = resolve
      })
      this.#post({ type: 'stop' })
      await Promise.race([stopped, this.#sleep(timeout)])
      this.#stoppedSignal = undefined
      if (this.#port !== undefined) {
        // Abandoned: it did not stop in time. Its thread lives on; its messages are ignored.
        this.#port.close()
        this.#port = undefined
      }
    }
    if (this.#producer !== undefined) {
      const producer = this.#producer
      // Resolves once every ack reached us too, so the offsets of records in Kafka become committable.
      await producer.flush(timeout).catch(() => undefined)
      await producer.close(timeout)
      this.#producer = undefined
    }
    if (this.#consumer !== undefined) {
      await this.#consumer.close()
      this.#consumer = undefined
    }
    this.#sinkTraces.close() // telemetry
    if (this.#lagTimer !== undefined) this.#deps.clock.clearTimeout(this.#lagTimer)
    this.#lagTimer = undefined
    if (this.#state !== 'FAILED') this.#setState('STOPPED')
  }

  /**
   * telemetry: consumer lag per partition from the consumer's cached watermarks, at most once a second,
   * and once more a second after the last batch so that an idle sink's final lag is published.
   */
  #publishLag(): void {
    const now = this.#deps.clock.now()
    const since = now - this.#lagPublishedAt
    if (since < 1000) {
      this.#lagTimer ??= this.#deps.clock.setTimeout(() => {
        this.#lagTimer = undefined
        this.#publishLag()
      }, 1000 - since)
      return
    }
    this.#lagPublishedAt = now
    const consumer = this.#consumer
    if (consumer === undefined) return
    telemetry.sinkPartitions(this.id, consumer.assignedCount)
    telemetry.sinkLag(this.id, () => consumer.lag())
  }

  #publishPartitions(): void {
    // Called from the consumer's rebalance callback, possibly before open() returned it to us.
    queueMicrotask(() => {
      if (this.#consumer !== undefined) telemetry.sinkPartitions(this.id, this.#consumer.assignedCount)
    })
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.#deps.clock.setTimeout(resolve, ms))
  }

  async #waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
  }
}
