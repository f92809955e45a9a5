import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { MessagePort } from 'node:worker_threads'
import type { TopicPartition, TopicPartitionOffset } from '@sluice/api'
import { ConnectError, encodeError } from '@sluice/api'
import { ManualClock } from '../../src/clock.js'
import type {
  ClientTopicPartition,
  ConsumedMessage,
  ConsumerClient,
  KafkaClientFactory,
} from '../../src/kafka-io/client-types.js'
import { defaultErrorHandling } from '../../src/task/error-handler.js'
import { decode, send } from '../../src/wire/codec.js'
import type { FromTask, TaskSpec, ToTask } from '../../src/wire/messages.js'
import { unpackConsumed } from '../../src/wire/packed-records.js'
import { SinkTaskOwner } from '../../src/worker/sink-task-owner.js'
import type { TaskOwnerDeps } from '../../src/worker/task-owner.js'
import type { State } from '../../src/worker/worker-api.js'

// The sink task owner's transitions with fake parts that keep state: a consumer over an in-memory
// partition (rebalances delivered from consume(), as librdkafka does) and scripted task actors on
// real MessagePorts with the real wire codec.

const TOPIC = 't'
const tp: TopicPartition = { topic: TOPIC, partition: 0 }

class FakeConsumer implements ConsumerClient {
  readonly log: string[] = []
  readonly commits: ClientTopicPartition[][] = []
  position = 0
  assigned = false
  paused = false
  #events: Array<() => void> = []
  constructor(
    readonly config: Record<string, unknown>,
    readonly partition: string[],
  ) {}
  connect(_o: Record<string, unknown>, cb: (err: null) => void) {
    setImmediate(() => cb(null))
  }
  on() {
    return this
  }
  subscribe() {
    this.rebalance(-175)
  }
  unsubscribe() {
    if (this.assigned) this.rebalance(-174)
  }
  /** Queues a rebalance event, served from the next consume() call. */
  rebalance(code: -175 | -174) {
    this.#events.push(() => {
      const cb = this.config.rebalance_cb as (
        this: ConsumerClient,
        e: { code: number },
        a: ClientTopicPartition[],
      ) => void
      cb.call(this, { code }, [{ ...tp }])
    })
  }
  consume(n: number, cb: (err: null, m: ConsumedMessage[]) => void) {
    const events = this.#events
    this.#events = []
    for (const e of events) e()
    const out: ConsumedMessage[] = []
    if (this.assigned && !this.paused)
      while (out.length < n && this.position < this.partition.length) {
        const offset = this.position++
        out.push({
          topic: TOPIC,
          partition: 0,
          offset,
          timestamp: 1000 + offset,
          value: Buffer.from(this.partition[offset]!),
        })
      }
    setTimeout(() => cb(null, out), out.length === 0 ? 5 : 0)
  }
  setDefaultConsumeTimeout() {}
  assign(parts: ClientTopicPartition[]) {
    this.assigned = parts.length > 0
    this.log.push('assign')
  }
  unassign() {
    this.assigned = false
    this.log.push('unassign')
  }
  pause() {
    this.paused = true
  }
  resume() {
    this.paused = false
  }
  seek(t: ClientTopicPartition, _timeout: number, cb: (err: null) => void) {
    this.position = t.offset ?? 0
    this.log.push(`seek ${t.offset}`)
    cb(null)
  }
  commit(offsets: ClientTopicPartition[]) {
    this.commitSync(offsets)
  }
  commitSync(offsets: ClientTopicPartition[]) {
    this.commits.push(offsets.map((o) => ({ ...o })))
    this.log.push(`commit ${offsets.map((o) => o.offset).join(',')}`)
  }
  disconnect(cb: (err: unknown) => void) {
    setImmediate(() => cb(null))
  }
}

/** What a scripted actor does with each message. */
interface Script {
  /** Called per batch; throw to make the actor fail (it reports `failed`, as a real actor does). */
  put?(offsets: number[], generation: number): void | Promise<void>
  /** preCommit's answer (default: approve everything). */
  preCommit?(offsets: readonly TopicPartitionOffset[]): TopicPartitionOffset[]
}

