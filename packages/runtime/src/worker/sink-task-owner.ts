import type { TopicPartition, TopicPartitionOffset } from '@sluice/api'
import { ConnectError } from '@sluice/api'
import type { PackedRecords } from '@sluice/kafka'
import type { ClockTimer } from '../clock.js'
import { SinkConsumer } from '../kafka-io/sink-consumer.js'
import * as telemetry from '../telemetry/events.js'
import type { ConsumedRecord, FromTask, TaskSpec } from '../wire/messages.js'
import { SinkOffsetLedger } from './sink-offset-ledger.js'
import { LOGGERS, TaskOwner, type TaskOwnerDeps } from './task-owner.js'
import type { ConnectorTaskId, TargetState } from './worker-api.js'

/**
 * The single owner of a sink task (Kafka's WorkerSinkTask): its consumer, its offset ledger, its
 * actor generations and their supervision. The rules hold by construction:
 * - a batch is delivered only while an actor is attached; one that was in flight when the actor
 *   died is read again (the consumer is rewound to the committed offsets, credits are reset, and the
 *   new actor gets `open()` for the assignment before any record);
 * - a commit covers only the contiguous run of finished batches, capped by what `preCommit` approved;
 * - a revoke stops delivery, waits for the batches in flight, runs `preCommit`, commits what it
 *   approved, then `close()`, and only then gives the partitions up.
 */
export class SinkTaskOwner extends TaskOwner {
  #consumer: SinkConsumer | undefined
  readonly #ledger = new SinkOffsetLedger()
  /** Highest count of sink batches waiting for `put` at once (proof that the buffer is bounded). */
  maxOutstandingBatches = 0
  /** Largest sink batch handed to the actor (with the batch bound, caps the records buffered). */
  maxBatchRecords = 0
  #commitChain: Promise<void> = Promise.resolve()
  /** telemetry: traced sink records waiting for put and commit. */
  readonly #sinkTraces = new telemetry.SinkTraces()
  #lagPublishedAt = 0
  #lagTimer: ClockTimer | undefined
  #batchWaiters: Array<() => void> = []

  constructor(
    id: ConnectorTaskId,
    spec: Omit<TaskSpec, 'targetState'>,
    target: TargetState,
    deps: TaskOwnerDeps,
  ) {
    super(id, spec, target, deps, LOGGERS.workerSinkTask)
  }

  /** The offset book (tests and diagnostics). */
  get ledger(): SinkOffsetLedger {
    return this.#ledger
  }

