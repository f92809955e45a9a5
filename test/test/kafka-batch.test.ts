import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { MessageChannel } from 'node:worker_threads'
import type { ConnectError, TopicPartitionOffset } from '@sluice/api'
import {
  batchApiAvailable,
  createConsumer,
  createProducer,
  forEachPacked,
  KafkaAdmin,
  type PackedRecords,
  packedViews,
  packRecords,
  type RecordToPack,
  rdkafkaFactory,
} from '@sluice/kafka'
import { type KafkaClientFactory, SinkConsumer, SourceProducer } from '@sluice/runtime'
import { ensureBroker, uniqueTopic } from '../src/broker.js'
import { bytesFor } from '../src/bytes.js'

// The batch-level Kafka I/O of docs/adr/0019-batch-level-kafka-io.md against the real broker, both ways:
// through the patched binding (columnar consume, batch produce, batched delivery reports) and, with
// SLUICE_KAFKA_BATCH=off, through the stock per-message calls. Both must move the same bytes, null and
// empty header values included.

const PARTITIONS = 3
const factory = rdkafkaFactory as unknown as KafkaClientFactory

/** Record `i`: every shape of key, value and header that can go wrong, spread over the partitions. */
function recordFor(i: number): RecordToPack {
  const key = i % 7 === 0 ? null : i % 7 === 1 ? new Uint8Array(0) : bytesFor(i, 1 + (i % 40))
  const value =
    i % 11 === 0 ? null : i % 11 === 1 ? new Uint8Array(0) : bytesFor(i + 7, 1 + ((i * 37) % 1500))
  let headers: Array<string | Uint8Array | null> | null = null
  if (i % 3 === 0) headers = ['seq', new TextEncoder().encode(String(i)), 'bin', bytesFor(i + 1, 8)]
  if (i % 3 === 1) headers = ['nul', null, 'empty', new Uint8Array(0), 'seq', new TextEncoder().encode('dup')]
  return { topic: 0, partition: i % PARTITIONS, timestamp: 1_700_000_000_000 + i, key, value, headers }
}

interface Got {
  partition: number
  offset: number
  timestamp: number
  timestampType: number
  key: number[] | null
  value: number[] | null
  headers: Array<string | number[] | null> | null
}

const bytes = (u: Uint8Array | null): number[] | null => (u === null ? null : Array.from(u))

/**
 * What the consumer must see for record `i`: exactly what was produced, on both paths. Null and empty
 * header values stay apart on the stock calls too: produce() sends a zero-length Buffer of its own as
 * null and a zero-length view into a larger buffer as empty, and the patch makes the stock consume
 * hand back null for a null value (unpatched it gives an empty Buffer for both). Empty keys and values
 * survive both paths when their bytes sit inside a larger buffer, as they do in a packed batch (ADR
 * 0004's empty-as-null comes from zero-length Buffers of their own).
 */
function expected(i: number): Omit<Got, 'offset'> {
  const r = recordFor(i)
  return {
    partition: r.partition,
    timestamp: r.timestamp,
    timestampType: 1,
    key: bytes(r.key),
    value: bytes(r.value),
    headers: r.headers === null ? null : r.headers.map((h) => (typeof h === 'string' ? h : bytes(h))),
  }
}

function pack(from: number, to: number): PackedRecords {
  const records: RecordToPack[] = []
  for (let i = from; i < to; i++) records.push(recordFor(i))
  return packRecords(records)
}

function produceAll(p: SourceProducer, topic: string, batches: PackedRecords[]): Promise<void> {
  return Promise.all(
    batches.map(
      (b) =>
        new Promise<void>((resolve, reject) =>
          p.produce([topic], b, (err) => (err ? reject(err) : resolve())),
        ),
    ),
  ).then(() => undefined)
}

