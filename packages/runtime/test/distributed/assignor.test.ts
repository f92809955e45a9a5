import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ManualClock } from '../../src/clock.js'
import {
  type ConnectAssignor,
  EagerAssignor,
  type GroupMember,
  IncrementalCooperativeAssignor,
} from '../../src/distributed/assignor.js'
import type { ConnectAssignment, ConnectorsAndTasks } from '../../src/distributed/connect-protocol.js'
import {
  commitRecord,
  connectorConfigRecord,
  parseConfigRecord,
  taskConfigRecord,
} from '../../src/storage/config-records.js'
import { type ClusterConfigSnapshot, ConfigStateBuilder } from '../../src/storage/config-state.js'

/** A config snapshot with `spec` connectors → task counts. */
function snapshotOf(spec: Record<string, number>): ClusterConfigSnapshot {
  const b = new ConfigStateBuilder()
  let o = 0n
  const apply = (r: { key: string; value: Buffer | null }) => b.apply(parseConfigRecord(r.key, r.value), o++)
  for (const [c, n] of Object.entries(spec)) {
    apply(connectorConfigRecord(c, { name: c }))
    for (let t = 0; t < n; t++) apply(taskConfigRecord(c, t, { t: String(t) }))
    apply(commitRecord(c, n))
  }
  return b.snapshot()
}

const items = (a: ConnectorsAndTasks) => [
  ...a.connectors.map((c) => c),
  ...a.tasks.map((t) => `${t.connector}-${t.task}`),
]

/** Members that apply assignments as Kafka's workers do: previous − revoked + assigned. */
class Group {
  readonly held = new Map<string, ConnectAssignment | null>()
  generation = 0
  lastCompleted = -1
  /** How many times each item was started on some member (to count task thrash). */
  readonly starts = new Map<string, number>()
  constructor(
    readonly assignor: ConnectAssignor,
    public snapshot: ClusterConfigSnapshot,
    readonly protocol: 'sessioned' | 'default' = 'sessioned',
  ) {}
  join(id: string) {
    this.held.set(id, null)
  }
  leave(id: string) {
    this.held.delete(id)
  }
  members(): GroupMember[] {
    return [...this.held].map(([memberId, allocation]) => ({
      memberId,
      metadata: { version: 2, url: `http://${memberId}/`, configOffset: this.snapshot.offset, allocation },
    }))
  }
  /** One rebalance; returns what each member got. */
  rebalance(leaderId = [...this.held.keys()].sort()[0] as string) {
    this.generation++
    const r = this.assignor.assign({
      leaderId,
      protocol: this.protocol,
      members: this.members(),
      generation: this.generation,
      lastCompletedGeneration: this.lastCompleted,
      snapshot: this.snapshot,
      freshSnapshot: () => this.snapshot,
    })
    this.lastCompleted = this.generation
    for (const [id, a] of r.assignments) {
      const prev = this.held.get(id)?.assigned ?? { connectors: [], tasks: [] }
      if (this.protocol === 'default') {
        for (const i of items(a.assigned)) this.starts.set(i, (this.starts.get(i) ?? 0) + 1)
        this.held.set(id, a)
        continue
      }
      const revokedC = new Set(a.revoked.connectors)
      const revokedT = new Set(a.revoked.tasks.map((t) => `${t.connector}-${t.task}`))
      for (const i of items(a.assigned)) this.starts.set(i, (this.starts.get(i) ?? 0) + 1)
      this.held.set(id, {
        ...a,
        assigned: {
          connectors: [...prev.connectors.filter((c) => !revokedC.has(c)), ...a.assigned.connectors],
          tasks: [
            ...prev.tasks.filter((t) => !revokedT.has(`${t.connector}-${t.task}`)),
            ...a.assigned.tasks,
          ],
        },
      })
    }
    return r
  }
  /** Rebalances while anything was revoked (members rejoin at once after a revocation). */
  settle(max = 10) {
    for (let i = 0; i < max; i++) {
      const r = this.rebalance()
      const revoked = [...r.assignments.values()].some(
        (a) => a.revoked.connectors.length + a.revoked.tasks.length > 0,
      )
      if (!revoked) return r
    }
    throw new Error('did not settle')
  }
  load(id: string) {
    const a = this.held.get(id)?.assigned
    return { connectors: a?.connectors.length ?? 0, tasks: a?.tasks.length ?? 0 }
  }
  all() {
    return [...this.held.values()].flatMap((a) => (a ? items(a.assigned) : [])).sort()
  }
}

