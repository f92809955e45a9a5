import type { TopicPartition, TopicPartitionOffset } from '@sluice/api'
import { ConfigError, ConnectError } from '@sluice/api'
import type { PackedRecords, RecordToPack } from '@sluice/kafka'
import { packRecords } from '@sluice/kafka'
import type {
  ClientTopicPartition,
  ColumnarBatch,
  ConsumedMessage,
  ConsumerClient,
  KafkaClientFactory,
  KafkaError,
} from './client-types.js'
import { ERR } from './client-types.js'

/** What the consumer hands to (and hears from) the sink task it feeds. */
export interface SinkConsumerHandler {
  /**
   * A batch to deliver, packed as it came from the binding (transferred to the task thread as it is);
   * the owner answers with {@link SinkConsumer.release} once the task finished it. `first`/`next` are,
   * per partition of the batch, its first offset and the next offset to read (from the batch's marks).
   */
  deliver(
    batch: number,
    topics: readonly string[],
    records: PackedRecords,
    first: readonly TopicPartitionOffset[],
    next: readonly TopicPartitionOffset[],
  ): void
  assigned(partitions: readonly TopicPartition[]): void
  /**
   * Partitions are being revoked. Nothing more is delivered and the partitions stay assigned (so
   * their offsets can still be committed) until the returned promise settles: Kafka's order is stop
   * delivery → preCommit → commit what it approved → close → give the partitions up.
   */
  revoked(partitions: readonly TopicPartition[]): Promise<void>
  failed(err: ConnectError): void
}

export interface SinkConsumerOptions {
  readonly name: string
  readonly topics: readonly string[]
  readonly topicsRegex: string | undefined
  /** Batches delivered to the task and not yet put; the consumer pauses at this many. */
  readonly maxInFlightBatches: number
  readonly maxPollRecords: number
}

const key = (tp: TopicPartition): string => `${tp.topic}\u0000${tp.partition}`

/** The subscription of a sink task; an invalid `topics.regex` is a config error naming the key. */
function subscriptionOf(opts: SinkConsumerOptions): Array<string | RegExp> {
  if (opts.topicsRegex === undefined) return [...opts.topics]
  try {
    return [new RegExp(`^${opts.topicsRegex}`)]
  } catch (err) {
    const msg = `Invalid value ${opts.topicsRegex} for configuration topics.regex: ${(err as Error).message}`
    throw new ConfigError(msg, { 'topics.regex': [msg] })
  }
}

/** How long a sink task may hold all its credits before its partitions are paused (see #run). */
const KEEP_IN_GROUP_AFTER_MS = 1000

/**
 * The consumer of one sink task, owned by the Kafka I/O actor on the main thread (group
 * `connect-<connector>`). Backpressure is by credit: once `maxInFlightBatches` batches wait for the
 * task, every assigned partition is paused and `consume()` keeps running empty to stay in the group.
 */
export class SinkConsumer {
  readonly #client: ConsumerClient
  readonly #opts: SinkConsumerOptions
  readonly #handler: SinkConsumerHandler
  #credits: number
  #paused = false
  #userPaused = new Set<string>()
  #targetPaused = false
  /** Delivery held by the owner (no task actor attached, e.g. while it restarts). */
  #held = false
  #assignment = new Map<string, TopicPartition>()
  /** A revoke in progress: the loop consumes nothing until the owner finished it. */
  #revoking: Promise<void> | undefined
  readonly #revokingKeys = new Set<string>()
  /** Rewinds requested by the owner, applied by the loop between two consume calls. */
  readonly #pendingSeek = new Map<string, TopicPartitionOffset>()
  /** telemetry: next offset to read per partition, as delivered (the consumer lag's base). */
  readonly #consumed = new Map<string, TopicPartitionOffset>()
  #nextBatch = 1
  readonly #columnar: boolean
  #running = false
  #loop: Promise<void> | undefined
  #wake: (() => void) | undefined

