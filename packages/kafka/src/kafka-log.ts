import type * as Rd from '@confluentinc/kafka-javascript'
import { KafkaAdmin } from './admin.js'
import { createConsumer, createProducer } from './factory.js'

/**
 * librdkafka error codes of a failed delivery that a resend can fix (Java's `RetriableException`s):
 * timeouts, transport, leader moves, too few in-sync replicas, a topic that is still being created.
 */
const RETRIABLE_CODES: ReadonlySet<number> = new Set([
  -195, // _TRANSPORT
  -192, // _MSG_TIMED_OUT
  -187, // _ALL_BROKERS_DOWN
  -185, // _TIMED_OUT
  3, // UNKNOWN_TOPIC_OR_PART
  5, // LEADER_NOT_AVAILABLE
  6, // NOT_LEADER_FOR_PARTITION
  7, // REQUEST_TIMED_OUT
  19, // NOT_ENOUGH_REPLICAS
  20, // NOT_ENOUGH_REPLICAS_AFTER_APPEND
])

/** A record the broker did not take; `retriable` says whether sending it again may succeed. */
export class KafkaWriteError extends Error {
  readonly retriable: boolean
  readonly code: number | undefined
  constructor(topic: string, cause: { message: string; code?: number; isRetriable?: boolean }) {
    super(`write to ${topic} failed: ${cause.message}`, { cause })
    this.name = 'KafkaWriteError'
    this.code = cause.code
    this.retriable =
      cause.isRetriable === true || (cause.code !== undefined && RETRIABLE_CODES.has(cause.code))
  }
}

/**
 * A topic read from the beginning by every worker and appended to by some (Kafka Connect's
 * `KafkaBasedLog`): the Connect config, offsets and status topics. The consumer is assigned every
 * partition (no consumer group), so each worker sees every record; `readToEnd()` resolves once every
 * partition's position reached the end offset taken when it was called. Records are delivered in
 * offset order per partition, on the main thread.
 */

export interface LogRecord {
  readonly partition: number
  readonly offset: bigint
  readonly key: Buffer | null
  readonly value: Buffer | null
}

export interface KafkaLogOptions {
  readonly topic: string
  /** librdkafka client config (bootstrap.servers, security); producer and consumer extras below. */
  readonly client: Readonly<Record<string, string | number | boolean>>
  readonly producer?: Readonly<Record<string, string | number | boolean>>
  readonly consumer?: Readonly<Record<string, string | number | boolean>>
  readonly onRecord: (record: LogRecord) => void
  /** Called when the background read fails (the log keeps retrying). */
  readonly onError?: (err: Error) => void
}

const OFFSET_BEGINNING = -2

function promisify<T>(fn: (cb: (err: unknown, v: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v))))
}

export class KafkaLog {
  readonly #options: KafkaLogOptions
  #consumer: Rd.KafkaConsumer | undefined
  #producer: Rd.Producer | undefined
  #partitions: number[] = []
  #running = false
  #loop: Promise<void> | undefined
  readonly #positions = new Map<number, bigint>()
  #waiters: Array<{ ends: Map<number, bigint>; resolve: () => void }> = []
  #nextOpaque = 1
  readonly #pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>()

  constructor(options: KafkaLogOptions) {
    this.#options = options
  }

  get topic(): string {
    return this.#options.topic
  }

  get partitionCount(): number {
    return this.#partitions.length
  }