describe('incremental cooperative assignor', () => {
  test('a single worker gets everything, incrementally: later rounds hand out nothing again', () => {
    const clock = new ManualClock()
    const g = new Group(
      new IncrementalCooperativeAssignor({ clock, maxDelayMs: 300_000 }),
      snapshotOf({ a: 2 }),
    )
    g.join('w1')
    const r = g.rebalance()
    const a = r.assignments.get('w1')
    assert.deepEqual(a?.assigned, {
      connectors: ['a'],
      tasks: [
        { connector: 'a', task: 0 },
        { connector: 'a', task: 1 },
      ],
    })
    assert.equal(a?.version, 2)
    assert.equal(a?.leaderUrl, 'http://w1/')
    assert.equal(a?.configOffset, g.snapshot.offset)
    const again = g.rebalance().assignments.get('w1')
    assert.deepEqual(again?.assigned, { connectors: [], tasks: [] })
    assert.equal(r.owners?.tasks.size, 2)
  })

  test('a joining worker takes only revoked items; tasks that keep their worker are never restarted', () => {
    const clock = new ManualClock()
    const g = new Group(
      new IncrementalCooperativeAssignor({ clock, maxDelayMs: 300_000 }),
      snapshotOf({ a: 3, b: 3 }),
    )
    g.join('w1')
    g.rebalance()
    g.join('w2')
    const r = g.rebalance()
    // w1 gives up 1 connector and 3 tasks, w2 gets nothing yet (revoked items are lost until next round).
    const revoked = r.assignments.get('w1')?.revoked
    assert.equal(revoked?.connectors.length, 1)
    assert.equal(revoked?.tasks.length, 3)
    g.settle()
    assert.deepEqual(g.load('w1'), { connectors: 1, tasks: 3 })
    assert.deepEqual(g.load('w2'), { connectors: 1, tasks: 3 })
    assert.deepEqual(g.all(), ['a', 'a-0', 'a-1', 'a-2', 'b', 'b-0', 'b-1', 'b-2'])
    // Everything was started once, the moved items twice; nothing else restarted.
    const restarted = [...g.starts].filter(([, n]) => n > 1).map(([i]) => i)
    assert.equal(restarted.length, 4)
  })

  test('a departed worker’s items wait scheduled.rebalance.max.delay.ms, then go to the candidates', () => {
    const clock = new ManualClock()
    const g = new Group(
      new IncrementalCooperativeAssignor({ clock, maxDelayMs: 10_000 }),
      snapshotOf({ a: 2, b: 2 }),
    )
    g.join('w1')
    g.join('w2')
    g.settle()
    const w2Items = items(g.held.get('w2')?.assigned as ConnectorsAndTasks)
    assert.ok(w2Items.length > 0)
    g.leave('w2')
    let r = g.rebalance()
    assert.equal(r.assignments.get('w1')?.delay, 10_000)
    assert.deepEqual(r.assignments.get('w1')?.assigned, { connectors: [], tasks: [] })
    // A replacement joins during the delay: it becomes a candidate; the delay counts down.
    clock.advance(4_000)
    g.join('w3')
    r = g.rebalance()
    assert.equal(r.assignments.get('w3')?.delay, 6_000)
    assert.deepEqual(r.assignments.get('w3')?.assigned, { connectors: [], tasks: [] })
    clock.advance(6_000)
    r = g.rebalance()
    assert.deepEqual(items(r.assignments.get('w3')?.assigned as ConnectorsAndTasks).sort(), w2Items.sort())
    assert.equal(r.assignments.get('w3')?.delay, 0)
    assert.deepEqual(g.all(), ['a', 'a-0', 'a-1', 'b', 'b-0', 'b-1'])
  })

  test('with the delay expired and no candidate, lost items are handed out as new', () => {
    const clock = new ManualClock()
    const g = new Group(
      new IncrementalCooperativeAssignor({ clock, maxDelayMs: 1_000 }),
      snapshotOf({ a: 2 }),
    )
    g.join('w1')
    g.join('w2')
    g.settle()
    g.leave('w2')
    g.rebalance()
    clock.advance(1_000)
    g.rebalance()
    assert.deepEqual(g.load('w1'), { connectors: 1, tasks: 2 })
  })

  test('max delay 0: lost items are reassigned at once', () => {
    const clock = new ManualClock()
    const g = new Group(new IncrementalCooperativeAssignor({ clock, maxDelayMs: 0 }), snapshotOf({ a: 4 }))
    g.join('w1')
    g.join('w2')
    g.settle()
    g.leave('w1')
    const r = g.rebalance()
    assert.equal(r.assignments.get('w2')?.delay, 0)
    assert.deepEqual(g.load('w2'), { connectors: 1, tasks: 4 })
  })

  test('deleted connectors and their tasks are revoked; duplicated items are revoked from every holder', () => {
    const clock = new ManualClock()
    const g = new Group(
      new IncrementalCooperativeAssignor({ clock, maxDelayMs: 300_000 }),
      snapshotOf({ a: 1, b: 1 }),
    )
    g.join('w1')
    g.rebalance()
    g.snapshot = snapshotOf({ b: 1 })
    const r = g.rebalance()
    assert.deepEqual(r.assignments.get('w1')?.revoked, {
      connectors: ['a'],
      tasks: [{ connector: 'a', task: 0 }],
    })

    const d = new Group(
      new IncrementalCooperativeAssignor({ clock, maxDelayMs: 300_000 }),
      snapshotOf({ x: 1 }),
    )
    const both: ConnectAssignment = {
      version: 2,
      error: 0,
      leader: 'w1',
      leaderUrl: 'http://w1/',
      configOffset: d.snapshot.offset,
      assigned: { connectors: ['x'], tasks: [{ connector: 'x', task: 0 }] },
      revoked: { connectors: [], tasks: [] },
      delay: 0,
    }
    d.held.set('w1', both)
    d.held.set('w2', both)
    const rd = d.rebalance()
    assert.deepEqual(rd.assignments.get('w1')?.revoked.connectors, ['x'])
    assert.deepEqual(rd.assignments.get('w2')?.revoked.connectors, ['x'])
    d.settle()
    assert.deepEqual(d.all(), ['x', 'x-0'])
  })

  test('successive load-balancing revocations are throttled by 40ⁿ ms, capped by the max delay', () => {
    const clock = new ManualClock()
    const assignor = new IncrementalCooperativeAssignor({ clock, maxDelayMs: 1_000 })
    const g = new Group(assignor, snapshotOf({ a: 8 }))
    g.join('w1')
    g.rebalance()
    g.join('w2')
    g.rebalance() // revokes from w1 (first revoking round: immediate)
    g.join('w3')
    const r = g.rebalance() // w2 got its share this round; w3 needs a revocation: throttled 40 ms
    assert.equal(r.assignments.get('w3')?.delay, 40)
    assert.ok([...r.assignments.values()].every((a) => a.revoked.tasks.length === 0))
    clock.advance(40)
    const r2 = g.rebalance()
    assert.ok(
      [...r2.assignments.values()].some((a) => a.revoked.tasks.length > 0),
      'revokes after the delay',
    )
    g.settle()
    const loads = ['w1', 'w2', 'w3'].map((w) => g.load(w).tasks).sort()
    assert.deepEqual(loads, [2, 3, 3])
  })

  test('a leader behind the members answers CONFIG_MISMATCH with the max offset and no work', () => {
    const clock = new ManualClock()
    const a = new IncrementalCooperativeAssignor({ clock, maxDelayMs: 0 })
    const snap = snapshotOf({ a: 1 })
    const r = a.assign({
      leaderId: 'w1',
      protocol: 'compatible',
      members: [
        {
          memberId: 'w1',
          metadata: { version: 1, url: 'http://w1/', configOffset: snap.offset, allocation: null },
        },
        { memberId: 'w2', metadata: { version: 1, url: 'http://w2/', configOffset: 99n, allocation: null } },
      ],
      generation: 1,
      lastCompletedGeneration: -1,
      snapshot: snap,
      freshSnapshot: () => snap,
    })
    for (const m of ['w1', 'w2']) {
      const x = r.assignments.get(m)
      assert.equal(x?.error, 1)
      assert.equal(x?.configOffset, 99n)
      assert.equal(x?.version, 1)
      assert.deepEqual(x?.assigned, { connectors: [], tasks: [] })
    }
    assert.equal(r.owners, undefined)
  })
})

describe('eager assignor', () => {
  test('round-robin over sorted members, connectors then tasks, one iterator for both', () => {
    const g = new Group(new EagerAssignor(), snapshotOf({ b: 1, a: 2 }), 'default')
    g.join('w2')
    g.join('w1')
    const r = g.rebalance()
    // connectors a→w1, b→w2; tasks a-0→w1, a-1→w2, b-0→w1 (the iterator carries on).
    assert.deepEqual(r.assignments.get('w1')?.assigned, {
      connectors: ['a'],
      tasks: [
        { connector: 'a', task: 0 },
        { connector: 'b', task: 0 },
      ],
    })
    assert.deepEqual(r.assignments.get('w2')?.assigned, {
      connectors: ['b'],
      tasks: [{ connector: 'a', task: 1 }],
    })
    assert.equal(r.assignments.get('w1')?.version, 0)
    assert.equal(r.owners?.tasks.get('a\u00001'), 'w2')
  })
})