  private constructor(
    client: ConsumerClient,
    opts: SinkConsumerOptions,
    handler: SinkConsumerHandler,
    batchApi: boolean,
  ) {
    this.#client = client
    this.#opts = opts
    this.#handler = handler
    this.#credits = opts.maxInFlightBatches
    this.#columnar = typeof client.consumeColumnar === 'function' && batchApi
  }

  static async open(
    factory: KafkaClientFactory,
    config: Record<string, string | number | boolean>,
    opts: SinkConsumerOptions,
    handler: SinkConsumerHandler,
  ): Promise<SinkConsumer> {
    let self: SinkConsumer | undefined
    const client = factory.consumer({
      ...config,
      // Assignment changes go through the task (open/close), so the consumer must not assign alone.
      rebalance_cb: function (this: ConsumerClient, err: KafkaError, assignment: ClientTopicPartition[]) {
        if (err.code === ERR.ASSIGN_PARTITIONS) {
          this.assign(assignment)
          if (self !== undefined) self.#onAssigned(assignment)
        } else if (err.code === ERR.REVOKE_PARTITIONS) {
          if (self === undefined) this.unassign()
          else self.#onRevoked(assignment)
        }
      },
    })
    self = new SinkConsumer(client, opts, handler, factory.batchApi?.() === true)
    client.on('event.error', () => {
      // Broker connection hiccups are retried by librdkafka; fatal errors surface from consume().
    })
    await new Promise<void>((resolve, reject) =>
      client.connect({}, (err) =>
        err
          ? reject(
              new ConnectError('XC_KAFKA', `consumer ${opts.name} could not connect: ${err.message}`, {
                stage: 'consume',
                retriable: true,
              }),
            )
          : resolve(),
      ),
    )
    client.setDefaultConsumeTimeout(100)
    // By default consume(n) waits up to the timeout for *each* message until it has n: a sink then idles
    // 100 ms per short batch (measured: 0.18x Java's FileStreamSink). Wait for the first one only.
    client.setDefaultIsTimeoutOnlyForFirstMessage?.(true)
    try {
      client.subscribe(subscriptionOf(opts))
    } catch (err) {
      // A consumer left connected here would keep the process alive with nobody to close it.
      await new Promise<void>((resolve) => client.disconnect(() => resolve()))
      throw ConnectError.is(err)
        ? err
        : new ConfigError(`consumer ${opts.name} could not subscribe: ${(err as Error).message}`, {
            [opts.topicsRegex !== undefined ? 'topics.regex' : 'topics']: [(err as Error).message],
          })
    }
    return self
  }

  /** Partitions currently assigned. */
  get assignment(): TopicPartition[] {
    return [...this.#assignment.values()]
  }

  #onAssigned(parts: ClientTopicPartition[]): void {
    const added = parts.map((p) => ({ topic: p.topic, partition: p.partition }))
    for (const p of added) this.#assignment.set(key(p), p)
    if (this.#paused) this.#client.pause(added)
    this.#handler.assigned(added)
  }

  #onRevoked(parts: ClientTopicPartition[]): void {
    const gone = parts.map((p) => ({ topic: p.topic, partition: p.partition }))
    for (const p of gone) this.#revokingKeys.add(key(p))
    // librdkafka waits for unassign() before the group moves on, so the owner's preCommit → commit →
    // close runs while the partitions are still ours (within max.poll.interval.ms).
    const done = this.#handler
      .revoked(gone)
      .catch(() => undefined)
      .finally(() => {
        for (const p of gone) {
          this.#assignment.delete(key(p))
          this.#revokingKeys.delete(key(p))
          this.#pendingSeek.delete(key(p))
          this.#consumed.delete(key(p))
        }
        try {
          this.#client.unassign()
        } catch {
          // Not connected any more (closing): nothing to give up.
        }
        if (this.#revoking === done) this.#revoking = undefined
        this.#wake?.()
      })
    this.#revoking = done
  }

  start(): void {
    this.#running = true
    this.#loop = this.#run()
  }

  /** Whether the loop must not deliver now (no credit, paused, held by the owner). */
  #blocked(): boolean {
    return this.#credits <= 0 || this.#targetPaused || this.#held
  }

