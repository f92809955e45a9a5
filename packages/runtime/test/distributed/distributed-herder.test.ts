import assert from 'node:assert/strict'
import { afterEach, describe, test } from 'node:test'
import type { JoinedGroup } from '@sluice/kafka'
import { ManualClock } from '../../src/clock.js'
import { parseDistributedSettings } from '../../src/distributed/distributed-config.js'
import { DistributedHerder, type GroupMembership } from '../../src/distributed/distributed-herder.js'
import { MemoryConfigStore, MemoryOffsetStore, MemoryStatusStore } from '../../src/storage/memory-stores.js'
import type { PluginRegistry } from '../../src/worker/worker-api.js'
import { FakeWorker, testRegistry, WORKER_PROPS } from '../herder/fixtures.js'

// The distributed herder over the backing-store seams: memory stores and a fake one-member coordinator
// stand in for the internal topics and the broker, so the loop's group behaviour runs on a manual clock.

const SINK = { 'connector.class': 'FileStreamSink', 'tasks.max': '2', file: 'out.txt', topics: 't' }

/** A coordinator for a group of one: every join makes this member leader of a new generation. */
class OneMemberGroup implements GroupMembership {
  generation = 0
  readonly joins: string[] = []
  readonly leaves: Array<{ memberId: string; reason: string }> = []
  heartbeats = 0
  #metadata: Buffer = Buffer.alloc(0)
  #nextMember = 1