/** Consumes `count` records through a SinkConsumer (the runtime's sink path), acking every batch. */
async function consumeAll(
  bootstrap: string,
  topic: string,
  count: number,
): Promise<{ got: Got[]; offsets: TopicPartitionOffset[]; batches: number }> {
  const got: Got[] = []
  let batches = 0
  // Next offset to read per partition, from the batches' marks (what the owner commits from).
  const nextOffsets = new Map<string, TopicPartitionOffset>()
  let consumer: SinkConsumer | undefined
  let failed: ConnectError | undefined
  const done = new Promise<void>((resolve) => {
    const check = () => (got.length >= count || failed !== undefined ? resolve() : setTimeout(check, 20))
    check()
  })
  consumer = await SinkConsumer.open(
    factory,
    {
      'bootstrap.servers': bootstrap,
      'group.id': `${topic}-sink`,
      'auto.offset.reset': 'earliest',
      'enable.auto.commit': false,
    },
    {
      name: `${topic}-sink`,
      topics: [topic],
      topicsRegex: undefined,
      maxInFlightBatches: 4,
      maxPollRecords: 700,
    },
    {
      deliver(_batch, topics, records, _first, next) {
        batches++
        for (const o of next) nextOffsets.set(`${o.topic}:${o.partition}`, o)
        assert.deepEqual(topics, [topic])
        forEachPacked(records, (r) => {
          got.push({
            partition: r.partition,
            offset: r.offset,
            timestamp: r.timestamp,
            timestampType: r.timestampType,
            key: bytes(r.key),
            value: bytes(r.value),
            headers: r.headers === null ? null : r.headers.map((h) => (typeof h === 'string' ? h : bytes(h))),
          })
        })
        setImmediate(() => consumer?.release())
      },
      assigned: () => undefined,
      revoked: async () => undefined,
      failed: (err) => {
        failed = err
      },
    },
  )
  consumer.start()
  const timeout = setTimeout(() => {
    failed ??= new Error(`timed out with ${got.length} of ${count} records`) as ConnectError
  }, 60_000)
  await done
  clearTimeout(timeout)
  await new Promise((r) => setTimeout(r, 50))
  const offsets = [...nextOffsets.values()]
  await consumer.close()
  if (failed !== undefined) throw failed
  return { got, offsets, batches }
}

for (const mode of ['batch', 'stock'] as const) {
  describe(`Kafka I/O against the real broker, ${mode} path`, () => {
    let bootstrap: string
    let admin: KafkaAdmin
    const stock = mode === 'stock'
    const saved = process.env.SLUICE_KAFKA_BATCH

    before(() => {
      bootstrap = ensureBroker()
      admin = KafkaAdmin.create({ 'bootstrap.servers': bootstrap })
      if (stock) process.env.SLUICE_KAFKA_BATCH = 'off'
      else delete process.env.SLUICE_KAFKA_BATCH
    })
    after(() => {
      admin.close()
      if (saved === undefined) delete process.env.SLUICE_KAFKA_BATCH
      else process.env.SLUICE_KAFKA_BATCH = saved
    })

    test('the path in use is the one asked for (the patched binding is installed)', () => {
      assert.equal(batchApiAvailable(), !stock)
    })

    test('byte-exact round trip: null and empty keys, values and header values, headers, partitions, timestamps', async () => {
      const topic = uniqueTopic(`batch-rt-${mode}`)
      await admin.createTopic({ topic, partitions: PARTITIONS, replicationFactor: 1 })
      const N = 6000
      const producer = await SourceProducer.open(factory, { 'bootstrap.servers': bootstrap }, topic)
      assert.equal(producer.batchApi, !stock)
      const batches: PackedRecords[] = []
      for (let i = 0; i < N; i += 1000) batches.push(pack(i, i + 1000))
      await produceAll(producer, topic, batches)
      await producer.close(10_000)

      const { got, offsets } = await consumeAll(bootstrap, topic, N)
      assert.equal(got.length, N)
      // Per partition, records come back in the order they were produced.
      const perPartition = new Map<number, Got[]>()
      for (const g of got) {
        const list = perPartition.get(g.partition) ?? []
        list.push(g)
        perPartition.set(g.partition, list)
      }
      for (let p = 0; p < PARTITIONS; p++) {
        const list = perPartition.get(p) ?? []
        const want: number[] = []
        for (let i = p; i < N; i += PARTITIONS) want.push(i)
        assert.equal(list.length, want.length, `partition ${p}`)
        for (let j = 0; j < want.length; j++) {
          const { offset, ...rest } = list[j]!
          assert.equal(offset, j, `partition ${p} offsets are dense`)
          assert.deepEqual(rest, expected(want[j]!), `record ${want[j]} (partition ${p}, offset ${j})`)
        }
      }
      // Offsets kept per batch (the marks) end exactly after the last record of each partition.
      const ends = await admin.endOffsets(topic)
      const byPartition = new Map(offsets.map((o) => [o.partition, o.offset]))
      for (const [p, end] of ends) assert.equal(byPartition.get(p), end, `put offset of partition ${p}`)
    })

    test('a record librdkafka refuses fails its batch with a clear error', async () => {
      const topic = uniqueTopic(`batch-bad-${mode}`)
      await admin.createTopic({ topic, partitions: 1, replicationFactor: 1 })
      const producer = await SourceProducer.open(factory, { 'bootstrap.servers': bootstrap }, topic)
      const records = [recordFor(3), recordFor(4), { ...recordFor(5), partition: 9 }, recordFor(6)].map(
        (r) => ({
          ...r,
          partition: r.partition === 9 ? 9 : 0,
        }),
      )
      const err = await new Promise<ConnectError | undefined>((resolve) =>
        producer.produce([topic], packRecords(records), resolve),
      )
      await producer.close(10_000)
      assert.ok(err !== undefined, 'the batch fails')
      assert.equal(err.code, 'XC_KAFKA')
      assert.equal(err.retriable, false)
      if (!stock) assert.match(err.message, /record 2 of the batch was refused: ERR__UNKNOWN_PARTITION/)
      else assert.match(err.message, /partition/i)
    })

    test('queue full: back-pressure resumes at the refused record, nothing lost or duplicated', async () => {
      const topic = uniqueTopic(`batch-qf-${mode}`)
      await admin.createTopic({ topic, partitions: 1, replicationFactor: 1 })
      const producer = await SourceProducer.open(
        factory,
        // A 40-message queue: a 3000-record batch must wait for delivery reports many times.
        { 'bootstrap.servers': bootstrap, 'queue.buffering.max.messages': 40, 'linger.ms': 1 },
        topic,
      )
      const N = 3000
      const records: RecordToPack[] = []
      for (let i = 0; i < N; i++) {
        records.push({
          topic: 0,
          partition: 0,
          timestamp: -1,
          key: null,
          value: new TextEncoder().encode(`v${i}`),
          headers: null,
        })
      }
      await produceAll(producer, topic, [
        packRecords(records.slice(0, 1000)),
        packRecords(records.slice(1000)),
      ])
      await producer.close(10_000)
      const { got } = await consumeAll(bootstrap, topic, N)
      assert.equal(got.length, N)
      assert.deepEqual(
        got.map((g) => new TextDecoder().decode(Uint8Array.from(g.value ?? []))),
        records.map((_, i) => `v${i}`),
      )
      // No timestamp given: the producer stamps create time.
      assert.ok(got.every((g) => g.timestampType === 1 && g.timestamp > 1_700_000_000_000))
    })
  })
}

