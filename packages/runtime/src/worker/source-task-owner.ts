import type { SourceOffset, SourcePartition } from '@sluice/api'
import { ConnectError, encodeError } from '@sluice/api'
import type { PackedRecords } from '@sluice/kafka'
import { ERR } from '../kafka-io/client-types.js'
import { type RecordFailure, SourceProducer } from '../kafka-io/source-producer.js'
import { javaExceptionClass, javaStackTrace } from '../task/error-handler.js'
import * as telemetry from '../telemetry/events.js'
import type { FromTask, SourceReplayRecord, TaskSpec } from '../wire/messages.js'
import { packProduceRecords, unpackProduceRecords } from '../wire/packed-records.js'
import { LOGGERS, TaskOwner, type TaskOwnerDeps } from './task-owner.js'
import type { ConnectorTaskId, TargetState } from './worker-api.js'

interface SourceBatch {
  readonly offsets: ReadonlyArray<readonly [SourcePartition, SourceOffset]>
  acked: boolean
}

/** The batches of one actor generation, in the order they were sent. */
interface Generation {
  readonly batches: Map<number, SourceBatch>
  readonly order: number[]
}

/**
 * The single owner of a source task (Kafka's WorkerSourceTask): its producer, the offsets that are
 * safe to commit, its actor generations and their supervision. A batch's source offsets become
 * committable only once it and every earlier batch of the same generation are acknowledged by the
 * broker; acks that arrive after the actor failed still count (the data is in Kafka), and a
 * restarted actor resumes from those offsets.
 */