/** A scripted task actor: the task side of the port protocol, recording what it was asked to do. */
function scriptedLauncher(script: Script, calls: string[]) {
  let generation = 0
  const puts: Array<{ generation: number; offsets: number[] }> = []
  const launch = (port: MessagePort, _spec: TaskSpec): Promise<void> => {
    const gen = ++generation
    return new Promise<void>((resolve) => {
      let chain = Promise.resolve()
      const reply = (m: FromTask) => send(port, m)
      port.on('message', (buf: ArrayBuffer) => {
        const msg = decode<ToTask>(buf)
        if (msg.type === 'precommit') {
          // Answered at once (the real actor queues it behind put): lets a test commit mid-batch.
          const approved = script.preCommit?.(msg.offsets) ?? [...msg.offsets]
          calls.push(
            `g${gen} precommit ${msg.offsets.map((o) => o.offset).join(',')} -> ${approved.map((o) => o.offset).join(',')}`,
          )
          reply({ type: 'precommit.done', req: msg.req, offsets: approved })
          return
        }
        // Otherwise serial like the real actor: one message after another.
        chain = chain.then(async () => {
          switch (msg.type) {
            case 'records': {
              const offsets = unpackConsumed(msg.records).map((r) => r[2])
              calls.push(`g${gen} put ${offsets[0]}..${offsets.at(-1)}`)
              try {
                await script.put?.(offsets, gen)
              } catch (err) {
                calls.push(`g${gen} failed`)
                reply({ type: 'failed', error: encodeError(err) })
                port.close()
                resolve()
                return
              }
              puts.push({ generation: gen, offsets })
              reply({ type: 'records.done', batch: msg.batch })
              return
            }
            case 'partitions.assigned':
              calls.push(`g${gen} open`)
              reply({ type: 'partitions.done', req: msg.req })
              return
            case 'partitions.revoked':
              calls.push(`g${gen} close`)
              reply({ type: 'partitions.done', req: msg.req })
              return
            case 'stop':
              calls.push(`g${gen} stop`)
              reply({ type: 'stopped' })
              resolve()
              return
            default:
              return
          }
        })
      })
      reply({ type: 'state', state: 'RUNNING' })
    })
  }
  return { launch, puts }
}

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

