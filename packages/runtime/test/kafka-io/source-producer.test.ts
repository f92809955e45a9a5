import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type {
  DeliveryBatchCallback,
  KafkaClientFactory,
  KafkaError,
  ProducerClient,
} from '../../src/kafka-io/client-types.js'
import { type RecordFailure, SourceProducer } from '../../src/kafka-io/source-producer.js'
import { packProduceRecords } from '../../src/wire/packed-records.js'

// SourceProducer with a fake client: which records of a batch were refused, by index, on the batch
// path (one call per batch; a failed batch's suspects are sent again one by one) and on the stock path.

const TOO_LARGE = 10

/**
 * A fake producer: `refuse(value)` decides a record's delivery code (it may change between attempts),
 * `partitionOf(value)` the partition its report names.
 */
function fakeFactory(
  batchApi: boolean,
  refuse: (value: string) => number,
  refuseLocally = new Set<string>(),
  partitionOf: (value: string) => number = () => 0,
) {
  const calls: Array<{ start: number; count: number; opaque: number }> = []
  let reportBatch: DeliveryBatchCallback | undefined
  let reportOne: ((err: KafkaError | null, report: { opaque?: unknown }) => void) | undefined
  const pending: Array<() => void> = []
  const recordValue = (data: Uint8Array | null, ints: Int32Array, i: number): string => {
    // Packed layout: 6 ints per record (topic, partition, key length, value length, header count, -).
    let offset = 0
    for (let j = 0; j < i; j++) offset += Math.max(0, ints[j * 6 + 2]!) + Math.max(0, ints[j * 6 + 3]!)
    offset += Math.max(0, ints[i * 6 + 2]!)
    return Buffer.from(data!.subarray(offset, offset + ints[i * 6 + 3]!)).toString()
  }
  const client: ProducerClient = {
    connect: (_o, cb) => cb(null),
    on: ((event: string, fn: never) => {
      if (event === 'delivery-report') reportOne = fn
    }) as ProducerClient['on'],
    produce: (_topic, _partition, value, _key, _ts, opaque) => {
      const v = value?.toString() ?? ''
      if (refuseLocally.has(v)) throw Object.assign(new Error('Message size too large'), { code: TOO_LARGE })
      const code = refuse(v)
      pending.push(() =>
        reportOne!(code === 0 ? null : { code, message: 'Broker: Message size too large' }, { opaque }),
      )
    },
    produceBatch: (_topics, ints, _nums, _hlens, data, start, count, opaque) => {
      calls.push({ start, count, opaque })
      for (let i = start; i < count; i++) {
        const v = recordValue(data, ints, i)
        if (refuseLocally.has(v)) return [i, TOO_LARGE]
        const code = refuse(v)
        const partition = partitionOf(v)
        pending.push(() =>
          reportBatch!(Int32Array.of(code), Float64Array.of(opaque), Int32Array.of(partition)),
        )
      }
      return [count, 0]
    },
    setPollInterval: () => undefined,
    flush: (_t, cb) => cb(null),
    disconnect: (_t, cb) => cb(null),
  }
  const factory: KafkaClientFactory = {
    producer: (config) => {
      reportBatch = config.dr_batch_cb as DeliveryBatchCallback | undefined
      return client
    },
    consumer: () => {
      throw new Error('no consumer')
    },
    batchApi: () => batchApi,
    errorString: (code) => (code === TOO_LARGE ? 'ERR_MSG_SIZE_TOO_LARGE (10)' : `error ${code}`),
  }
  /** Delivers every pending report (as librdkafka's poll would). */
  const deliver = () => {
    while (pending.length > 0) for (const p of pending.splice(0)) p()
  }
  return { factory, calls, deliver }
}

const batch = (...values: string[]) =>
  packProduceRecords(values.map((v) => [0, -1, null, Buffer.from(v), -1, null]))

const produce = (p: SourceProducer, values: string[], deliver: () => void) =>
  new Promise<{ err: string | undefined; failures: readonly RecordFailure[] | undefined }>((resolve) => {
    p.produce(['t'], batch(...values), (err, failures) => resolve({ err: err?.message, failures }))
    deliver()
  })