  /** Connects, assigns every partition from the beginning and starts reading (does not wait for the end). */
  async start(): Promise<void> {
    const admin = KafkaAdmin.create({ ...this.#options.client })
    try {
      for (const deadline = Date.now() + 15_000; ; ) {
        const [d] = await admin.describeTopics([this.#options.topic]).catch(() => [])
        this.#partitions = (d?.partitions ?? []).map((p) => p.partition).sort((a, b) => a - b)
        if (this.#partitions.length > 0) break
        // Metadata of a topic created a moment ago may not list its partitions yet.
        if (Date.now() > deadline)
          throw new Error(`topic ${this.#options.topic} does not exist or has no partitions`)
        await new Promise((res) => setTimeout(res, 200))
      }
    } finally {
      admin.close()
    }
    const producer = createProducer({
      ...this.#options.client,
      // Java's default partitioner for keyed records; librdkafka's default (consistent_random) differs.
      partitioner: 'murmur2_random',
      dr_cb: true,
      ...this.#options.producer,
    })
    producer.on('delivery-report', (err, report) => {
      const p = this.#pending.get(report.opaque as number)
      if (p === undefined) return
      this.#pending.delete(report.opaque as number)
      if (err) p.reject(new KafkaWriteError(this.#options.topic, err))
      else p.resolve()
    })
    await promisify<unknown>((cb) => producer.connect({}, cb))
    producer.setPollInterval(20)
    this.#producer = producer
    const consumer = createConsumer({
      ...this.#options.client,
      'group.id': `sluice-internal-${this.#options.topic}`,
      'enable.auto.commit': false,
      'enable.partition.eof': false,
      ...this.#options.consumer,
    })
    await promisify<unknown>((cb) => consumer.connect({}, cb))
    consumer.setDefaultConsumeTimeout(100)
    consumer.assign(
      this.#partitions.map((partition) => ({
        topic: this.#options.topic,
        partition,
        offset: OFFSET_BEGINNING,
      })),
    )
    this.#consumer = consumer
    this.#running = true
    this.#loop = this.#run()
  }

  async #run(): Promise<void> {
    const consumer = this.#consumer as Rd.KafkaConsumer
    while (this.#running) {
      try {
        const messages = await promisify<Rd.Message[]>((cb) => consumer.consume(500, cb))
        for (const m of messages) {
          const offset = BigInt(m.offset)
          this.#positions.set(m.partition, offset + 1n)
          this.#options.onRecord({
            partition: m.partition,
            offset,
            key: m.key === undefined || m.key === null ? null : Buffer.from(m.key),
            value: m.value ?? null,
          })
        }
        if (this.#waiters.length > 0) this.#checkWaiters(messages.length === 0)
      } catch (err) {
        this.#options.onError?.(err as Error)
        await new Promise((r) => setTimeout(r, 200))
      }
    }
  }

  /**
   * Resolves the waiters whose partitions all reached their end. Transaction markers take offsets but are
   * never delivered, so when the local queue is drained (`drained`: the last consume returned nothing)
   * the client's position, which counts them, decides; before that only delivered records count, as the
   * position runs ahead of what was handed to us.
   */
  #checkWaiters(drained: boolean): void {
    const consumer = this.#consumer as Rd.KafkaConsumer
    const positions = new Map(this.#positions)
    if (drained)
      try {
        for (const p of consumer.position(
          this.#partitions.map((partition) => ({ topic: this.#options.topic, partition })),
        ))
          if (typeof p.offset === 'number' && p.offset >= 0) {
            const known = positions.get(p.partition) ?? 0n
            if (BigInt(p.offset) > known) positions.set(p.partition, BigInt(p.offset))
          }
      } catch {
        // position() before the first fetch: the delivered offsets decide.
      }
    this.#waiters = this.#waiters.filter((w) => {
      for (const [p, end] of w.ends) if ((positions.get(p) ?? 0n) < end) return true
      w.resolve()
      return false
    })
  }