/** The patched binding's own calls, below the runtime (these fail if the patch is not installed). */
describe('patched binding: raw batch calls', () => {
  let bootstrap: string
  let admin: KafkaAdmin
  before(() => {
    bootstrap = ensureBroker()
    admin = KafkaAdmin.create({ 'bootstrap.servers': bootstrap })
  })
  after(() => admin.close())

  interface RawProducer {
    connect(o: object, cb: (err: unknown) => void): void
    disconnect(cb: () => void): void
    poll(): void
    flush(ms: number, cb: (err: unknown) => void): void
    produceBatch(...args: unknown[]): [number, number]
  }
  const connect = async (config: Record<string, unknown>): Promise<RawProducer> => {
    const p = createProducer(config as never) as unknown as RawProducer
    await new Promise<void>((resolve, reject) => p.connect({}, (err) => (err ? reject(err) : resolve())))
    return p
  }

  test('produceBatch checks every length before enqueuing anything, naming the record', async () => {
    const topic = uniqueTopic('raw-bad')
    const p = await connect({ 'bootstrap.servers': bootstrap })
    const good = packedViews(pack(0, 4))
    const ints = good.ints.slice()
    ints[2 * 6 + 3] = 1_000_000 // record 2's value would run past the data
    assert.throws(
      () => p.produceBatch([topic], ints, good.nums, good.hlens, good.data, 0, 4, 1),
      /produceBatch: record 2 ends past the data/,
    )
    const badTopic = good.ints.slice()
    badTopic[6] = 3
    assert.throws(
      () => p.produceBatch([topic], badTopic, good.nums, good.hlens, good.data, 0, 4, 1),
      /record 1 names topic index 3 of 1/,
    )
    assert.throws(() => p.produceBatch([topic], new Float64Array(4), null, null, null, 0, 1, 1), /Int32Array/)
    await new Promise<void>((resolve) => p.disconnect(resolve))
  })

  test('a full queue stops produceBatch at the exact record, with ERR__QUEUE_FULL', async () => {
    const topic = uniqueTopic('raw-qf')
    await admin.createTopic({ topic, partitions: 1, replicationFactor: 1 })
    let reports = 0
    let calls = 0
    const p = await connect({
      'bootstrap.servers': bootstrap,
      'queue.buffering.max.messages': 10,
      dr_batch_cb: (codes: Int32Array, opaques: Float64Array) => {
        calls++
        reports += codes.length
        assert.ok(codes.every((c) => c === 0))
        assert.ok(opaques.every((o) => o === 42))
      },
    })
    const records: RecordToPack[] = []
    for (let i = 0; i < 25; i++) records.push({ ...recordFor(i), partition: 0 })
    const v = packedViews(packRecords(records))
    const args = [[topic], v.ints, v.nums, v.hlens, v.data] as const
    assert.deepEqual(p.produceBatch(...args, 0, 25, 42), [10, -184])
    let next = 10
    const deadline = Date.now() + 20_000
    while (next < 25 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20))
      p.poll()
      const [n, code] = p.produceBatch(...args, next, 25, 42)
      assert.ok(code === 0 || code === -184, `code ${code}`)
      next = n
    }
    assert.equal(next, 25)
    await new Promise<void>((resolve, reject) => p.flush(10_000, (err) => (err ? reject(err) : resolve())))
    while (reports < 25 && Date.now() < deadline) {
      p.poll()
      await new Promise((r) => setTimeout(r, 20))
    }
    assert.equal(reports, 25, 'one delivery report per record')
    assert.ok(calls < 25, `reports come in batches (${calls} calls for 25 reports)`)
    await new Promise<void>((resolve) => p.disconnect(resolve))
  })

  test('consumeColumnar returns one transferable buffer, topics once, and per-partition marks', async () => {
    const topic = uniqueTopic('raw-col')
    await admin.createTopic({ topic, partitions: 2, replicationFactor: 1 })
    const p = await connect({ 'bootstrap.servers': bootstrap, dr_batch_cb: () => undefined })
    const records: RecordToPack[] = []
    for (let i = 0; i < 50; i++) records.push({ ...recordFor(i), partition: i % 2 })
    const v = packedViews(packRecords(records))
    assert.deepEqual(p.produceBatch([topic], v.ints, v.nums, v.hlens, v.data, 0, 50, 0), [50, 0])
    await new Promise<void>((resolve, reject) => p.flush(10_000, (err) => (err ? reject(err) : resolve())))
    await new Promise<void>((resolve) => p.disconnect(resolve))

    const c = createConsumer({
      'bootstrap.servers': bootstrap,
      'group.id': `${topic}-r`,
      'auto.offset.reset': 'earliest',
    }) as unknown as {
      connect(o: object, cb: (err: unknown) => void): void
      disconnect(cb: () => void): void
      subscribe(t: string[]): void
      setDefaultConsumeTimeout(ms: number): void
      consumeColumnar(
        n: number,
        cb: (
          err: unknown,
          b: {
            count: number
            topics: string[]
            buffer: ArrayBuffer
            marks: Float64Array
            headerCount: number
          },
        ) => void,
      ): void
    }
    await new Promise<void>((resolve, reject) => c.connect({}, (err) => (err ? reject(err) : resolve())))
    c.subscribe([topic])
    c.setDefaultConsumeTimeout(200)
    const marks = new Map<number, [number, number]>()
    let count = 0
    const deadline = Date.now() + 30_000
    while (count < 50 && Date.now() < deadline) {
      const b = await new Promise<{
        count: number
        topics: string[]
        buffer: ArrayBuffer
        marks: Float64Array
        headerCount: number
      }>((resolve, reject) => c.consumeColumnar(100, (err, batch) => (err ? reject(err) : resolve(batch))))
      if (b.count === 0) continue
      assert.deepEqual(b.topics, [topic])
      for (let i = 0; i < b.marks.length; i += 4) {
        assert.equal(b.marks[i], 0)
        const prev = marks.get(b.marks[i + 1]!)
        marks.set(b.marks[i + 1]!, [prev?.[0] ?? b.marks[i + 2]!, b.marks[i + 3]!])
      }
      // The batch buffer moves to another thread without a copy.
      const { port1, port2 } = new MessageChannel()
      const moved = new Promise<ArrayBuffer>((resolve) => port2.once('message', resolve))
      const len = b.buffer.byteLength
      port1.postMessage(b.buffer, [b.buffer])
      assert.equal(b.buffer.byteLength, 0)
      const buf = await moved
      port1.close()
      port2.close()
      assert.equal(buf.byteLength, len)
      forEachPacked({ length: b.count, headerCount: b.headerCount, buffer: buf }, () => count++)
    }
    await new Promise<void>((resolve) => c.disconnect(resolve))
    assert.equal(count, 50)
    assert.deepEqual([...marks.entries()].sort(), [
      [0, [0, 24]],
      [1, [0, 24]],
    ])
  })
})
