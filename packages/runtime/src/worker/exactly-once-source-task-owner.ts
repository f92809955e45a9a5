import type { SourceOffset, SourcePartition } from '@sluice/api'
import { ConnectError } from '@sluice/api'
import { packRecords } from '@sluice/kafka'
import type { ClockTimer } from '../clock.js'
import { isFencedCode, SourceProducer, TransactionError } from '../kafka-io/source-producer.js'
import { javaPartitionForKey } from '../storage/murmur2.js'
import { canonicalJson, encodeOffsetKey, encodeOffsetValue } from '../storage/offset-records.js'
import * as telemetry from '../telemetry/events.js'
import type { FromTask, TaskSpec } from '../wire/messages.js'
import { LOGGERS, TaskOwner, type TaskOwnerDeps } from './task-owner.js'
import type { ConnectorTaskId, TargetState } from './worker-api.js'

/** KIP-618 `transaction.boundary`. */
export type TransactionBoundary = 'poll' | 'interval' | 'connector'

/** What the herder gives an exactly-once source task (Kafka's `startExactlyOnceSourceTask`). */
export interface ExactlyOnceTaskOptions {
  /** `<group.id>-<connector>-<task>`. */
  readonly transactionalId: string
  readonly boundary: TransactionBoundary
  /** `transaction.boundary.interval.ms` (default `offset.flush.interval.ms`). */
  readonly intervalMs: number
  /** Where the task's producer writes its source offsets, inside each transaction. */
  readonly offsetsTopic: string
  readonly offsetsPartitions: number
  /** Preflight zombie fencing of the previous task generation (by the leader). */
  preflight(stopped: { readonly stopped: boolean }): Promise<void>
  /** After initTransactions: fails if new task configs were generated or the task was revoked meanwhile. */
  verify(): Promise<void>
  /** Reads the offsets topic (read_committed) to its end; offsets handed to the task are then current. */
  readOffsetsToEnd(): Promise<void>
}

/** The records and offsets of the open transaction. */
interface OpenTransaction {
  readonly acks: Array<Promise<ConnectError | undefined>>
  readonly offsets: Map<string, readonly [SourcePartition, SourceOffset]>
  batches: number
}

/**
 * The owner of an exactly-once source task (Kafka's `ExactlyOnceWorkerSourceTask`): a transactional
 * producer (`transactional.id` = `<group.id>-<connector>-<task>`) writes each transaction's records and
 * the source offsets they reach, to the offsets topic, and commits both at once. Batches are processed
 * one at a time, in order; the transaction boundary decides when to commit: after every batch (`poll`)
 * or once `transaction.boundary.interval.ms` has passed (`interval`).
 *
 * Failures: any produce or commit error aborts the open transaction (nothing of it becomes visible
 * under read_committed) and fails the actor, whose supervisor decides what follows; a restarted actor
 * resumes from the last committed offsets. A fenced producer (a newer instance of the task exists)
 * fails the task for good.
 */
export class ExactlyOnceSourceTaskOwner extends TaskOwner {
  readonly #eos: ExactlyOnceTaskOptions
  #producer: SourceProducer | undefined
  #txn: OpenTransaction | undefined
  /** Serialises begin/produce/commit/abort: one transaction at a time, batches in order. */
  #chain: Promise<void> = Promise.resolve()
  /** The actor generation; batches and acks of an older one are dropped (their transaction aborted). */
  #gen = 0
  /** Offsets this owner committed (newer than the store until it reads them back). */
  readonly #committed = new Map<string, readonly [SourcePartition, SourceOffset]>()
  #lastCommit: number
  #timer: ClockTimer | undefined
  #starting: Promise<void> | undefined
  #stopRequested = false
  /** Transactions committed and aborted by this owner (diagnostics and tests). */
  committedTransactions = 0
  abortedTransactions = 0

  constructor(
    id: ConnectorTaskId,
    spec: Omit<TaskSpec, 'targetState'>,
    target: TargetState,
    deps: TaskOwnerDeps,
    eos: ExactlyOnceTaskOptions,
  ) {
    super(id, spec, target, deps, LOGGERS.workerSourceTask)
    this.#eos = eos
    this.#lastCommit = deps.clock.now()
  }