  /** Resolves once every record written before the call has been delivered to `onRecord`. */
  async readToEnd(timeoutMs: number): Promise<void> {
    const consumer = this.#consumer
    if (consumer === undefined) throw new Error(`log ${this.#options.topic} is not started`)
    const ends = new Map<number, bigint>()
    await Promise.all(
      this.#partitions.map(async (partition) => {
        const w = await promisify<Rd.WatermarkOffsets>((cb) =>
          consumer.queryWatermarkOffsets(this.#options.topic, partition, timeoutMs, cb),
        )
        if (w.highOffset > w.lowOffset) ends.set(partition, BigInt(w.highOffset))
      }),
    )
    let timer: NodeJS.Timeout | undefined
    const done = new Promise<void>((resolve) => {
      this.#waiters.push({ ends, resolve })
    })
    this.#checkWaiters(false)
    try {
      await Promise.race([
        done,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(new Error(`timed out after ${timeoutMs} ms reading ${this.#options.topic} to its end`)),
            timeoutMs,
          )
        }),
      ])
    } finally {
      clearTimeout(timer)
    }
  }

  /** Appends a record (partition null: Java's murmur2 of the key); resolves once the broker acknowledged it. */
  send(key: Buffer | string, value: Buffer | null, partition: number | null = null): Promise<void> {
    const producer = this.#producer
    if (producer === undefined) return Promise.reject(new Error(`log ${this.#options.topic} is not started`))
    const opaque = this.#nextOpaque++
    return new Promise<void>((resolve, reject) => {
      this.#pending.set(opaque, { resolve, reject })
      try {
        producer.produce(
          this.#options.topic,
          partition,
          value,
          typeof key === 'string' ? Buffer.from(key) : key,
          null,
          opaque,
        )
      } catch (err) {
        this.#pending.delete(opaque)
        reject(err as Error)
      }
    })
  }

  async stop(): Promise<void> {
    this.#running = false
    await this.#loop
    const producer = this.#producer
    const consumer = this.#consumer
    this.#producer = undefined
    this.#consumer = undefined
    if (producer !== undefined) {
      await new Promise<void>((resolve) => producer.flush(5_000, () => resolve()))
      await new Promise<void>((resolve) => producer.disconnect(5_000, () => resolve()))
    }
    if (consumer !== undefined) await new Promise<void>((resolve) => consumer.disconnect(() => resolve()))
  }
}

/** What an internal topic must look like (Kafka's `TopicAdmin.NewTopicBuilder` for Connect). */
export interface InternalTopicSpec {
  readonly topic: string
  readonly partitions: number
  /** -1 = the broker's default. */
  readonly replicationFactor: number
  /** Extra topic configs (`config.storage.*` prefixed keys), `cleanup.policy=compact` always. */
  readonly configs?: Readonly<Record<string, string>>
}

/**
 * Creates the topic if missing (compacted), then checks it: `cleanup.policy` must be `compact` and, when
 * `exactPartitions` is set, the partition count must equal it (the config topic must have exactly one).
 */
export async function ensureInternalTopic(
  client: Readonly<Record<string, string | number | boolean>>,
  spec: InternalTopicSpec,
  purpose: string,
  exactPartitions?: number,
): Promise<{ partitions: number; created: boolean }> {
  const admin = KafkaAdmin.create({ ...client })
  try {
    let created = false
    const existing = await admin.listTopics()
    if (!existing.includes(spec.topic)) {
      await admin.createTopic(
        {
          topic: spec.topic,
          partitions: spec.partitions,
          replicationFactor: spec.replicationFactor,
          config: { ...spec.configs, 'cleanup.policy': 'compact' },
        },
        { ifNotExists: true },
      )
      created = true
    }
    // A topic just created may be described with no partitions until its metadata has propagated.
    let partitions = 0
    for (const deadline = Date.now() + 15_000; ; ) {
      const [d] = await admin.describeTopics([spec.topic]).catch(() => [])
      partitions = d?.partitions.length ?? 0
      if (partitions > 0 || Date.now() > deadline) break
      await new Promise((res) => setTimeout(res, 200))
    }
    if (partitions === 0)
      throw new Error(`topic ${spec.topic} (${purpose}) could not be created or described`)
    if (exactPartitions !== undefined && partitions !== exactPartitions)
      throw new Error(
        `Topic '${spec.topic}' supplied via the '${purpose}' property is required to have a single partition in order to guarantee consistency of connector configurations, but it has ${partitions} partitions. Delete it and let the worker re-create it, or use another topic.`,
      )
    const configs = await admin.topicConfigs(spec.topic)
    const policy = configs.get('cleanup.policy')?.value ?? ''
    if (!policy.split(',').includes('compact'))
      throw new Error(
        `Topic '${spec.topic}' supplied via the '${purpose}' property is required to have 'cleanup.policy=compact' to guarantee consistency and durability of ${purpose.replace('.storage.topic', '')} data, but found the topic currently has 'cleanup.policy=${policy}'. Continuing would likely result in eventually losing data and problems restarting this Connect cluster in the future. Change the 'cleanup.policy' of the topic to 'compact'.`,
      )
    return { partitions, created }
  } finally {
    admin.close()
  }
}
