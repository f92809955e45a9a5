import type * as Rd from '@confluentinc/kafka-javascript'
import { createProducer } from './factory.js'

/**
 * A transactional producer that writes groups of records to one topic partition, each group in its own
 * transaction (KIP-618: the Connect leader's privileged config-topic writes, transactional id
 * `connect-cluster-<group.id>`). `open()` runs initTransactions, which fences any earlier leader's
 * writer with the same id. After any failure the writer is unusable: the caller drops it and claims
 * a new one (Java's `fencedFromConfigTopic`).
 */
export class TransactionalWriter {
  readonly #producer: Rd.Producer
  readonly #topic: string
  readonly #timeoutMs: number
  #nextOpaque = 1
  readonly #pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>()
  #broken: Error | undefined

  private constructor(producer: Rd.Producer, topic: string, timeoutMs: number) {
    this.#producer = producer
    this.#topic = topic
    this.#timeoutMs = timeoutMs
    producer.on('delivery-report', (err, report) => {
      const p = this.#pending.get(report.opaque as number)
      if (p === undefined) return
      this.#pending.delete(report.opaque as number)
      if (err) p.reject(new Error(`transactional write to ${topic} failed: ${err.message}`))
      else p.resolve()
    })
  }

  /** Connects and initialises transactions for `transactional.id` (given in `config`). */
  static async open(
    config: Readonly<Record<string, string | number | boolean>>,
    topic: string,
    timeoutMs: number,
  ): Promise<TransactionalWriter> {
    const producer = createProducer({ ...config, dr_cb: true, acks: 'all' })
    const w = new TransactionalWriter(producer, topic, timeoutMs)
    await call((cb) => producer.connect({}, cb))
    producer.setPollInterval(20)
    try {
      await call((cb) => producer.initTransactions(timeoutMs, cb))
    } catch (err) {
      await w.close()
      throw err
    }
    return w
  }

  get broken(): boolean {
    return this.#broken !== undefined
  }

  /**
   * Writes `records` in one transaction, each to its own `partition` or else to `partition`; rejects
   * (and breaks the writer) on any error.
   */
  async write(
    records: ReadonlyArray<{ key: string | Buffer; value: Buffer | null; partition?: number }>,
    partition: number,
  ): Promise<void> {
    if (this.#broken !== undefined) throw this.#broken
    const producer = this.#producer
    try {
      await call((cb) => producer.beginTransaction(cb))
      const acks = records.map((r) => {
        const opaque = this.#nextOpaque++
        return new Promise<void>((resolve, reject) => {
          this.#pending.set(opaque, { resolve, reject })
          const key = typeof r.key === 'string' ? Buffer.from(r.key) : r.key
          producer.produce(this.#topic, r.partition ?? partition, r.value, key, null, opaque)
        })
      })
      await call((cb) => producer.commitTransaction(this.#timeoutMs, cb))
      await Promise.all(acks)
    } catch (err) {
      this.#broken = err instanceof Error ? err : new Error(String(err))
      await call((cb) => producer.abortTransaction(this.#timeoutMs, cb)).catch(() => undefined)
      throw this.#broken
    }
  }

  async close(): Promise<void> {
    const producer = this.#producer
    await new Promise<void>((resolve) => producer.disconnect(5_000, () => resolve()))
  }
}

function call(fn: (cb: (err: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => fn((err) => (err ? reject(err) : resolve())))
}