export class SourceTaskOwner extends TaskOwner {
  #producer: SourceProducer | undefined
  /** Batches of the current actor generation, in the order they were sent. */
  #gen: Generation = {
    batches: new Map(),
    order: [],
  }
  /** Offsets acknowledged in order and not yet flushed to the store. */
  readonly #committable = new Map<string, readonly [SourcePartition, SourceOffset]>()

  constructor(
    id: ConnectorTaskId,
    spec: Omit<TaskSpec, 'targetState'>,
    target: TargetState,
    deps: TaskOwnerDeps,
  ) {
    super(id, spec, target, deps, LOGGERS.workerSourceTask)
  }

  protected async openClient(): Promise<void> {
    this.#producer ??= await SourceProducer.open(
      this.deps.kafka,
      this.deps.producerConfig,
      `${this.id.connector}-${this.id.task}`,
      // The batch path also carries traced records (telemetry repacks a sampled batch with its headers).
      false,
      // errors.tolerance=all: each refused record is reported and skipped, so it must be known by index.
      this.spec.errors.tolerance === 'all',
    )
  }

  protected onAttached(): void {
    // A new actor starts a new batch sequence; late acks of its predecessor can no longer block it.
    this.#gen = { batches: new Map(), order: [] }
  }

  protected onDetached(): void {}

  protected onData(msg: FromTask): void {
    switch (msg.type) {
      case 'batch':
        this.#onBatch(msg)
        return
      case 'produce.tolerated': {
        const entry = this.#gen.batches.get(msg.batch)
        if (entry !== undefined) this.#acked(this.#gen, entry)
        return
      }
      case 'offsets.read':
        this.post({
          type: 'offsets',
          req: msg.req,
          // Offsets acknowledged but not yet flushed are newer than the store's: a restarted actor
          // resumes from them, which avoids re-sending what a failed predecessor already delivered.
          offsets: msg.partitions.map(
            (p) =>
              this.#committable.get(JSON.stringify(p))?.[1] ?? this.deps.offsets.get(this.id.connector, p),
          ),
        })
        return
      case 'source.backlog':
        telemetry.sourceBacklog(this.id, msg.backlog) // telemetry
        return
      default:
        return
    }
  }

  #onBatch(msg: Extract<FromTask, { type: 'batch' }>): void {
    const producer = this.#producer!
    const entry: SourceBatch = { offsets: msg.offsets, acked: false }
    const gen = this.#gen
    gen.batches.set(msg.batch, entry)
    gen.order.push(msg.batch)
    this.recordsIn += msg.records.length
    for (const t of msg.topics) this.deps.onTopicUsed(t)
    // telemetry: poll figures, and traceparent stamped on sampled records before they are produced.
    const tele = telemetry.sourceBatch(this.id, msg.stats, msg.topics, msg.records)
    producer.produce(
      msg.topics,
      msg.records,
      (err, failures) => {
        tele?.ack(msg.records.length, err)
        if (err !== undefined) {
          // A stale generation's failed batch stays unacknowledged: its successor re-polls it.
          if (gen !== this.#gen) return
          const tolerated =
            this.spec.errors.tolerance === 'all' && failures !== undefined && failures.length > 0
          this.post({
            type: 'produce.failed',
            batch: msg.batch,
            error: encodeError(err),
            ...(tolerated && {
              records: failures.map((f) => ({ index: f.index, error: encodeError(f.error) })),
            }),
          })
          return
        }
        this.#acked(gen, entry)
        if (gen === this.#gen) this.post({ type: 'produced', batch: msg.batch })
      },
      tele?.traces,
    )
  }

  /** A batch's offsets are committable only when it and every earlier batch are acknowledged. */
  #acked(gen: Generation, entry: SourceBatch): void {
    entry.acked = true
    while (gen.order.length > 0 && gen.batches.get(gen.order[0]!)!.acked) {
      const id = gen.order.shift()!
      for (const [p, o] of gen.batches.get(id)!.offsets) this.#committable.set(JSON.stringify(p), [p, o])
      gen.batches.delete(id)
    }
  }

  /**
   * Source DLQ replay: the actor runs the records through the task's pipeline; what comes out is
   * produced to its topic by a producer of the replay's own (each refused record known by index, the
   * task's producer and offsets untouched), and every record refused goes back to the DLQ (stage
   * KAFKA_PRODUCE) with its DLQ bytes. Source offsets are not changed: they advanced when the records
   * were first skipped.
   */
  async replay(
    records: readonly SourceReplayRecord[],
    timeoutMs: number,
  ): Promise<{ put: number; failed: number }> {
    const dlq = this.dlq
    if (dlq === undefined)
      throw new ConnectError(
        'XC_ILLEGAL_STATE',
        `Task ${this.id.connector}-${this.id.task} has no dead letter queue`,
      )
    const reply = await this.ask((req) => ({ type: 'source.replay', req, records }), timeoutMs)
    if (reply?.type !== 'source.replay.done')
      throw new ConnectError(
        'XC_TIMEOUT',
        `Task ${this.id.connector}-${this.id.task} did not finish the replay (is it running?)`,
      )
    if (reply.from.length === 0) return { put: 0, failed: reply.failed }
    const producer = await SourceProducer.open(
      this.deps.kafka,
      this.deps.producerConfig,
      `${this.id.connector}-${this.id.task}-replay`,
      false,
      true,
    )
    const send = (packed: PackedRecords, n: number): Promise<readonly RecordFailure[]> =>
      new Promise((resolve) =>
        producer.produce(reply.topics, packed, (err, refused) =>
          resolve(
            err === undefined
              ? []
              : (refused ?? Array.from({ length: n }, (_, index) => ({ index, code: 0, error: err }))),
          ),
        ),
      )
    let failures: RecordFailure[]
    try {
      failures = [...(await send(reply.records, reply.from.length))]
      // librdkafka refuses a whole broker batch over the topic's max.message.bytes, where Java's producer
      // splits it: each record refused that way is sent again on its own, so only the oversized fail.
      const tooLarge = reply.from.length > 1 ? failures.filter((f) => f.code === ERR.MSG_SIZE_TOO_LARGE) : []
      if (tooLarge.length > 0) {
        const singles = unpackProduceRecords(reply.records)
        failures = failures.filter((f) => f.code !== ERR.MSG_SIZE_TOO_LARGE)
        for (const f of tooLarge) {
          const [again] = await send(packProduceRecords([singles[f.index]!]), 1)
          if (again !== undefined) failures.push({ ...again, index: f.index })
        }
      }
    } finally {
      await producer.close(this.deps.gracefulTimeoutMs)
    }
    for (const f of failures) {
      const d = records[reply.from[f.index]!]!
      await dlq.write({
        stage: 'KAFKA_PRODUCE',
        executingClass: 'org.apache.kafka.connect.runtime.WorkerSourceTask',
        exceptionClass: javaExceptionClass(f.error),
        exceptionMessage: f.error.message,
        stacktrace: javaStackTrace(f.error),
        original: null,
        originalTopic: d.topic,
        source: { topic: d.topic, key: d.key, value: d.value, partition: d.partition, offset: d.offset },
      })
    }
    return { put: reply.from.length - failures.length, failed: reply.failed + failures.length }
  }

  /** Moves acknowledged source offsets into the store (the caller flushes the store). */
  takeCommittableOffsets(): Array<{ partition: SourcePartition; offset: SourceOffset }> {
    const out = [...this.#committable.values()].map(([partition, offset]) => ({ partition, offset }))
    this.#committable.clear()
    return out
  }

  /** Tells the task its offsets were flushed (SourceTask.commit). */
  notifyOffsetsCommitted(): void {
    this.post({ type: 'offsets.committed' })
  }

  protected async beforeActorStop(): Promise<void> {}

  protected async afterActorStop(): Promise<void> {
    if (this.#producer !== undefined) {
      const producer = this.#producer
      const timeout = this.deps.gracefulTimeoutMs
      // Resolves once every ack reached us too, so the offsets of records in Kafka become committable.
      await producer.flush(timeout).catch(() => undefined)
      await producer.close(timeout)
      this.#producer = undefined
    }
  }
}