  async join(opts: Parameters<GroupMembership['join']>[0]): Promise<JoinedGroup> {
    this.joins.push(opts.memberId)
    const memberId = opts.memberId === '' ? `connect-1-${this.#nextMember++}` : opts.memberId
    this.#metadata = opts.protocols[0]?.metadata ?? Buffer.alloc(0)
    this.generation++
    return {
      generation: this.generation,
      memberId,
      leaderId: memberId,
      protocol: opts.protocols[0]?.name ?? 'sessioned',
      members: [{ memberId, metadata: this.#metadata }],
    }
  }

  async sync(opts: Parameters<GroupMembership['sync']>[0]): Promise<Buffer> {
    const mine = opts.assignments.find((a) => a.memberId === opts.memberId)
    assert.ok(mine, 'the leader sends its own assignment')
    return mine.assignment
  }

  async heartbeat(): Promise<void> {
    this.heartbeats++
  }

  async leave(memberId: string, reason: string): Promise<void> {
    this.leaves.push({ memberId, reason })
  }

  async disconnect(): Promise<void> {}
}

let registry: PluginRegistry
const herders: DistributedHerder[] = []
afterEach(async () => {
  for (const h of herders.splice(0)) await h.stop()
})

async function newHerder(gate?: Promise<void>) {
  registry ??= await testRegistry()
  const clock = new ManualClock(1_000_000)
  const group = new OneMemberGroup()
  const config = new MemoryConfigStore()
  const status = new MemoryStatusStore()
  let worker: FakeWorker | undefined
  const settings = parseDistributedSettings({
    'group.id': 'g',
    'config.storage.topic': 'c',
    'offset.storage.topic': 'o',
    'status.storage.topic': 's',
    'heartbeat.interval.ms': '1000',
    'rebalance.timeout.ms': '10000',
  })
  const herder = new DistributedHerder({
    settings,
    workerProps: WORKER_PROPS,
    kafkaClient: {},
    securityProps: {},
    bootstrapServers: 'unused:9092',
    restUrl: 'http://127.0.0.1:18083/',
    clock,
    logger: { info: () => {}, warn: () => {}, error: () => {} },
    stores: { config, status, offsets: new MemoryOffsetStore() },
    group,
    worker: async (listener) => {
      const w = new FakeWorker(registry, listener)
      if (gate !== undefined) {
        const start = w.startConnector.bind(w)
        w.startConnector = async (...args) => {
          await gate
          return start(...args)
        }
      }
      worker = w
      return w
    },
  })
  herders.push(herder)
  await herder.start()
  return { herder, group, clock, config, status, worker: () => worker as FakeWorker }
}

async function until<T>(what: string, fn: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = fn()
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe('DistributedHerder on memory stores', () => {
  test('the leader writes the config, assigns itself the connector and its tasks, and reports RUNNING', async () => {
    const { herder, config, status, group } = await newHerder()
    await until('leadership', () => (herder.isLeader ? true : undefined))
    const r = await herder.putConnectorConfig('sink', { name: 'sink', ...SINK }, { allowReplace: false })
    assert.equal(r.created, true)
    await until('2 task configs committed', () =>
      config.snapshot().taskCount('sink') === 2 ? true : undefined,
    )
    await until('tasks RUNNING', () =>
      status.tasks('sink').filter((t) => t.status.state === 'RUNNING').length === 2 ? true : undefined,
    )
    const st = await herder.connectorStatus('sink')
    assert.equal(st.connector.state, 'RUNNING')
    assert.equal(st.connector.worker_id, '127.0.0.1:18083')
    assert.equal(st.type, 'sink')
    // Every status carries the generation this worker was in when it wrote it.
    assert.ok((status.connector('sink')?.generation ?? 0) >= 1)
    assert.ok(group.generation >= 2, 'new task configs make the member rejoin')
  })

  test('a connector that generates more tasks than tasks.max is FAILED and its tasks are not written', async () => {
    const { herder, config, status, worker } = await newHerder()
    await until('leadership', () => (herder.isLeader ? true : undefined))
    worker().taskCount = () => 3
    await herder.putConnectorConfig('many', { name: 'many', ...SINK }, { allowReplace: false })
    const failed = await until('connector FAILED', () =>
      status.connector('many')?.state === 'FAILED' ? status.connector('many') : undefined,
    )
    assert.match(failed?.trace ?? '', /has generated 3 tasks, which is greater than 2/)
    assert.equal(config.snapshot().taskCount('many'), 0)
  })

  test('leaves the group when its loop has not polled for rebalance.timeout.ms, then rejoins as a new member', async () => {
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => {
      release = r
    })
    const { herder, group, clock } = await newHerder(gate)
    await until('leadership', () => (herder.isLeader ? true : undefined))
    const joinsBefore = group.joins.length
    // The connector's start hangs: the loop is busy applying the assignment.
    void herder.putConnectorConfig('slow', { name: 'slow', ...SINK }, { allowReplace: false })
    await until('the rejoin that assigns the connector', () =>
      group.joins.length > joinsBefore ? true : undefined,
    )
    await new Promise((r) => setTimeout(r, 50))
    assert.equal(group.leaves.length, 0, 'no leave yet')
    /** Moves the manual clock a second at a time, letting each heartbeat reschedule itself. */
    const advance = async (seconds: number) => {
      for (let i = 0; i < seconds; i++) {
        clock.advance(1_000)
        await new Promise((r) => setTimeout(r, 5))
      }
    }
    // Heartbeats still go out while the work starts...
    await advance(9)
    assert.ok(
      group.heartbeats >= 5,
      `heartbeats continue while the assignment is applied (${group.heartbeats})`,
    )
    assert.equal(group.leaves.length, 0, 'within rebalance.timeout.ms it stays')
    // ...until rebalance.timeout.ms without a poll: the member leaves with Java's reason.
    await advance(3)
    await until('LeaveGroup', () => (group.leaves.length > 0 ? true : undefined))
    assert.equal(group.leaves[0]?.reason, 'consumer poll timeout has expired.')
    assert.match(group.leaves[0]?.memberId ?? '', /^connect-1-/)
    release()
    await until('a rejoin with a fresh member id', () =>
      group.joins.slice(joinsBefore + 1).includes('') ? true : undefined,
    )
    assert.equal(group.leaves.length, 1, 'it left once')
  })
})