  async #run(): Promise<void> {
    while (this.#running) {
      if (this.#revoking !== undefined) {
        await this.#revoking
        continue
      }
      if (this.#pendingSeek.size > 0) await this.#applySeeks()
      if (this.#blocked()) {
        // Out of credit: stop fetching for the task. Pausing partitions makes librdkafka drop what it
        // already prefetched (a re-fetch costs up to fetch.wait.max.ms on resume), so a short wait
        // for the task's next ack just skips consume(); only a longer one pauses and keeps calling
        // consume() so the member stays within max.poll.interval.ms.
        const woke = this.#targetPaused || this.#held ? false : await this.#sleep(KEEP_IN_GROUP_AFTER_MS)
        if (!this.#running) return
        if (woke && !this.#blocked()) continue
        this.#applyPause(true)
        let stray: ColumnarBatch
        try {
          stray = await this.#consume(1)
        } catch (err) {
          if (this.#fatal(err)) return
          continue
        }
        // A record fetched before the pause took effect is not delivered over the bound: rewind so
        // it is read again once there is credit.
        const usable = this.#usable(stray)
        if (usable !== undefined && usable.count > 0) this.#rewindTo(usable)
        if (this.#blocked()) await this.#sleep(50)
        continue
      }
      this.#applyPause(false)
      let polled: ColumnarBatch
      try {
        polled = await this.#consume(this.#opts.maxPollRecords)
      } catch (err) {
        if (this.#fatal(err)) return
        continue
      }
      if (!this.#running) return
      const usable = this.#usable(polled)
      if (usable === undefined || usable.count === 0) continue
      // The owner held delivery while this consume ran (its task actor failed): read them again later.
      if (this.#held || this.#targetPaused) this.#rewindTo(usable)
      else this.#deliver(usable)
    }
  }

  /**
   * Drops messages that must not be delivered: of partitions no longer assigned or being revoked (the
   * next owner reads them from the committed offset) and of partitions about to be rewound.
   */
  /**
   * The batch, or `undefined` when it holds a partition being revoked, rewound or no longer assigned.
   * A packed batch is not filtered record by record: such a batch is dropped whole and its other
   * partitions are rewound to their first offset in it, so they are read again (revoked ones belong to
   * their next owner; rewound ones are read again from the rewind).
   */
  #usable(polled: ColumnarBatch): ColumnarBatch | undefined {
    if (this.#revokingKeys.size === 0 && this.#pendingSeek.size === 0) return polled
    const keep: TopicPartitionOffset[] = []
    let clean = true
    const m = polled.marks
    for (let i = 0; i < m.length; i += 4) {
      const tp = { topic: polled.topics[m[i]!]!, partition: m[i + 1]! }
      const k = key(tp)
      if (!this.#assignment.has(k) || this.#revokingKeys.has(k) || this.#pendingSeek.has(k)) clean = false
      else keep.push({ ...tp, offset: m[i + 2]! })
    }
    if (clean) return polled
    this.rewind(keep)
    return undefined
  }

  async #applySeeks(): Promise<void> {
    const seeks = [...this.#pendingSeek.values()].filter((o) => this.#assignment.has(key(o)))
    this.#pendingSeek.clear()
    await Promise.all(
      seeks.map(
        (o) =>
          new Promise<void>((resolve) =>
            this.#client.seek({ topic: o.topic, partition: o.partition, offset: o.offset }, 1000, () =>
              resolve(),
            ),
          ),
      ),
    )
  }

  /** Reports a fatal consumer error to the task; other errors are retried by librdkafka. */
  #fatal(err: unknown): boolean {
    const e = err as KafkaError
    if (e.isFatal !== true) return false
    this.#handler.failed(
      new ConnectError('XC_KAFKA', `consumer ${this.#opts.name}: ${e.message}`, { stage: 'consume' }),
    )
    return true
  }

  /** Seeks every partition of `polled` back to its first offset in it. */
  #rewindTo(polled: ColumnarBatch): void {
    const first: TopicPartitionOffset[] = []
    const m = polled.marks
    for (let i = 0; i < m.length; i += 4) {
      first.push({ topic: polled.topics[m[i]!]!, partition: m[i + 1]!, offset: m[i + 2]! })
    }
    this.seek(first)
  }

  /** Resolves `true` when woken by an ack or a state change, `false` after `ms`. */
  #sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.#wake = undefined
        resolve(false)
      }, ms)
      this.#wake = () => {
        this.#wake = undefined
        clearTimeout(t)
        resolve(true)
      }
    })
  }

  /** One poll, as a packed batch: straight from the patched binding, or packed here on the stock one. */
  #consume(n: number): Promise<ColumnarBatch> {
    if (this.#columnar) {
      return new Promise((resolve, reject) =>
        this.#client.consumeColumnar!(n, (err, batch) => (err ? reject(err) : resolve(batch))),
      )
    }
    return new Promise((resolve, reject) =>
      this.#client.consume(n, (err, msgs) => (err ? reject(err) : resolve(packMessages(msgs)))),
    )
  }

  #applyPause(shouldPause: boolean): void {
    if (shouldPause === this.#paused) return
    const all = [...this.#assignment.values()]
    if (shouldPause) this.#client.pause(all)
    else this.#client.resume(all.filter((p) => !this.#userPaused.has(key(p))))
    this.#paused = shouldPause
  }

  /** Hands a batch to the task; offsets are kept per partition of the batch (its marks), not per record. */
  #deliver(polled: ColumnarBatch): void {
    const first: TopicPartitionOffset[] = []
    const next: TopicPartitionOffset[] = []
    const m = polled.marks
    for (let i = 0; i < m.length; i += 4) {
      const tp = { topic: polled.topics[m[i]!]!, partition: m[i + 1]! }
      first.push({ ...tp, offset: m[i + 2]! })
      next.push({ ...tp, offset: m[i + 3]! + 1 })
    }
    for (const o of next) this.#consumed.set(key(o), o) // telemetry: the lag's base
    this.#credits--
    const batch = this.#nextBatch++
    this.#handler.deliver(
      batch,
      polled.topics,
      { length: polled.count, headerCount: polled.headerCount, buffer: polled.buffer },
      first,
      next,
    )
  }

  /** The task finished a delivered batch: its credit comes back. */
  release(): void {
    this.#credits = Math.min(this.#opts.maxInFlightBatches, this.#credits + 1)
    this.#wake?.()
  }

  /** The task actor is gone (restarting): every credit comes back, nothing is delivered until unheld. */
  resetCredits(): void {
    this.#credits = this.#opts.maxInFlightBatches
  }

  /** Holds delivery (no actor attached) or releases it. */
  hold(held: boolean): void {
    this.#held = held
    this.#wake?.()
  }

  /** Commits offsets the task approved in `preCommit`; false when none of them is ours to commit. */
  commit(offsets: readonly TopicPartitionOffset[], sync = false): boolean {
    const owned = offsets
      .filter((o) => this.#assignment.has(key(o)))
      .map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset }))
    if (owned.length === 0) return false
    if (sync) this.#client.commitSync(owned)
    else this.#client.commit(owned)
    return true
  }

  /** Partitions assigned. */
  get assignedCount(): number {
    return this.#assignment.size
  }

  /**
   * telemetry: records between what this consumer delivered and the end of each assigned partition,
   * from the high watermarks librdkafka caches from its fetch responses (no broker round trip).
   */
  lag(): Array<{ topic: string; partition: number; lag: number }> {
    const wm = this.#client.getWatermarkOffsets
    if (wm === undefined) return []
    const out: Array<{ topic: string; partition: number; lag: number }> = []
    for (const [k, p] of this.#assignment) {
      let high: number
      try {
        high = wm.call(this.#client, p.topic, p.partition).highOffset
      } catch {
        continue
      }
      const pos = this.#consumed.get(k)?.offset
      if (high < 0 || pos === undefined) continue
      out.push({ topic: p.topic, partition: p.partition, lag: Math.max(0, high - pos) })
    }
    return out
  }

  setTargetPaused(paused: boolean): void {
    this.#targetPaused = paused
    this.#wake?.()
  }

  pausePartitions(parts: readonly TopicPartition[]): void {
    for (const p of parts) this.#userPaused.add(key(p))
    this.#client.pause(parts.map((p) => ({ ...p })))
  }

  resumePartitions(parts: readonly TopicPartition[]): void {
    for (const p of parts) this.#userPaused.delete(key(p))
    if (!this.#paused) this.#client.resume(parts.map((p) => ({ ...p })))
  }

  /** Rewinds partitions (SinkTaskContext.offset). */
  seek(offsets: readonly TopicPartitionOffset[]): void {
    for (const o of offsets) {
      this.#client.seek({ topic: o.topic, partition: o.partition, offset: o.offset }, 1000, () => undefined)
    }
  }

  /**
   * Rewinds partitions before anything more is delivered from them: applied by the consume loop
   * between two consume calls, and what an in-flight consume returns for them is dropped.
   */
  rewind(offsets: readonly TopicPartitionOffset[]): void {
    for (const o of offsets) this.#pendingSeek.set(key(o), o)
    this.#wake?.()
  }

  /** Stops consuming (the loop ends after the current consume call returns). */
  async stopConsuming(): Promise<void> {
    this.#running = false
    this.#wake?.()
    await this.#loop
  }

  async close(): Promise<void> {
    await this.stopConsuming()
    try {
      this.#client.unsubscribe()
    } catch {
      // Unsubscribing before disconnect avoids a known hang on destroy; failing it is harmless.
    }
    await new Promise<void>((resolve) => this.#client.disconnect(() => resolve()))
  }
}

/**
 * The stock binding's messages in the packed layout, with the marks the patched binding computes
 * natively: the per-record work of the stock path, done once here on the main thread.
 */
export function packMessages(messages: readonly ConsumedMessage[]): ColumnarBatch {
  const topics: string[] = []
  const topicIdx = new Map<string, number>()
  const marks = new Map<string, [number, number, number, number]>()
  const records: RecordToPack[] = new Array(messages.length)
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!
    let ti = topicIdx.get(m.topic)
    if (ti === undefined) {
      ti = topics.length
      topics.push(m.topic)
      topicIdx.set(m.topic, ti)
    }
    let headers: Array<string | Uint8Array | null> | null = null
    if (m.headers !== undefined && m.headers.length > 0) {
      headers = []
      for (const h of m.headers) {
        for (const hk in h) {
          const v = h[hk]
          headers.push(hk, v === null || v === undefined ? null : typeof v === 'string' ? Buffer.from(v) : v)
        }
      }
    }
    const k = m.key
    records[i] = {
      topic: ti,
      partition: m.partition,
      offset: m.offset,
      timestamp: m.timestamp ?? -1,
      timestampType: m.timestamp === undefined ? 0 : 1,
      key: k === undefined || k === null ? null : typeof k === 'string' ? Buffer.from(k) : k,
      value: m.value,
      headers,
    }
    const mk = `${ti}\u0000${m.partition}`
    const mark = marks.get(mk)
    if (mark === undefined) marks.set(mk, [ti, m.partition, m.offset, m.offset])
    else mark[3] = m.offset
  }
  const packed = packRecords(records)
  return {
    count: packed.length,
    headerCount: packed.headerCount,
    topics,
    buffer: packed.buffer,
    marks: Float64Array.from([...marks.values()].flat()),
  }
}