describe('SourceProducer: refused records by index', () => {
  test('batch path: reports from several partitions name no positions, so every record is sent again', async () => {
    const f = fakeFactory(
      true,
      (v) => (v === 'big' ? TOO_LARGE : 0),
      new Set(),
      (v) => (v === 'a' ? 1 : 0),
    )
    const p = await SourceProducer.open(f.factory, {}, 'test', false, true)
    const r = await produce(p, ['a', 'big', 'b'], f.deliver)
    assert.deepEqual(
      r.failures?.map((x) => x.index),
      [1],
    )
    assert.deepEqual(
      f.calls.map((c) => [c.start, c.count]),
      [
        [0, 3],
        [0, 1],
        [1, 2],
        [2, 3],
      ],
    )
  })

  for (const batchApi of [true, false]) {
    const path = batchApi ? 'batch path' : 'stock path'

    test(`${path}: with attribution every refused record is named; the others are delivered`, async () => {
      const f = fakeFactory(batchApi, (v) => (v.startsWith('big') ? TOO_LARGE : 0))
      const p = await SourceProducer.open(f.factory, {}, 'test', false, true)
      const r = await produce(p, ['a', 'big1', 'b', 'big2'], f.deliver)
      assert.match(
        r.err ?? '',
        /Unrecoverable exception from producer send callback \(test\): (ERR_MSG_SIZE_TOO_LARGE|Broker: Message size too large)/,
      )
      assert.deepEqual(
        r.failures?.map((x) => [x.index, x.code]),
        [
          [1, TOO_LARGE],
          [3, TOO_LARGE],
        ],
      )
      if (batchApi) {
        // One native call for the batch; its reports came from one partition, so they name the refused
        // records by position, and only those are sent again, one after another, each its own batch.
        assert.deepEqual(
          f.calls.map((c) => [c.start, c.count]),
          [
            [0, 4],
            [0, 1],
            [0, 1],
          ],
        )
        assert.notEqual(f.calls[2]!.opaque, f.calls[1]!.opaque)
      }
      // The next batch gets a fresh range of opaques: its reports are not confused with the first's.
      const next = await produce(p, ['c', 'd'], f.deliver)
      assert.deepEqual(next, { err: undefined, failures: undefined })
      assert.equal(p.inFlight, 0)
    })

    test(`${path}: a record librdkafka refuses at once is a failure and the rest is still sent`, async () => {
      const f = fakeFactory(batchApi, () => 0, new Set(['huge']))
      const p = await SourceProducer.open(f.factory, {}, 'test', false, true)
      const r = await produce(p, ['a', 'huge', 'b'], f.deliver)
      assert.deepEqual(
        r.failures?.map((x) => x.index),
        [1],
      )
      assert.equal(p.inFlight, 0)
    })

    test(`${path}: records refused only with an over-sized neighbour: sent again alone on the batch path`, async () => {
      const attempts = new Map<string, number>()
      const f = fakeFactory(batchApi, (v) => {
        const n = (attempts.get(v) ?? 0) + 1
        attempts.set(v, n)
        // The broker refuses the whole request the big record is in; alone, the others pass.
        return v === 'big' || (v === 'n1' && n === 1) ? TOO_LARGE : 0
      })
      const p = await SourceProducer.open(f.factory, {}, 'test', false, true)
      const r = await produce(p, ['a', 'n1', 'big', 'b'], f.deliver)
      // The stock path names each refused record by its own report and sends nothing again.
      assert.deepEqual(
        r.failures?.map((x) => x.index),
        batchApi ? [2] : [1, 2],
      )
      assert.equal(p.inFlight, 0)
    })

    test(`${path}: without attribution a failed batch reports one error and no indexes`, async () => {
      const f = fakeFactory(batchApi, (v) => (v === 'big' ? TOO_LARGE : 0))
      const p = await SourceProducer.open(f.factory, {}, 'test')
      const r = await produce(p, ['a', 'big', 'b'], f.deliver)
      assert.match(r.err ?? '', /ERR_MSG_SIZE_TOO_LARGE|Message size too large/)
      assert.equal(r.failures, undefined)
      if (batchApi) assert.equal(f.calls.length, 1, 'one native call for the whole batch')
    })
  }
})
