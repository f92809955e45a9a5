import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ConfigError, ConnectError, Schemas, type SourceRecord } from '@sluice/api'
import {
  DatagenConnector,
  DatagenContent,
  DatagenTask,
  plugins,
  RateLimiter,
  shareOf,
  type TaskClock,
} from '../src/index.js'
import { FixedOffsets, FrozenClock, SimulatedClock, sourceContext, within } from './support.js'

async function startTask(
  props: Record<string, string>,
  clock: TaskClock = new SimulatedClock(),
  offsets = new FixedOffsets(),
): Promise<DatagenTask> {
  const task = new DatagenTask({ clock })
  task.initialize(sourceContext(props, offsets))
  await task.start(props)
  return task
}

/** Polls until `count` records or until a poll returns nothing. */
async function drain(task: DatagenTask, count = Number.POSITIVE_INFINITY): Promise<SourceRecord[]> {
  const out: SourceRecord[] = []
  const signal = new AbortController().signal
  while (out.length < count) {
    const batch = await task.poll(signal)
    if (batch === null) break
    out.push(...batch)
  }
  return out
}

const text = (v: unknown): string =>
  typeof v === 'string' ? v : Buffer.from(v as Uint8Array).toString('latin1')

describe('DatagenConnector', () => {
  test('is declared as a source plugin with alias Datagen', () => {
    const def = plugins.find((p) => p.className === 'io.sluice.connect.datagen.DatagenConnector')
    assert.ok(def)
    assert.equal(def.kind, 'source')
    assert.deepEqual(def.aliases, ['Datagen'])
  })

  test('every key is documented; internal task keys stay out of docs', () => {
    const def = new DatagenConnector().config()
    for (const key of def.configKeys().values()) assert.ok(key.documentation.length > 10, key.name)
    assert.deepEqual(
      [...def.configKeys().values()].filter((k) => !k.internal).map((k) => k.name),
      [
        'topic',
        'record.size',
        'value.schema',
        'key',
        'rate.limit',
        'partitions',
        'max.records',
        'batch.size',
        'seed',
        'transaction.records',
      ],
    )
  })

  test('validate names each bad key', () => {
    const c = new DatagenConnector()
    const bad = c
      .validate({
        'record.size': '-1',
        key: 'uuid',
        'value.schema': 'avro',
        'rate.limit': '-2',
        partitions: 'x',
      })
      .filter((v) => v.errorMessages.length > 0)
      .map((v) => v.name)
    assert.deepEqual(bad.sort(), ['key', 'partitions', 'rate.limit', 'record.size', 'topic', 'value.schema'])
    assert.throws(
      () => c.start({ topic: 't', 'max.records': '-5' }),
      (e: unknown) => e instanceof ConfigError && Object.keys(e.errors).join() === 'max.records',
    )
  })

  test('taskConfigs splits the work: task index and count per task', () => {
    const c = new DatagenConnector()
    c.start({ topic: 't', 'max.records': '10' })
    const configs = c.taskConfigs(3)
    assert.equal(configs.length, 3)
    assert.deepEqual(
      configs.map((p) => [p['datagen.task.id'], p['datagen.task.count'], p.topic, p['max.records']]),
      [
        ['0', '3', 't', '10'],
        ['1', '3', 't', '10'],
        ['2', '3', 't', '10'],
      ],
    )
    assert.deepEqual(
      [0, 1, 2].map((i) => shareOf(10, i, 3)),
      [4, 3, 3],
    )
    assert.deepEqual(
      [0, 1, 2, 3].map((i) => shareOf(2, i, 4)),
      [1, 1, 0, 0],
    )
  })

  test('connector-defined transactions: supported with transaction.records, a commit after every N of the sequence', async () => {
    const c = new DatagenConnector()
    assert.equal(c.canDefineTransactionBoundaries({ topic: 't' }), 'UNSUPPORTED')
    assert.equal(c.canDefineTransactionBoundaries({ topic: 't', 'transaction.records': '3' }), 'SUPPORTED')
    const task = new DatagenTask({ clock: new FrozenClock() })
    const commits: string[] = []
    task.initialize({
      ...sourceContext({}),
      transactionContext: () => ({
        commitTransaction: (r?: SourceRecord) => void commits.push(String(r?.key)),
        abortTransaction: () => assert.fail('datagen never aborts'),
      }),
    })
    await task.start({ topic: 't', key: 'string', 'batch.size': '10', 'transaction.records': '3' })
    await task.poll(new AbortController().signal)
    assert.deepEqual(commits, ['0-2', '0-5', '0-8'])
  })

  test('exactly-once supported; alterOffsets checks {task} → {seq}', () => {
    const c = new DatagenConnector()
    assert.equal(c.exactlyOnceSupport({ topic: 't' }), 'SUPPORTED')
    assert.equal(c.alterOffsets({ topic: 't' }, [{ partition: { task: 0 }, offset: { seq: 9 } }]), true)
    assert.equal(c.alterOffsets({ topic: 't' }, [{ partition: { task: 1 }, offset: null }]), true)
    for (const [partition, offset] of [
      [{ task: -1 }, { seq: 1 }],
      [{ filename: 'x' }, { seq: 1 }],
      [{ task: 0 }, { seq: 'a' }],
      [{ task: 0 }, { seq: -1 }],
    ] as const) {
      assert.throws(
        () => c.alterOffsets({ topic: 't' }, [{ partition, offset }]),
        (e: unknown) => ConnectError.is(e),
      )
    }
  })
})

