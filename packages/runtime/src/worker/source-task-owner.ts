import type { SourceOffset, SourcePartition } from '@sluice/api'
import { encodeError } from '@sluice/api'
import { SourceProducer } from '../kafka-io/source-producer.js'
import * as telemetry from '../telemetry/events.js'
import type { FromTask, TaskSpec } from '../wire/messages.js'
import { LOGGERS, TaskOwner, type TaskOwnerDeps } from './task-owner.js'
import type { ConnectorTaskId, TargetState } from './worker-api.js'

interface SourceBatch {
  readonly offsets: ReadonlyArray<readonly [SourcePartition, SourceOffset]>
  acked: boolean
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
  #gen: { readonly batches: Map<number, SourceBatch>; readonly order: number[] } = {
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
      (err) => {
        tele?.ack(msg.records.length, err)
        if (err !== undefined) {
          if (gen === this.#gen)
            this.post({ type: 'produce.failed', batch: msg.batch, error: encodeError(err) })
          return
        }
        entry.acked = true
        // A batch's offsets are committable only when it and every earlier batch are acknowledged.
        while (gen.order.length > 0 && gen.batches.get(gen.order[0]!)!.acked) {
          const id = gen.order.shift()!
          for (const [p, o] of gen.batches.get(id)!.offsets) this.#committable.set(JSON.stringify(p), [p, o])
          gen.batches.delete(id)
        }
        if (gen === this.#gen) this.post({ type: 'produced', batch: msg.batch })
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