  get stopped(): boolean {
    return this.#stopRequested
  }

  /**
   * Returns at once: fencing may need the leader (a REST round trip, retried through rebalances), and
   * the herder must stay free to rejoin meanwhile (Java runs this on the task's thread too). A failed
   * start is reported through the supervisor like any task failure.
   */
  override start(): Promise<void> {
    this.#stopRequested = false
    this.#starting = super.start().catch((err: unknown) => {
      this.fail(asConnectError(err, 'Failed to start the exactly-once source task'))
    })
    return Promise.resolve()
  }

  override async stop(): Promise<void> {
    this.#stopRequested = true
    await this.#starting
    await super.stop()
  }

  protected async openClient(): Promise<void> {
    if (this.#producer !== undefined) return
    const timeout = Math.max(this.deps.gracefulTimeoutMs, 30_000)
    const t0 = Date.now()
    await this.#eos.preflight(this)
    const t1 = Date.now()
    const producer = await SourceProducer.open(
      this.deps.kafka,
      { ...this.deps.producerConfig, 'transactional.id': this.#eos.transactionalId },
      `${this.id.connector}-${this.id.task}`,
    )
    try {
      await producer.transaction('init', timeout)
      const t2 = Date.now()
      await this.#eos.verify()
      this.log.info(
        `Exactly-once source task ready: zombie fencing ${t1 - t0} ms, initTransactions of ${this.#eos.transactionalId} ${t2 - t1} ms, config check ${Date.now() - t2} ms`,
      )
    } catch (err) {
      await producer.close(this.deps.gracefulTimeoutMs).catch(() => undefined)
      throw err
    }
    this.#producer = producer
    this.#lastCommit = this.deps.clock.now()
    this.#scheduleInterval()
  }

  protected onAttached(): void {
    this.#gen++
  }

  protected onDetached(): void {
    // The actor is gone: what it sent since the last commit must never become visible.
    this.#gen++
    this.#chain = this.#chain.then(async () => {
      await this.#abort()
    })
  }

  protected onData(msg: FromTask): void {
    switch (msg.type) {
      case 'batch':
        this.#enqueue(msg)
        return
      case 'offsets.read': {
        const gen = this.#gen
        this.#eos
          .readOffsetsToEnd()
          .catch((err: unknown) =>
            this.log.warn(`Could not read the offsets topic to its end: ${(err as Error).message}`),
          )
          .then(() => {
            if (gen !== this.#gen) return
            this.post({
              type: 'offsets',
              req: msg.req,
              offsets: msg.partitions.map(
                (p) =>
                  this.#committed.get(canonicalJson(p))?.[1] ?? this.deps.offsets.get(this.id.connector, p),
              ),
            })
          })
        return
      }
      case 'source.backlog':
        telemetry.sourceBacklog(this.id, msg.backlog) // telemetry
        return
      default:
        return
    }
  }

  #enqueue(msg: Extract<FromTask, { type: 'batch' }>): void {
    const gen = this.#gen
    this.recordsIn += msg.records.length
    for (const t of msg.topics) this.deps.onTopicUsed(t)
    this.#chain = this.#chain.then(() =>
      this.#dispatch(msg, gen).catch((err: unknown) => this.#onError(err, gen)),
    )
  }

  async #dispatch(msg: Extract<FromTask, { type: 'batch' }>, gen: number): Promise<void> {
    const producer = this.#producer
    if (gen !== this.#gen || producer === undefined) return
    if (msg.topics.includes(this.#eos.offsetsTopic))
      // Its offset records would block a read_committed read of the topic behind its own transaction.
      // Not retried: the restarted task would poll the same record (a data error, as Java fails the task).
      throw new ConnectError(
        'XC_DATA',
        'Source tasks may not produce to their own offsets topics when exactly-once support is enabled',
        { stage: 'produce' },
      )
    if (this.#txn === undefined) {
      await producer.transaction('begin', 0)
      this.#txn = { acks: [], offsets: new Map(), batches: 0 }
    }
    const txn = this.#txn
    const tele = telemetry.sourceBatch(this.id, msg.stats, msg.topics, msg.records)
    txn.acks.push(
      new Promise((resolve) =>
        producer.produce(
          msg.topics,
          msg.records,
          (err) => {
            tele?.ack(msg.records.length, err)
            // The credit goes back on the ack (the records are in Kafka, not yet committed).
            if (err === undefined && gen === this.#gen) this.post({ type: 'produced', batch: msg.batch })
            // A failed send fails the task at once (not only at the next commit), as Java's callback does.
            else if (err !== undefined && gen === this.#gen)
              this.#chain = this.#chain.then(() => this.#onError(err, gen))
            resolve(err)
          },
          tele?.traces,
        ),
      ),
    )
    txn.batches++
    for (const [p, o] of msg.offsets) txn.offsets.set(canonicalJson(p), [p, o])
    if (this.#eos.boundary === 'connector') {
      if (msg.txn === 'commit') await this.#commit()
      else if (msg.txn === 'abort') await this.#abortKeepingOffsets()
    } else if (this.#eos.boundary === 'poll' || this.#intervalDue()) await this.#commit()
  }

  /**
   * A task-requested abort (`transaction.boundary=connector`): its records are dropped, but the
   * offsets they carried are committed in a transaction of their own, so they are not polled again
   * (Kafka's behaviour).
   */
  async #abortKeepingOffsets(): Promise<void> {
    const txn = this.#txn
    const producer = this.#producer
    if (txn === undefined || producer === undefined) return
    await this.#abort()
    if (txn.offsets.size === 0) return
    if (this.#producer !== producer)
      throw new ConnectError(
        'XC_KAFKA',
        'the producer could not abort; the offsets of the aborted transaction are not committed',
        { retriable: true },
      )
    await producer.transaction('begin', 0)
    this.#txn = { acks: [], offsets: txn.offsets, batches: 0 }
    await this.#commit()
  }

  #intervalDue(): boolean {
    return (
      this.#eos.boundary === 'interval' && this.deps.clock.now() >= this.#lastCommit + this.#eos.intervalMs
    )
  }

  /** `interval`: a transaction left open by an idle task is still committed on time. */
  #scheduleInterval(): void {
    if (this.#eos.boundary !== 'interval' || this.#timer !== undefined) return
    const tick = () => {
      this.#timer = undefined
      if (this.#producer === undefined || this.#stopRequested) return
      if (this.#txn !== undefined && this.#intervalDue()) {
        const gen = this.#gen
        this.#chain = this.#chain.then(() =>
          gen === this.#gen ? this.#commit().catch((err: unknown) => this.#onError(err, gen)) : undefined,
        )
      }
      this.#timer = this.deps.clock.setTimeout(tick, Math.max(10, Math.min(this.#eos.intervalMs, 1_000)))
    }
    this.#timer = this.deps.clock.setTimeout(tick, Math.max(10, Math.min(this.#eos.intervalMs, 1_000)))
  }

  /** Writes the offsets into the transaction, waits for every ack, then commits. */
  async #commit(): Promise<void> {
    const producer = this.#producer
    const txn = this.#txn
    if (producer === undefined || txn === undefined) return
    const timeout = Math.max(this.deps.gracefulTimeoutMs, 30_000)
    if (txn.offsets.size > 0) {
      const records = [...txn.offsets.values()].map(([partition, offset]) => {
        const key = encodeOffsetKey(this.id.connector, partition)
        return {
          topic: 0,
          // The partition Java's offset store uses for this key (murmur2), so one key is one compacted
          // record whoever wrote it.
          partition: javaPartitionForKey(key, this.#eos.offsetsPartitions),
          timestamp: -1,
          key,
          value: encodeOffsetValue(offset),
          headers: null,
        }
      })
      txn.acks.push(
        new Promise((resolve) => producer.produce([this.#eos.offsetsTopic], packRecords(records), resolve)),
      )
    }
    const failed = (await Promise.all(txn.acks)).find((e) => e !== undefined)
    if (failed !== undefined) throw failed
    await producer.transaction('commit', timeout)
    this.#txn = undefined
    this.committedTransactions++
    for (const [k, v] of txn.offsets) this.#committed.set(k, v)
    this.#lastCommit = this.deps.clock.now()
    // telemetry: one source offset commit per transaction that carried offsets.
    if (txn.offsets.size > 0) telemetry.offsetCommit(this.id, 'source', 'completed', 0)
    this.post({ type: 'offsets.committed' })
  }

  /** Aborts the open transaction; returns the abort's error when it says this producer was fenced. */
  async #abort(): Promise<unknown> {
    const producer = this.#producer
    if (this.#txn === undefined || producer === undefined) return undefined
    this.#txn = undefined
    // Acks of the aborted records still arrive (or fail); nobody waits for them.
    try {
      await producer.transaction('abort', Math.max(this.deps.gracefulTimeoutMs, 30_000))
      this.abortedTransactions++
    } catch (err) {
      // A producer that cannot abort is unusable: the next start initialises a new one (which aborts
      // the transaction on the broker), unless it was fenced.
      this.log.warn(`Could not abort the transaction: ${(err as Error).message}`)
      this.#producer = undefined
      await producer.close(this.deps.gracefulTimeoutMs).catch(() => undefined)
      if (isFenced(err)) return err
    }
    return undefined
  }

  /** Any error under exactly-once aborts the transaction; the supervisor decides what follows. */
  async #onError(err: unknown, gen: number): Promise<void> {
    if (gen !== this.#gen) return
    let fenced = isFenced(err)
    if (fenced) {
      // Fenced: the broker already aborted our transaction; nothing more may be written by this producer.
      this.#txn = undefined
      const producer = this.#producer
      this.#producer = undefined
      await producer?.close(this.deps.gracefulTimeoutMs).catch(() => undefined)
    } else {
      // A send can fail with another code (a purged queue, an invalid state) when the real cause is a
      // newer instance: the abort then tells, and the task must not be restarted into a fencing war.
      const abortError = await this.#abort()
      if (abortError !== undefined) {
        fenced = true
        err = abortError
      }
    }
    this.fail(
      fenced
        ? new ConnectError(
            'XC_PRODUCER_FENCED',
            `The transactional producer ${this.#eos.transactionalId} of task ${this.id.connector}-${this.id.task} was fenced out by a newer instance of the task: ${(err as Error).message}`,
            { cause: err, stage: 'produce' },
          )
        : asConnectError(err, 'Exactly-once transaction failed and was aborted'),
    )
  }

  protected async beforeActorStop(): Promise<void> {}

  protected async afterActorStop(): Promise<void> {
    if (this.#timer !== undefined) this.deps.clock.clearTimeout(this.#timer)
    this.#timer = undefined
    const gen = this.#gen
    await this.#chain
    // Java commits a final transaction on a clean stop for the poll and interval boundaries.
    if (this.#txn !== undefined && gen === this.#gen && this.#eos.boundary !== 'connector')
      await this.#commit().catch(async (err: unknown) => {
        this.log.warn(`Final commit failed; aborting: ${(err as Error).message}`)
        await this.#abort()
      })
    else await this.#abort()
    const producer = this.#producer
    this.#producer = undefined
    if (producer !== undefined) await producer.close(this.deps.gracefulTimeoutMs)
  }
}

function isFenced(err: unknown): boolean {
  if (err instanceof TransactionError) return err.fenced
  if (ConnectError.is(err)) {
    const cause = (err as { cause?: unknown }).cause
    const code = (cause as { code?: unknown } | undefined)?.code
    return typeof code === 'number' && isFencedCode(code)
  }
  return false
}

function asConnectError(err: unknown, what: string): ConnectError {
  if (ConnectError.is(err)) return err
  return new ConnectError('XC_KAFKA', `${what}: ${(err as Error)?.message ?? String(err)}`, {
    cause: err,
    retriable: true,
    stage: 'produce',
  })
}