  protected async openClient(): Promise<void> {
    this.#consumer ??= await SinkConsumer.open(
      this.deps.kafka,
      this.deps.consumerConfig,
      {
        name: `${this.id.connector}-${this.id.task}`,
        topics: this.deps.sinkTopics,
        topicsRegex: this.deps.sinkTopicsRegex,
        maxInFlightBatches: this.spec.maxInFlightBatches,
        maxPollRecords: this.deps.maxPollRecords,
      },
      {
        deliver: (batch, topics, records, first, next) => this.#deliver(batch, topics, records, first, next),
        assigned: (partitions) => this.#assigned(partitions),
        revoked: (partitions) => this.#revoked(partitions),
        failed: (err) => {
          // The consumer loop ended on a fatal error: a restart opens a new consumer.
          const dead = this.#consumer
          this.#consumer = undefined
          this.#ledger.revoke(this.#ledger.assignment)
          void dead?.close().catch(() => undefined)
          this.fail(err)
        },
      },
    )
    // Held until an actor is attached: nothing is delivered to no one.
    this.#consumer.hold(true)
    this.#consumer.setTargetPaused(this.target !== 'STARTED')
    this.#consumer.start()
  }

  protected onAttached(): void {
    const assignment = this.#ledger.assignment
    // A new actor opens the partitions it inherits before it sees any of their records.
    if (assignment.length > 0)
      this.post({ type: 'partitions.assigned', req: this.nextReq(), partitions: assignment })
    this.#consumer?.hold(false)
  }

  protected onDetached(): void {
    const consumer = this.#consumer
    if (consumer === undefined) return
    consumer.hold(true)
    consumer.rewind(this.#ledger.restart())
    consumer.resetCredits()
    this.#wakeBatchWaiters()
  }

  #deliver(
    batch: number,
    topics: readonly string[],
    records: PackedRecords,
    first: readonly TopicPartitionOffset[],
    next: readonly TopicPartitionOffset[],
  ): void {
    if (!this.attached) {
      // Cannot happen while the consumer is held; if it does, the records are read again later.
      this.#consumer?.rewind(first)
      this.#consumer?.release()
      return
    }
    this.recordsIn += records.length
    for (const t of topics) this.deps.onTopicUsed(t)
    this.maxBatchRecords = Math.max(this.maxBatchRecords, records.length)
    this.#ledger.delivered(batch, first, next)
    this.maxOutstandingBatches = Math.max(this.maxOutstandingBatches, this.#ledger.outstanding)
    this.#sinkTraces.read(this.id, batch, topics, records) // telemetry
    this.#publishLag()
    this.post({ type: 'records', batch, topics, records })
  }

  #assigned(partitions: readonly TopicPartition[]): void {
    this.#ledger.assign(partitions)
    this.#publishPartitions() // telemetry
    this.post({ type: 'partitions.assigned', req: this.nextReq(), partitions })
  }

  /** Kafka's order on revoke: stop delivery (the consumer did) → drain → preCommit → commit → close. */
  async #revoked(partitions: readonly TopicPartition[]): Promise<void> {
    const timeout = this.deps.gracefulTimeoutMs
    if (this.attached) {
      await this.#waitForBatches(() => !this.#ledger.hasOutstandingFor(partitions), timeout)
      await this.commit(true)
      if (this.attached) await this.ask((req) => ({ type: 'partitions.revoked', req, partitions }), timeout)
    }
    this.#ledger.revoke(partitions)
    this.#publishPartitions() // telemetry
  }

  protected onData(msg: FromTask): void {
    const consumer = this.#consumer
    switch (msg.type) {
      case 'records.done':
        this.#sinkTraces.put(this.id, msg.batch, msg.stats) // telemetry
        if (this.#ledger.finished(msg.batch)) consumer?.release()
        this.#wakeBatchWaiters()
        return
      case 'sink.pause':
        consumer?.pausePartitions(msg.partitions)
        return
      case 'sink.resume':
        consumer?.resumePartitions(msg.partitions)
        return
      case 'sink.rewind':
        consumer?.rewind(msg.offsets)
        return
      case 'sink.request-commit':
        void this.commit()
        return
      default:
        return
    }
  }

  /**
   * Puts DLQ records through the task's pipeline again (DLQ replay). Their offsets are not the
   * consumer's and are never committed; what fails again goes back to the DLQ.
   */
  async replay(
    topics: readonly string[],
    records: readonly ConsumedRecord[],
    timeoutMs: number,
  ): Promise<{ put: number; failed: number }> {
    if (!this.attached)
      throw new ConnectError('XC_ILLEGAL_STATE', `Task ${this.id.connector}-${this.id.task} is not running`)
    const reply = await this.ask((req) => ({ type: 'replay', req, topics, records }), timeoutMs)
    if (reply?.type !== 'replay.done')
      throw new ConnectError(
        'XC_TIMEOUT',
        `Task ${this.id.connector}-${this.id.task} did not finish the replay`,
      )
    return { put: reply.put, failed: reply.failed }
  }

  #wakeBatchWaiters(): void {
    const w = this.#batchWaiters
    this.#batchWaiters = []
    for (const f of w) f()
  }

  async #waitForBatches(cond: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!cond() && this.hasActor && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50)
        this.#batchWaiters.push(() => {
          clearTimeout(t)
          resolve()
        })
      })
    }
  }

  /**
   * Offset commit: ask the task's preCommit which of the put offsets are safe, then commit those
   * (never past what was put). Commits run one after another.
   */
  commit(sync = false): Promise<void> {
    const run = this.#commitChain.then(() => this.#commitOnce(sync))
    this.#commitChain = run.catch(() => undefined)
    return run
  }

  /** Alias kept for the worker's flush loop. */
  commitSink(sync = false): Promise<void> {
    return this.commit(sync)
  }

  async #commitOnce(sync: boolean): Promise<void> {
    const consumer = this.#consumer
    if (consumer === undefined || !this.hasActor || !this.#ledger.dirty) return
    const current = this.#ledger.currentOffsets()
    const reply = await this.ask(
      (req) => ({ type: 'precommit', req, offsets: current }),
      this.deps.gracefulTimeoutMs,
    )
    if (reply?.type !== 'precommit.done') return
    const offsets = this.#ledger.committable(reply.offsets)
    if (offsets.length === 0) return
    const start = telemetry.nowMs()
    try {
      const committed = consumer.commit(offsets, sync)
      this.#ledger.committed(offsets)
      const end = telemetry.nowMs()
      // telemetry: Kafka's sink commit figures; the traces of records below the committed offsets end.
      telemetry.offsetCommit(this.id, 'sink', committed ? 'completed' : 'skipped', end - start)
      if (committed) this.#sinkTraces.committed(offsets, start, end)
    } catch (err) {
      // A failed commit is retried at the next interval; records may be redelivered, never lost.
      telemetry.offsetCommit(this.id, 'sink', 'failed', telemetry.nowMs() - start)
      this.log.warn(`Offset commit failed: ${(err as Error).message}`)
    }
  }

  override setTargetState(state: TargetState): void {
    super.setTargetState(state)
    this.#consumer?.setTargetPaused(state !== 'STARTED')
  }

  /** Java's order on stop: drain → preCommit → commit → close(assignment) → stop. */
  protected async beforeActorStop(): Promise<void> {
    const consumer = this.#consumer
    if (consumer === undefined) return
    await consumer.stopConsuming()
    const timeout = this.deps.gracefulTimeoutMs
    await this.#waitForBatches(() => this.#ledger.outstanding === 0, timeout)
    await this.commit(true)
    const partitions = this.#ledger.assignment
    if (partitions.length > 0 && this.hasActor)
      await this.ask((req) => ({ type: 'partitions.revoked', req, partitions }), timeout)
  }

  protected async afterActorStop(): Promise<void> {
    if (this.#consumer !== undefined) {
      const consumer = this.#consumer
      this.#consumer = undefined
      await consumer.close()
    }
    this.#sinkTraces.close() // telemetry
    if (this.#lagTimer !== undefined) this.deps.clock.clearTimeout(this.#lagTimer)
    this.#lagTimer = undefined
  }

  /**
   * telemetry: consumer lag per partition from the consumer's cached watermarks, at most once a second,
   * and once more a second after the last batch so that an idle sink's final lag is published.
   */
  #publishLag(): void {
    const now = this.deps.clock.now()
    const since = now - this.#lagPublishedAt
    if (since < 1000) {
      this.#lagTimer ??= this.deps.clock.setTimeout(() => {
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
}
