import type { TopicPartition, TopicPartitionOffset } from '@sluice/api'

const key = (tp: TopicPartition): string => `${tp.topic}\u0000${tp.partition}`

interface Batch {
  /** Next offset to read per partition once this batch is put. */
  readonly next: readonly TopicPartitionOffset[]
  done: boolean
}

/**
 * The sink task's offset book, owned by its {@link SinkTaskOwner}. It holds, per assigned partition,
 * what was delivered, what the task finished (`put`) and what was committed, and enforces:
 * - only the contiguous run of finished batches counts as put (a batch finished after a later one
 *   never lets the later one's offsets through first);
 * - a commit never passes what was put, whatever `preCommit` returns;
 * - after a task restart the consumer is rewound to the committed offsets (or, where nothing was
 *   committed yet, to the first offset delivered since the partition was assigned).
 */
export class SinkOffsetLedger {
  readonly #assigned = new Map<string, TopicPartition>()
  readonly #batches = new Map<number, Batch>()
  /** Delivery order of the batches still in {@link #batches}. */
  #order: number[] = []
  readonly #put = new Map<string, TopicPartitionOffset>()
  readonly #committed = new Map<string, TopicPartitionOffset>()
  /** First offset delivered per partition since it was assigned (the rewind point before any commit). */
  readonly #first = new Map<string, TopicPartitionOffset>()

  assign(parts: readonly TopicPartition[]): void {
    for (const p of parts) this.#assigned.set(key(p), { topic: p.topic, partition: p.partition })
  }

  /** Forgets everything about `parts` (revoked: the next owner starts from the committed offsets). */
  revoke(parts: readonly TopicPartition[]): void {
    for (const p of parts) {
      const k = key(p)
      this.#assigned.delete(k)
      this.#put.delete(k)
      this.#committed.delete(k)
      this.#first.delete(k)
    }
  }

  get assignment(): TopicPartition[] {
    return [...this.#assigned.values()]
  }

  owns(tp: TopicPartition): boolean {
    return this.#assigned.has(key(tp))
  }

  /** A batch went to the task: `first`/`next` are its first offset and next offset per partition. */
  delivered(
    batch: number,
    first: readonly TopicPartitionOffset[],
    next: readonly TopicPartitionOffset[],
  ): void {
    for (const f of first) if (!this.#first.has(key(f))) this.#first.set(key(f), f)
    this.#batches.set(batch, { next, done: false })
    this.#order.push(batch)
  }

  /** The task finished `batch`. Returns false for a batch this ledger does not know (an old generation). */
  finished(batch: number): boolean {
    const b = this.#batches.get(batch)
    if (b === undefined) return false
    b.done = true
    while (this.#order.length > 0) {
      const head = this.#batches.get(this.#order[0]!)!
      if (!head.done) break
      for (const o of head.next) if (this.#assigned.has(key(o))) this.#put.set(key(o), o)
      this.#batches.delete(this.#order.shift()!)
    }
    return true
  }

  /** Batches delivered and not finished. */
  get outstanding(): number {
    return this.#batches.size
  }

  /** Whether a batch touching one of `parts` is still unfinished. */
  hasOutstandingFor(parts: readonly TopicPartition[]): boolean {
    const ks = new Set(parts.map(key))
    for (const b of this.#batches.values()) if (b.next.some((o) => ks.has(key(o)))) return true
    return false
  }

  /** What was put and not yet committed: what `preCommit` is asked about. */
  currentOffsets(): TopicPartitionOffset[] {
    return [...this.#put.values()]
  }

  /** Whether anything put is not committed yet. */
  get dirty(): boolean {
    for (const [k, o] of this.#put) if (this.#committed.get(k)?.offset !== o.offset) return true
    return false
  }

  /**
   * The part of `approved` (what preCommit returned) that may be committed: owned partitions only,
   * never past what was put, and only where it moves the committed offset.
   */
  committable(approved: readonly TopicPartitionOffset[]): TopicPartitionOffset[] {
    const out: TopicPartitionOffset[] = []
    for (const a of approved) {
      const k = key(a)
      const put = this.#put.get(k)
      if (!this.#assigned.has(k) || put === undefined) continue
      const offset = Math.min(a.offset, put.offset)
      if (offset === this.#committed.get(k)?.offset) continue
      out.push({ topic: a.topic, partition: a.partition, offset })
    }
    return out
  }

  /** The broker accepted these commits. */
  committed(offsets: readonly TopicPartitionOffset[]): void {
    for (const o of offsets) if (this.#assigned.has(key(o))) this.#committed.set(key(o), o)
  }

  /**
   * A task restart: unfinished batches are gone with the old actor and nothing put since the last
   * commit can be trusted (a buffering task lost its buffer). Returns where to rewind each partition.
   */
  restart(): TopicPartitionOffset[] {
    this.#batches.clear()
    this.#order = []
    const rewind: TopicPartitionOffset[] = []
    for (const [k, tp] of this.#assigned) {
      const to = this.#committed.get(k) ?? this.#first.get(k)
      if (to !== undefined) rewind.push({ topic: tp.topic, partition: tp.partition, offset: to.offset })
      const c = this.#committed.get(k)
      if (c === undefined) this.#put.delete(k)
      else this.#put.set(k, c)
    }
    return rewind
  }
}
