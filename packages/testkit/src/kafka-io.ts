import {
  createConsumer,
  createProducer,
  type KafkaConsumer,
  type Message,
  type Producer,
} from '@sluice/kafka'
import { pause } from './wait.js'

/** A record read back from a topic, as bytes (the suite decodes it with the worker's converters). */
export interface TopicRecord {
  readonly partition: number
  readonly offset: number
  readonly key: Buffer | null
  readonly value: Buffer | null
  readonly headers: ReadonlyArray<readonly [string, Buffer]>
}

/** Connects a client; the binding reports errors as plain `{ message, code }` objects. */
const connect = (client: KafkaConsumer | Producer) =>
  new Promise<void>((resolve, reject) =>
    client.connect({}, (err: { message: string } | null | undefined) =>
      err ? reject(new Error(`could not connect to Kafka: ${err.message}`)) : resolve(),
    ),
  )

/**
 * Reads a whole topic from the beginning, outside any consumer group (partitions are assigned, not
 * subscribed, so nothing waits for a rebalance and nothing is committed). Main thread only.
 */
export class TopicReader {
  readonly #consumer: KafkaConsumer
  /** Everything read so far, in the order each partition returned it. */
  readonly records: TopicRecord[] = []

  private constructor(consumer: KafkaConsumer) {
    this.#consumer = consumer
  }

  static async open(bootstrapServers: string, topic: string, partitions: number): Promise<TopicReader> {
    const consumer = createConsumer({
      'bootstrap.servers': bootstrapServers,
      // Required by librdkafka even without subscribing; never joined, never committed.
      'group.id': `sluice-testkit-reader-${topic}`,
      'enable.auto.commit': false,
      'auto.offset.reset': 'earliest',
    })
    await connect(consumer)
    consumer.setDefaultConsumeTimeout(100)
    // Otherwise consume(n) waits up to the timeout for *each* message: under a steady trickle it returns
    // only once n messages piled up, and the reader lags seconds behind the topic. (The binding has the
    // switch but leaves it out of its type declarations.)
    const untyped = consumer as unknown as { setDefaultIsTimeoutOnlyForFirstMessage(v: boolean): void }
    untyped.setDefaultIsTimeoutOnlyForFirstMessage(true)
    consumer.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition, offset: 0 })))
    return new TopicReader(consumer)
  }

  /** Reads what is available now (waiting at most ~100 ms); returns how many records arrived. */
  async poll(): Promise<number> {
    const messages = await new Promise<Message[]>((resolve, reject) =>
      this.#consumer.consume(5000, (err, msgs) => (err ? reject(err) : resolve(msgs))),
    )
    for (const m of messages) {
      const headers: Array<readonly [string, Buffer]> = []
      for (const h of m.headers ?? []) {
        for (const [k, v] of Object.entries(h)) headers.push([k, Buffer.isBuffer(v) ? v : Buffer.from(v)])
      }
      this.records.push({
        partition: m.partition,
        offset: m.offset,
        key:
          m.key === undefined || m.key === null ? null : Buffer.isBuffer(m.key) ? m.key : Buffer.from(m.key),
        value: m.value ?? null,
        headers,
      })
    }
    return messages.length
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#consumer.disconnect(() => resolve()))
  }
}

/** librdkafka's RD_KAFKA_RESP_ERR__QUEUE_FULL. */
const QUEUE_FULL = -184

/** One record to produce, with the sequence number the suite tracks it by. */
export interface OutgoingRecord {
  readonly seq: number
  readonly topic: string
  readonly partition: number
  readonly key: Uint8Array | null
  readonly value: Uint8Array | null
  readonly headers: ReadonlyArray<Record<string, Buffer>>
}

/** Where the broker stored a produced record. */
export interface Placement {
  readonly partition: number
  readonly offset: number
}

interface Pending {
  readonly seq: number
  readonly done: (err: { message: string } | undefined, placement: Placement) => void
}

/** Produces a sink's input records and reports where each landed (from the broker's acks). */
export class InputProducer {
  readonly #producer: Producer

  private constructor(producer: Producer) {
    this.#producer = producer
  }

  static async open(bootstrapServers: string): Promise<InputProducer> {
    const producer = createProducer({
      'bootstrap.servers': bootstrapServers,
      // Idempotence keeps each partition's order with several requests in flight.
      'enable.idempotence': true,
      'linger.ms': 2,
      dr_cb: true,
    })
    producer.on('delivery-report', (err, report) => {
      const pending = report.opaque as Pending
      pending.done(err ?? undefined, { partition: report.partition, offset: report.offset })
    })
    await connect(producer)
    producer.setPollInterval(5)
    return new InputProducer(producer)
  }

  /** Produces `records` in order; resolves once the broker acknowledged every one, with their placement. */
  async send(records: readonly OutgoingRecord[]): Promise<Map<number, Placement>> {
    const placed = new Map<number, Placement>()
    const acks: Array<Promise<void>> = []
    for (const r of records) {
      let pending: Pending | undefined
      const ack = new Promise<void>((resolve, reject) => {
        pending = {
          seq: r.seq,
          done: (err, placement) => {
            if (err !== undefined) reject(new Error(`producing record #${r.seq} failed: ${err.message}`))
            else {
              placed.set(r.seq, placement)
              resolve()
            }
          },
        }
      })
      // Awaited below with the others; this only keeps an early failure from counting as unhandled.
      ack.catch(() => undefined)
      acks.push(ack)
      await this.#produce(r, pending!)
    }
    await Promise.all(acks)
    return placed
  }

  async #produce(r: OutgoingRecord, pending: Pending): Promise<void> {
    for (;;) {
      try {
        this.#producer.produce(
          r.topic,
          r.partition,
          r.value === null ? null : Buffer.from(r.value),
          r.key === null ? null : Buffer.from(r.key),
          Date.now(),
          pending,
          r.headers.length === 0 ? undefined : [...r.headers],
        )
        return
      } catch (err) {
        // librdkafka's local queue is full: let it drain, then retry the same record (keeps the order).
        if ((err as { code?: number }).code !== QUEUE_FULL) throw err
        await pause(5)
      }
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) =>
      this.#producer.flush(10_000, () => this.#producer.disconnect(() => resolve())),
    )
  }
}