function setup(values: number, script: Script, maxPollRecords = 10) {
  const clock = new ManualClock(0)
  const calls: string[] = []
  const states: State[] = []
  const partition = Array.from({ length: values }, (_, i) => `v${i}`)
  let consumer: FakeConsumer | undefined
  const kafka: KafkaClientFactory = {
    producer: () => {
      throw new Error('no producer in these tests')
    },
    consumer: (config) => {
      consumer = new FakeConsumer(config, partition)
      return consumer
    },
  }
  const { launch, puts } = scriptedLauncher(script, calls)
  const deps: TaskOwnerDeps = {
    clock,
    listener: { onConnectorState: () => {}, onTaskState: (_id, s) => void states.push(s) },
    launch,
    kafka,
    bootstrapServers: 'fake:9092',
    offsets: { get: () => null, set: () => {}, flush: async () => {} },
    restart: { initialBackoffMs: 100, maxBackoffMs: 1000, maxRestarts: 3, windowMs: 60_000 },
    gracefulTimeoutMs: 2000,
    producerConfig: {},
    consumerConfig: {},
    sinkTopics: [TOPIC],
    sinkTopicsRegex: undefined,
    maxPollRecords,
    onTopicUsed: () => {},
  }
  const spec = {
    connector: 'c',
    task: 0,
    kind: 'sink',
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
  const owner = new SinkTaskOwner({ connector: 'c', task: 0 }, spec, 'STARTED', deps)
  const putOffsets = () => new Set(puts.flatMap((p) => p.offsets))
  return { owner, clock, calls, states, puts, putOffsets, consumer: () => consumer! }
}

describe('SinkTaskOwner transitions (fake consumer, scripted actors)', () => {
  test('a failing sink: the batch in flight is delivered again to the restarted actor, after open()', async () => {
    const s = setup(50, {
      put: (_o, gen) => {
        if (gen === 1 && s.puts.length === 2) throw new ConnectError('XC_TASK_CRASHED', 'put failed')
      },
    })
    await s.owner.start()
    await until(() => s.states.at(-1) === 'RESTARTING', 'RESTARTING after the first actor failed')
    assert.ok(s.calls.includes('g1 failed'))
    assert.deepEqual(s.consumer().commits, [], 'nothing committed')
    s.clock.advance(100)
    await until(() => s.putOffsets().size === 50, 'all 50 records put')
    const g2 = s.calls.filter((c) => c.startsWith('g2'))
    assert.equal(g2[0], 'g2 open', 'the new actor opens its partitions before any record')
    assert.equal(g2[1], 'g2 put 0..9', 'rewound to the first offset delivered (nothing was committed)')
    await until(
      () => s.owner.ledger.currentOffsets()[0]?.offset === 50,
      'the owner saw the last batch finish',
    )
    await s.owner.commit()
    assert.deepEqual(s.consumer().commits.at(-1), [{ topic: TOPIC, partition: 0, offset: 50 }])
    await s.owner.stop()
  })

  test('restart mid-batch after a commit: rewound to the committed offset, none skipped', async () => {
    let release: (() => void) | undefined
    const s = setup(40, {
      put: async (offsets, gen) => {
        if (gen === 1 && offsets[0] === 20) {
          await new Promise<void>((r) => {
            release = r
          })
          throw new ConnectError('XC_WORKER_LOST', 'thread died mid-batch')
        }
      },
    })
    await s.owner.start()
    await until(() => release !== undefined, 'third batch in put')
    await s.owner.commit()
    assert.deepEqual(s.consumer().commits.at(-1), [{ topic: TOPIC, partition: 0, offset: 20 }])
    release!()
    await until(() => s.states.at(-1) === 'RESTARTING', 'RESTARTING')
    s.clock.advance(100)
    await until(() => s.putOffsets().size === 40, 'all 40 put')
    assert.ok(s.consumer().log.includes('seek 20'), 'rewound to the committed offset 20')
    assert.equal(s.calls.filter((c) => c.startsWith('g2 put'))[0], 'g2 put 20..29')
    await s.owner.stop()
  })

  test('a buffering sink whose preCommit approves nothing gets nothing committed, on flush or stop', async () => {
    const s = setup(30, { preCommit: () => [] })
    await s.owner.start()
    await until(() => s.owner.ledger.currentOffsets()[0]?.offset === 30, 'all put')
    await s.owner.commit()
    await s.owner.stop()
    assert.deepEqual(s.consumer().commits, [])
    const tail = s.calls.slice(-3)
    assert.deepEqual(tail, ['g1 precommit 30 -> ', 'g1 close', 'g1 stop'], 'stop: preCommit → close → stop')
  })

  test('a revoke mid-batch waits for the batch, then preCommit → commit what it approved → close → unassign', async () => {
    let release: (() => void) | undefined
    const s = setup(30, {
      put: async (offsets) => {
        if (offsets[0] === 10)
          await new Promise<void>((r) => {
            release = r
          })
      },
      preCommit: (offsets) => offsets.map((o) => ({ ...o, offset: Math.min(o.offset, 15) })),
    })
    await s.owner.start()
    await until(() => release !== undefined, 'second batch in put')
    s.consumer().rebalance(-174)
    await new Promise((r) => setTimeout(r, 50))
    assert.equal(
      s.calls.filter((c) => c.includes('precommit')).length,
      0,
      'no preCommit while a batch is in put',
    )
    assert.ok(!s.consumer().log.includes('unassign'), 'the partition is kept until the revoke is done')
    release!()
    await until(() => s.consumer().log.includes('unassign'), 'unassign')
    const revoke = s.calls.slice(s.calls.indexOf('g1 put 10..19') + 1)
    // The batch already handed over (credit 2) is put too before preCommit: nothing in flight is lost.
    assert.deepEqual(revoke.slice(0, 3), ['g1 put 20..29', 'g1 precommit 30 -> 15', 'g1 close'])
    assert.deepEqual(s.consumer().commits, [[{ topic: TOPIC, partition: 0, offset: 15 }]])
    const log = s.consumer().log
    assert.ok(log.indexOf('commit 15') < log.indexOf('unassign'))
    await s.owner.stop()
  })
})
