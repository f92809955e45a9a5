import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { MessagePort } from 'node:worker_threads'
import { ConnectError, encodeError } from '@sluice/api'
import { packRecords } from '@sluice/kafka'
import { ManualClock } from '../../src/clock.js'
import type {
  DeliveryReport,
  KafkaClientFactory,
  KafkaError,
  ProducerClient,
} from '../../src/kafka-io/client-types.js'
import { parseOffsetKey, parseOffsetValue } from '../../src/storage/offset-records.js'
import { defaultErrorHandling } from '../../src/task/error-handler.js'
import { decode, send } from '../../src/wire/codec.js'
import type { FromTask, TaskSpec, ToTask } from '../../src/wire/messages.js'
import {
  ExactlyOnceSourceTaskOwner,
  type ExactlyOnceTaskOptions,
  type TransactionBoundary,
} from '../../src/worker/exactly-once-source-task-owner.js'
import type { TaskOwnerDeps } from '../../src/worker/task-owner.js'
import type { State } from '../../src/worker/worker-api.js'

// The exactly-once source task owner's transaction state machine, with a fake transactional producer
// that keeps a broker's view (records of an open transaction become visible on commit, vanish on
// abort; a fenced producer's calls fail) and scripted source actors on real MessagePorts.

const OFFSETS_TOPIC = 'offsets'

interface Produced {
  readonly topic: string
  readonly partition: number | null
  readonly key: Buffer | null
  readonly value: Buffer | null
}

/** A broker shared by producer instances: what read_committed consumers would see. */
class FakeBroker {
  readonly visible: Produced[] = []
  readonly log: string[] = []
  /** The epoch of the transactional id; a producer with an older one is fenced. */
  epoch = 0
  /** Makes the next commit fail with this error. */
  failNextCommit: KafkaError | undefined
}