describe('DatagenTask', () => {
  test('deterministic content: same config → same records; exact size; prefix task-seq', async () => {
    const props = { topic: 't', 'record.size': '64', 'max.records': '500', seed: '42', 'batch.size': '128' }
    const a = await drain(await startTask(props))
    const b = await drain(await startTask(props))
    assert.equal(a.length, 500)
    assert.deepEqual(
      a.map((r) => r.value),
      b.map((r) => r.value),
    )
    const content = new DatagenContent(64, 42)
    a.forEach((r, seq) => {
      assert.equal(r.value, content.valueString(0, seq))
      assert.equal(Buffer.byteLength(r.value as string), 64)
      assert.ok((r.value as string).startsWith(`0-${seq}:`))
      assert.deepEqual(r.sourcePartition, { task: 0 })
      assert.deepEqual(r.sourceOffset, { seq })
      assert.equal(r.topic, 't')
      assert.equal(r.key, null)
      assert.equal(r.keySchema, null)
      assert.equal(r.valueSchema, Schemas.STRING)
      assert.equal(r.kafkaPartition, null)
    })
    assert.equal(new Set(a.map((r) => (r.value as string).slice(-20))).size > 400, true, 'filler varies')
    const other = await drain(await startTask({ ...props, seed: '43' }))
    assert.notDeepEqual(
      other.map((r) => r.value),
      a.map((r) => r.value),
      'the seed changes the content',
    )
  })

  test('tiny record.size cuts the prefix; 0 gives empty values', async () => {
    const r = await drain(await startTask({ topic: 't', 'record.size': '3', 'max.records': '12' }))
    assert.deepEqual(r.at(-1)?.value, '0-1')
    const empty = await drain(await startTask({ topic: 't', 'record.size': '0', 'max.records': '2' }))
    assert.deepEqual(
      empty.map((x) => x.value),
      ['', ''],
    )
  })

  test('BYTES values carry the same bytes as STRING values', async () => {
    const base = { topic: 't', 'record.size': '50', 'max.records': '300', 'batch.size': '100' }
    const strings = await drain(await startTask(base))
    const bytes = await drain(await startTask({ ...base, 'value.schema': 'bytes' }))
    assert.equal(bytes[0]!.valueSchema, Schemas.BYTES)
    assert.ok(bytes[0]!.value instanceof Uint8Array)
    assert.deepEqual(
      bytes.map((r) => text(r.value)),
      strings.map((r) => r.value),
    )
    assert.ok(bytes.every((r) => (r.value as Uint8Array).length === 50))
  })

  test('key styles', async () => {
    const base = { topic: 't', 'max.records': '6', 'datagen.task.id': '1', 'datagen.task.count': '2' }
    const str = await drain(await startTask({ ...base, key: 'string' }))
    assert.deepEqual(
      str.map((r) => r.key),
      ['1-0', '1-1', '1-2'],
    )
    assert.equal(str[0]!.keySchema, Schemas.STRING)
    const long = await drain(await startTask({ ...base, key: 'long' }))
    assert.deepEqual(
      long.map((r) => r.key),
      [1, 3, 5],
      'seq * tasks + task: unique across tasks',
    )
    assert.equal(long[0]!.keySchema, Schemas.INT64)
  })

  test('partitions: records spread over explicit partitions; tasks = partitions → one partition each', async () => {
    const spread = await drain(await startTask({ topic: 't', partitions: '3', 'max.records': '9' }))
    assert.deepEqual(
      spread.map((r) => r.kafkaPartition),
      [0, 1, 2, 0, 1, 2, 0, 1, 2],
    )
    const c = new DatagenConnector()
    c.start({ topic: 't', partitions: '4', 'max.records': '40' })
    for (const [i, props] of c.taskConfigs(4).entries()) {
      const records = await drain(await startTask(props))
      assert.equal(records.length, 10)
      assert.ok(records.every((r) => r.kafkaPartition === i))
    }
  })

  test('tasks share max.records exactly and produce disjoint records; then idle without spinning', async () => {
    const c = new DatagenConnector()
    c.start({ topic: 't', 'max.records': '1001', 'batch.size': '64', key: 'long' })
    const all: SourceRecord[] = []
    for (const props of c.taskConfigs(4)) {
      const clock = new SimulatedClock()
      const task = await startTask(props, clock)
      const records = await drain(task)
      all.push(...records)
      const before = clock.now()
      assert.equal(await task.poll(new AbortController().signal), null)
      assert.equal(clock.now() - before, 1000, 'an exhausted task waits 1 s per poll')
    }
    assert.equal(all.length, 1001)
    assert.deepEqual(
      all.map((r) => r.key as number).sort((x, y) => x - y),
      Array.from({ length: 1001 }, (_, i) => i),
    )
  })

  test('resumes after the stored offset and keeps counting towards max.records', async () => {
    const offsets = new FixedOffsets().set({ task: 0 }, { seq: 41 })
    const records = await drain(
      await startTask({ topic: 't', 'max.records': '50' }, new SimulatedClock(), offsets),
    )
    assert.deepEqual(
      records.map((r) => r.sourceOffset?.seq),
      [42, 43, 44, 45, 46, 47, 48, 49],
    )
    assert.equal(records[0]!.value, new DatagenContent(100, 0).valueString(0, 42))
    assert.deepEqual(offsets.lookups, [{ task: 0 }])
    const bad = new FixedOffsets().set({ task: 0 }, { seq: 'x' })
    await assert.rejects(startTask({ topic: 't' }, new SimulatedClock(), bad), (e: unknown) =>
      ConnectError.is(e),
    )
  })

  test('unlimited by default: polls keep returning full batches', async () => {
    const task = await startTask({ topic: 't', 'batch.size': '500' })
    const signal = new AbortController().signal
    for (let i = 0; i < 5; i++) assert.equal((await task.poll(signal))?.length, 500)
  })

  test('rate.limit paces records on the injected clock (no wall-time sleeping)', async () => {
    const clock = new SimulatedClock(0)
    const task = await startTask(
      { topic: 't', 'rate.limit': '100', 'batch.size': '1000', 'max.records': '1001' },
      clock,
    )
    const records = await drain(task, 1001)
    assert.equal(records.length, 1001)
    // The first record goes at once; 1000 more at 100/s take 10 s of simulated time.
    assert.ok(Math.abs(clock.now() - 10_000) <= 10, `elapsed ${clock.now()}`)
  })

  test('rate.limit is per connector: split across tasks', async () => {
    const c = new DatagenConnector()
    c.start({ topic: 't', 'rate.limit': '100', 'batch.size': '1000' })
    const configs = c.taskConfigs(4)
    const clock = new SimulatedClock(0)
    const task = await startTask(configs[1]!, clock)
    const records = await drain(task, 251)
    assert.equal(records.length, 251)
    assert.ok(Math.abs(clock.now() - 10_000) <= 40, `25/s per task: elapsed ${clock.now()}`)
  })

  test('aborting the poll signal ends a rate-limit wait at once', async () => {
    const clock = new FrozenClock()
    const task = await startTask({ topic: 't', 'rate.limit': '0.001' }, clock)
    const ac = new AbortController()
    assert.equal((await task.poll(ac.signal))?.length, 1, 'first record at once')
    const pending = task.poll(ac.signal)
    while (clock.sleeping === 0) await new Promise((r) => setImmediate(r))
    ac.abort()
    assert.equal(await within(pending, 5_000, 'aborted poll'), null)
  })

  test('stop() ends an idle wait', async () => {
    const clock = new FrozenClock()
    const task = await startTask({ topic: 't', 'max.records': '1' }, clock)
    const signal = new AbortController().signal
    assert.equal((await task.poll(signal))?.length, 1)
    const pending = task.poll(signal)
    while (clock.sleeping === 0) await new Promise((r) => setImmediate(r))
    task.stop()
    assert.equal(await within(pending, 5_000, 'poll after stop'), null)
  })
})

