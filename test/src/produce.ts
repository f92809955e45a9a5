import { createConsumer, createProducer, type Message } from '@sluice/kafka'
import { bootstrap } from './worker-harness.js'

/** One record to produce: a value (string or bytes) with optional key and headers. */
export interface TestRecord {
  readonly value: string | Uint8Array | null
  readonly key?: string | null
  readonly headers?: ReadonlyArray<Record<string, Buffer>>
}

const QUEUE_FULL = -184

/**
 * Produces records to partition 0 of `topic`, in order, and resolves once the broker acknowledged all
 * of them (idempotent producer: the order holds with several requests in flight).
 */
export async function produceRecords(
  topic: string,
  records: ReadonlyArray<TestRecord | string>,
): Promise<void> {
  const producer = createProducer({
    'bootstrap.servers': bootstrap,
    'enable.idempotence': true,
    'linger.ms': 5,
    dr_cb: true,
  })
  let acked = 0
  let failure: Error | undefined
  producer.on('delivery-report', (err) => {
    if (err) failure ??= new Error(`producing to ${topic} failed: ${err.message}`)
    acked++
  })
  await new Promise<void>((resolve, reject) => producer.connect({}, (err) => (err ? reject(err) : resolve())))
  producer.setPollInterval(5)
  for (const r of records) {
    const rec: TestRecord = typeof r === 'string' ? { value: r } : r
    const value = rec.value === null ? null : Buffer.from(rec.value)
    const key = rec.key === undefined || rec.key === null ? null : Buffer.from(rec.key)
    for (;;) {
      try {
        producer.produce(
          topic,
          0,
          value,
          key,
          Date.now(),
          undefined,
          rec.headers === undefined ? undefined : [...rec.headers],
        )
        break
      } catch (err) {
        if ((err as { code?: number }).code !== QUEUE_FULL) throw err
        await new Promise((res) => setTimeout(res, 5))
      }
    }
  }
  const deadline = Date.now() + 60_000
  while (acked < records.length && Date.now() < deadline) await new Promise((res) => setTimeout(res, 10))
  await new Promise<void>((resolve) => producer.disconnect(() => resolve()))
  if (failure !== undefined) throw failure
  if (acked < records.length) throw new Error(`only ${acked} of ${records.length} records acknowledged`)
}

/** A record read back from a topic (bytes as stored, headers in order). */
export interface ReadRecord {
  readonly offset: number
  readonly key: Buffer | null
  readonly value: Buffer | null
  readonly timestamp: number | undefined
  readonly headers: ReadonlyArray<readonly [string, Buffer]>
}

/**
 * Reads partition 0 of `topic` from the beginning until `count` records arrived (or the timeout),
 * outside any consumer group (assigned, never committed).
 */
export async function readTopic(topic: string, count: number, timeoutMs = 60_000): Promise<ReadRecord[]> {
  const consumer = createConsumer({
    'bootstrap.servers': bootstrap,
    'group.id': `sluice-test-reader-${topic}`,
    'enable.auto.commit': false,
    'auto.offset.reset': 'earliest',
  })
  await new Promise<void>((resolve, reject) => consumer.connect({}, (err) => (err ? reject(err) : resolve())))
  consumer.setDefaultConsumeTimeout(200)
  consumer.assign([{ topic, partition: 0, offset: 0 }])
  const out: ReadRecord[] = []
  const deadline = Date.now() + timeoutMs
  try {
    while (out.length < count && Date.now() < deadline) {
      const msgs = await new Promise<Message[]>((resolve, reject) =>
        consumer.consume(1000, (err, m) => (err ? reject(err) : resolve(m))),
      )
      for (const m of msgs) {
        const headers: Array<readonly [string, Buffer]> = []
        for (const h of m.headers ?? [])
          for (const [k, v] of Object.entries(h)) headers.push([k, Buffer.isBuffer(v) ? v : Buffer.from(v)])
        const key = m.key === undefined || m.key === null ? null : Buffer.from(m.key)
        out.push({ offset: m.offset, key, value: m.value ?? null, timestamp: m.timestamp, headers })
      }
    }
  } finally {
    await new Promise<void>((resolve) => consumer.disconnect(() => resolve()))
  }
  return out
}