class FakeTxnProducer implements ProducerClient {
  #onReport: ((err: KafkaError | null, r: DeliveryReport) => void) | undefined
  #open: Produced[] | undefined
  #epoch = -1
  constructor(
    readonly broker: FakeBroker,
    readonly config: Record<string, unknown>,
  ) {}
  connect(_o: Record<string, unknown>, cb: (err: KafkaError | null) => void) {
    setImmediate(() => cb(null))
  }
  on(event: string, fn: (...a: never[]) => void) {
    if (event === 'delivery-report') this.#onReport = fn as never
    return this
  }
  #fenced(): KafkaError | null {
    return this.#epoch < this.broker.epoch
      ? { code: -144, message: 'Local: This instance has been fenced' }
      : null
  }
  produce(
    topic: string,
    partition: number | null,
    value: Buffer | null,
    key: Buffer | null,
    _ts: null,
    opaque: unknown,
  ) {
    const fenced = this.#fenced()
    if (this.#open === undefined && fenced === null)
      throw Object.assign(new Error('no transaction'), { code: -172 })
    this.#open?.push({ topic, partition, key, value })
    setImmediate(() => this.#onReport?.(fenced, { topic, partition: partition ?? 0, offset: 0, opaque }))
  }
  setPollInterval() {}
  flush(_t: number, cb: (err: KafkaError | null) => void) {
    setImmediate(() => cb(null))
  }
  disconnect(_t: number, cb: (err: unknown) => void) {
    setImmediate(() => cb(null))
  }
  initTransactions(_t: number, cb: (err: KafkaError | null) => void) {
    this.#epoch = ++this.broker.epoch
    this.broker.log.push('init')
    setImmediate(() => cb(null))
  }
  beginTransaction(cb: (err: KafkaError | null) => void) {
    const fenced = this.#fenced()
    if (fenced === null) this.#open = []
    this.broker.log.push('begin')
    setImmediate(() => cb(fenced))
  }
  commitTransaction(_t: number, cb: (err: KafkaError | null) => void) {
    const err = this.#fenced() ?? this.broker.failNextCommit ?? null
    this.broker.failNextCommit = undefined
    if (err === null) this.broker.visible.push(...(this.#open ?? []))
    else if (err.code !== -144) this.broker.log.push('commit failed')
    this.broker.log.push(err === null ? `commit ${this.#open?.length ?? 0}` : 'commit fenced')
    if (err !== null && err.code === -144) this.#open = undefined
    else if (err === null) this.#open = undefined
    setImmediate(() => cb(err))
  }
  abortTransaction(_t: number, cb: (err: KafkaError | null) => void) {
    this.broker.log.push(`abort ${this.#open?.length ?? 0}`)
    this.#open = undefined
    setImmediate(() => cb(this.#fenced()))
  }
}

/** A scripted source actor: resumes at the committed `seq`, sends batches of `size`, fails on demand. */
function sourceLauncher(opts: {
  size: number
  total: number
  failAt?: (gen: number, seq: number) => boolean
  /** While true, the actor waits before polling the batch starting at `seq`. */
  hold?: (gen: number, seq: number) => boolean
  /** transaction.boundary=connector: the task's request after the batch starting at `seq`. */
  txn?: (seq: number) => 'commit' | 'abort' | undefined
  /** The topic the records go to (default `data`). */
  topic?: string
}) {
  let generation = 0
  const launch = (port: MessagePort, _spec: TaskSpec): Promise<void> => {
    const gen = ++generation
    return new Promise<void>((resolve) => {
      let seq = -1
      let stopped = false
      const reply = (m: FromTask) => send(port, m)
      const sendBatch = () => {
        if (stopped || seq + 1 >= opts.total) return
        const from = seq + 1
        const to = Math.min(opts.total, from + opts.size)
        if (opts.hold?.(gen, from) === true) {
          setTimeout(sendBatch, 5)
          return
        }
        if (opts.failAt?.(gen, from) === true) {
          stopped = true
          reply({
            type: 'failed',
            error: encodeError(new ConnectError('XC_TASK_CRASHED', `poll failed at ${from}`)),
          })
          port.close()
          resolve()
          return
        }
        const records = []
        for (let s = from; s < to; s++)
          records.push({
            topic: 0,
            partition: 0,
            timestamp: -1,
            key: null,
            value: Buffer.from(String(s)),
            headers: null,
          })
        seq = to - 1
        const txn = opts.txn?.(from)
        reply({
          type: 'batch',
          batch: from,
          topics: [opts.topic ?? 'data'],
          records: packRecords(records),
          offsets: [[{ p: 0 }, { seq }]],
          ...(txn !== undefined && { txn }),
        })
      }
      port.on('message', (buf: ArrayBuffer) => {
        const msg = decode<ToTask>(buf)
        if (msg.type === 'offsets') {
          const o = msg.offsets[0] as { seq: number } | null
          seq = o === null ? -1 : o.seq
          sendBatch()
          sendBatch()
        } else if (msg.type === 'produced') sendBatch()
        else if (msg.type === 'stop') {
          stopped = true
          reply({ type: 'stopped' })
          resolve()
        }
      })
      reply({ type: 'state', state: 'RUNNING' })
      reply({ type: 'offsets.read', req: 1, partitions: [{ p: 0 }] })
    })
  }
  return { launch }
}

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

function setup(
  broker: FakeBroker,
  boundary: TransactionBoundary,
  actor: Parameters<typeof sourceLauncher>[0],
  store: Map<string, unknown> = new Map(),
) {
  const clock = new ManualClock(0)
  const states: State[] = []
  const calls: string[] = []
  const kafka: KafkaClientFactory = {
    producer: (config) => new FakeTxnProducer(broker, config),
    consumer: () => {
      throw new Error('no consumer in these tests')
    },
  }
  const deps: TaskOwnerDeps = {
    clock,
    listener: { onConnectorState: () => {}, onTaskState: (_id, s) => void states.push(s) },
    launch: sourceLauncher(actor).launch,
    kafka,
    bootstrapServers: 'fake:9092',
    offsets: {
      get: (_c, p) => (store.get(JSON.stringify(p)) as never) ?? null,
      set: () => {
        throw new Error('an exactly-once task never writes through the worker offset store')
      },
      flush: async () => {},
    },
    restart: { initialBackoffMs: 100, maxBackoffMs: 1000, maxRestarts: 3, windowMs: 60_000 },
    gracefulTimeoutMs: 2000,
    producerConfig: {},
    consumerConfig: {},
    sinkTopics: [],
    sinkTopicsRegex: undefined,
    maxPollRecords: 100,
    onTopicUsed: () => {},
  }
  const eos: ExactlyOnceTaskOptions = {
    transactionalId: 'g-c-0',
    boundary,
    intervalMs: 1000,
    offsetsTopic: OFFSETS_TOPIC,
    offsetsPartitions: 25,
    preflight: async () => void calls.push('preflight'),
    verify: async () => void calls.push('verify'),
    readOffsetsToEnd: async () => {
      calls.push('read offsets')
      // What a read_committed offsets consumer would have folded.
      for (const r of broker.visible)
        if (r.topic === OFFSETS_TOPIC && r.key !== null) {
          const k = parseOffsetKey(r.key)
          if (!('error' in k)) store.set(JSON.stringify(k.partition), parseOffsetValue(r.value))
        }
    },
  }
  const spec = {
    connector: 'c',
    task: 0,
    kind: 'source',
    connectorPlugin: { modulePath: '', className: 'Fake', configs: {} },
    taskProps: {},
    keyConverter: { modulePath: '', className: 'K', configs: {} },
    valueConverter: { modulePath: '', className: 'V', configs: {} },
    headerConverter: { modulePath: '', className: 'H', configs: {} },
    transforms: [],
    maxInFlightBatches: 2,
    errors: defaultErrorHandling,
    secrets: [],
  } satisfies Omit<TaskSpec, 'targetState'>
  const owner = new ExactlyOnceSourceTaskOwner({ connector: 'c', task: 0 }, spec, 'STARTED', deps, eos)
  return { owner, clock, states, calls }
}

/** The sequence numbers a read_committed consumer of the data topic sees, in order. */
const seen = (b: FakeBroker) =>
  b.visible.filter((r) => r.topic === 'data').map((r) => Number(String(r.value)))
const committedOffset = (b: FakeBroker) => {
  const last = b.visible.filter((r) => r.topic === OFFSETS_TOPIC).at(-1)
  return last === undefined ? null : (parseOffsetValue(last.value) as { seq: number }).seq
}
const range = (n: number) => Array.from({ length: n }, (_, i) => i)

describe('ExactlyOnceSourceTaskOwner (fake transactional producer, scripted actors)', () => {
  test('poll boundary: preflight, initTransactions, verify; then one transaction per batch with its offsets', async () => {
    const broker = new FakeBroker()
    const s = setup(broker, 'poll', { size: 10, total: 50 })
    await s.owner.start()
    await until(() => committedOffset(broker) === 49, 'the last offset committed')
    assert.deepEqual(s.calls.slice(0, 3), ['preflight', 'verify', 'read offsets'])
    assert.equal(broker.log[0], 'init')
    assert.deepEqual(seen(broker), range(50))
    // Each transaction: 10 records plus 1 offset record.
    assert.deepEqual(
      broker.log.filter((l) => l.startsWith('commit')),
      Array(5).fill('commit 11'),
    )
    assert.equal(s.owner.committedTransactions, 5)
    // The offset record goes to Java's murmur2 partition of its key, in Java's key/value format.
    const off = broker.visible.find((r) => r.topic === OFFSETS_TOPIC)!
    assert.equal(String(off.key), '["c",{"p":0}]')
    assert.equal(String(off.value), '{"seq":9}')
    assert.ok(off.partition !== null && off.partition >= 0 && off.partition < 25)
    await s.owner.stop()
    assert.equal(s.states.at(-1), 'STOPPED')
  })

  test('interval boundary: batches share a transaction until the interval passes; a failed actor aborts it and its successor resumes from the committed offsets, exactly once', async () => {
    const broker = new FakeBroker()
    let released = false
    const s = setup(broker, 'interval', {
      size: 5,
      total: 60,
      hold: (gen, seq) => gen === 1 && seq >= 20 && !released,
      failAt: (gen, seq) => gen === 1 && seq === 35,
    })
    await s.owner.start()
    await until(() => s.owner.recordsIn >= 20, 'four batches sent')
    await new Promise((r) => setTimeout(r, 20))
    assert.deepEqual(seen(broker), [], 'nothing visible before the interval passed')
    s.clock.advance(1000)
    await until(() => committedOffset(broker) !== null, 'the interval commit')
    const firstCommit = committedOffset(broker)!
    assert.equal(firstCommit, 19, 'the four batches in one transaction')
    assert.deepEqual(
      broker.log.filter((l) => l.startsWith('commit')),
      ['commit 21'],
    )
    released = true
    await until(() => s.states.includes('RESTARTING'), 'the actor failed')
    await until(
      () => broker.log.some((l) => l.startsWith('abort ') && l !== 'abort 0'),
      'the open transaction aborted',
    )
    assert.deepEqual(seen(broker), range(firstCommit + 1), 'the aborted records never became visible')
    s.clock.advance(100) // restart backoff
    await until(() => s.owner.recordsIn >= 60, 'the successor sent the rest')
    s.clock.advance(1000)
    await until(() => committedOffset(broker) === 59, 'the final interval commit')
    assert.deepEqual(seen(broker), range(60), 'every sequence number exactly once')
    assert.equal(broker.log.filter((l) => l === 'init').length, 1, 'the producer survives an actor restart')
    await s.owner.stop()
  })

  test('a failed commit aborts the transaction and restarts the actor from the committed offsets', async () => {
    const broker = new FakeBroker()
    const s = setup(broker, 'poll', { size: 10, total: 40 })
    broker.failNextCommit = undefined
    let armed = true
    const orig = FakeTxnProducer.prototype.commitTransaction
    FakeTxnProducer.prototype.commitTransaction = function (this: FakeTxnProducer, t, cb) {
      if (armed && committedOffset(broker) === 9) {
        armed = false
        broker.failNextCommit = {
          code: 48,
          message: 'Broker: Producer attempted a transactional operation in an invalid state',
        }
      }
      return orig.call(this, t, cb)
    }
    try {
      await s.owner.start()
      await until(() => s.states.includes('RESTARTING'), 'the failed commit restarted the actor')
      s.clock.advance(100)
      await until(() => committedOffset(broker) === 39, 'all committed')
      assert.deepEqual(seen(broker), range(40))
      assert.ok(broker.log.includes('commit failed'))
      await s.owner.stop()
    } finally {
      FakeTxnProducer.prototype.commitTransaction = orig
    }
  })

  test('a fenced producer (a newer instance initialised the same transactional id) fails the task for good; its open transaction never becomes visible', async () => {
    const broker = new FakeBroker()
    const s = setup(broker, 'interval', { size: 5, total: 1000 })
    await s.owner.start()
    await until(() => s.owner.recordsIn >= 10, 'records sent')
    s.clock.advance(1000)
    await until(() => committedOffset(broker) !== null, 'one commit')
    const before = seen(broker).length
    // The zombie's successor: InitProducerId bumps the epoch.
    broker.epoch++
    await until(() => s.states.at(-1) === 'FAILED', 'the fenced task FAILED')
    s.clock.advance(10_000)
    await new Promise((r) => setTimeout(r, 50))
    assert.equal(s.states.at(-1), 'FAILED', 'never restarted')
    assert.equal(
      broker.log.filter((l) => l === 'init').length,
      1,
      'no new initTransactions that would fence the successor',
    )
    assert.equal(seen(broker).length, before, 'nothing of the fenced transaction is visible')
    await s.owner.stop()
  })

  test('connector boundary: commits and aborts where the task asked; an abort still commits its offsets; a stop aborts the open one', async () => {
    const broker = new FakeBroker()
    const s = setup(broker, 'connector', {
      size: 5,
      total: 25,
      txn: (seq) => (seq === 5 ? 'abort' : seq === 15 ? 'commit' : undefined),
    })
    await s.owner.start()
    await until(() => committedOffset(broker) === 19, 'the task-requested commit')
    await until(() => s.owner.recordsIn >= 25, 'all sent')
    assert.deepEqual(
      seen(broker),
      range(10).map((i) => i + 10),
      'the aborted transaction (0..9) never visible',
    )
    await s.owner.stop()
    assert.deepEqual(
      seen(broker),
      range(10).map((i) => i + 10),
      'the open transaction (20..24) aborted at stop',
    )
    assert.equal(committedOffset(broker), 19)
    // The abort's offsets went into a transaction of their own: 0..9 are not polled again.
    const offsets = broker.visible.filter((r) => r.topic === OFFSETS_TOPIC).map((r) => String(r.value))
    assert.deepEqual(offsets, ['{"seq":9}', '{"seq":19}'])
  })

  test('a task may not produce to its own offsets topic: the task fails (no restart), nothing is written', async () => {
    const broker = new FakeBroker()
    const s = setup(broker, 'poll', { size: 5, total: 20, topic: OFFSETS_TOPIC })
    await s.owner.start()
    await until(() => s.states.at(-1) === 'FAILED', 'FAILED')
    assert.deepEqual(broker.visible, [])
    await s.owner.stop()
  })

  test('a clean stop commits the open transaction (poll and interval boundaries)', async () => {
    const broker = new FakeBroker()
    const s = setup(broker, 'interval', { size: 5, total: 20 })
    await s.owner.start()
    await until(() => s.owner.recordsIn >= 20, 'all sent')
    assert.deepEqual(seen(broker), [])
    await s.owner.stop()
    assert.deepEqual(seen(broker), range(20))
    assert.equal(committedOffset(broker), 19)
  })
})