describe('RateLimiter', () => {
  test('steady state: records per simulated second equal the rate', async () => {
    const clock = new SimulatedClock(0)
    const limiter = new RateLimiter(250, 250, clock)
    let sent = 0
    while (clock.now() < 4_000) sent += await limiter.acquire(1000)
    // 1 at t=0, then 250/s for 4 s (the last acquire may end just past 4 s).
    assert.ok(sent >= 1000 && sent <= 1002, `sent ${sent}`)
  })

  test('fractional rates: 0.5/s = one record every 2 s', async () => {
    const clock = new SimulatedClock(0)
    const limiter = new RateLimiter(0.5, 1, clock)
    const times: number[] = []
    for (let i = 0; i < 4; i++) {
      assert.equal(await limiter.acquire(10), 1)
      times.push(clock.now())
    }
    assert.deepEqual(times, [0, 2000, 4000, 6000])
  })

  test('burst caps what accumulates while idle', async () => {
    const clock = new SimulatedClock(0)
    const limiter = new RateLimiter(100, 50, clock)
    await limiter.acquire(1)
    clock.current += 60_000
    assert.equal(await limiter.acquire(1000), 50)
    assert.ok(limiter.available < 1)
  })

  test('returns 0 when aborted while waiting', async () => {
    const limiter = new RateLimiter(1, 1, new FrozenClock())
    const ac = new AbortController()
    assert.equal(await limiter.acquire(5, [ac.signal]), 1)
    const pending = limiter.acquire(5, [ac.signal])
    ac.abort()
    assert.equal(await pending, 0)
  })
})
