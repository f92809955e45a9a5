import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { Connector, ConnectorContext, ConnectorProps } from '@sluice/api'
import { ConnectError, DataError, RetriableError } from '@sluice/api'
import { ManualClock } from '../../src/clock.js'
import {
  ConnectorActor,
  type ConnectorSupervisor,
  type Escalation,
  type SupervisedTask,
} from '../../src/supervisor/connector-actor.js'

// The connector actor on a fake clock with fake tasks and a fake connector: restart decisions for its
// tasks, the connector's own restart key over the worker's, escalation, and the instance lifecycle.

const workerPolicy = { initialBackoffMs: 1000, maxBackoffMs: 4000, maxRestarts: 2, windowMs: 60_000 }

class RecordingSupervisor implements ConnectorSupervisor {
  readonly failures: Array<{ connector: string; message: string }> = []
  readonly escalations: Escalation[] = []
  onConnectorFailure(connector: string, err: unknown): void {
    this.failures.push({ connector, message: (err as Error).message })
  }
  onEscalation(e: Escalation): void {
    this.escalations.push(e)
  }
}

const fakeTask = (connector: string, task: number): SupervisedTask & { stops: number } => {
  const t = {
    id: { connector, task },
    stops: 0,
    async stop() {
      t.stops++
    },
  }
  return t
}

/** A connector whose start/stop behave as told, and that keeps its context. */
class FakeConnector {
  context: ConnectorContext | undefined
  started: ConnectorProps | undefined
  constructor(
    readonly failStart = false,
    readonly failStop = false,
  ) {}
  initialize(ctx: ConnectorContext): void {
    this.context = ctx
  }
  async start(props: ConnectorProps): Promise<void> {
    if (this.failStart) throw new ConnectError('XC_CONNECT', 'cannot reach the database')
    this.started = props
  }
  async stop(): Promise<void> {
    if (this.failStop) throw new Error('stop failed')
  }
}

const setup = (props: ConnectorProps = {}) => {
  const clock = new ManualClock(0)
  const supervisor = new RecordingSupervisor()
  const states: Array<[string, string | undefined]> = []
  let reconfigurations = 0
  const actor = new ConnectorActor('c', { name: 'c', ...props }, 'STARTED', {
    clock,
    restart: workerPolicy,
    supervisor,
    onState: (s, trace) => states.push([s, trace]),
    requestTaskReconfiguration: () => reconfigurations++,
  })
  return { clock, supervisor, states, actor, reconfigurations: () => reconfigurations }
}

const decisions = (onFailure: (e: ConnectError) => { action: string; delayMs?: number }, n: number) =>
  Array.from({ length: n }, () => {
    const d = onFailure(new ConnectError('XC_TASK_CRASHED', 'boom'))
    return d.action === 'restart' ? d.delayMs : d.action
  })

describe('ConnectorActor (connector → task supervision)', () => {
  test("the worker's restart budget applies per task, then the task is given up on and escalated", () => {
    const { actor, supervisor } = setup()
    const t0 = fakeTask('c', 0)
    const t1 = fakeTask('c', 1)
    const s0 = actor.attach(t0)
    const s1 = actor.attach(t1)
    assert.deepEqual(decisions(s0.onFailure, 3), [1000, 2000, 'fail'])
    assert.equal(supervisor.escalations.length, 1)
    const e = supervisor.escalations[0]!
    assert.deepEqual(
      { task: e.task, failed: e.failedTasks, all: e.allTasksFailed },
      { task: 0, failed: [0], all: false },
    )
    assert.match(e.reason, /gave up after 2 restarts/)
    // Task 1 has its own budget.
    assert.deepEqual(decisions(s1.onFailure, 3), [1000, 2000, 'fail'])
    assert.equal(
      supervisor.escalations[1]!.allTasksFailed,
      true,
      'every task is down: the escalation says so',
    )
    assert.deepEqual(actor.failedTasks, [0, 1])
  })

  test('task.restart.max.attempts=0 on the connector never restarts, whatever the worker allows', () => {
    const never = setup({ 'task.restart.max.attempts': '0' })
    const other = setup()
    const sNever = never.actor.attach(fakeTask('c', 0))
    const sOther = other.actor.attach(fakeTask('c', 0))
    assert.deepEqual(decisions(sNever.onFailure, 1), ['fail'])
    assert.match(never.supervisor.escalations[0]!.reason, /automatic restarts are disabled/)
    assert.deepEqual(decisions(sOther.onFailure, 1), [1000], 'the other connector keeps restarting')
    // A larger connector budget than the worker's also wins.
    const more = setup({ 'task.restart.max.attempts': '4' })
    const sMore = more.actor.attach(fakeTask('c', 0))
    assert.deepEqual(decisions(sMore.onFailure, 5), [1000, 2000, 4000, 4000, 'fail'])
  })

  test('a bad value of the connector key is a config error naming the key and the fix', () => {
    const { actor } = setup({ 'task.restart.max.attempts': '-1' })
    assert.throws(
      () => actor.attach(fakeTask('c', 0)),
      (err: unknown) =>
        ConnectError.is(err) &&
        err.code === 'XC_CONFIG_INVALID' &&
        /task\.restart\.max\.attempts.*at least 0/.test(err.message),
    )
  })

  test('a data error is given up on at once; a REST restart resets the budget and the FAILED set', () => {
    const { actor, supervisor, clock } = setup()
    const s = actor.attach(fakeTask('c', 0))
    assert.equal(s.onFailure(new DataError('poison')).action, 'fail')
    assert.deepEqual(actor.failedTasks, [0])
    s.reset()
    assert.deepEqual(actor.failedTasks, [])
    assert.deepEqual(decisions(s.onFailure, 2), [1000, 2000])
    // Failures older than the window are forgotten: the backoff starts over.
    clock.advance(workerPolicy.windowMs)
    const d = s.onFailure(new RetriableError('broker away'))
    assert.equal(d.action === 'restart' ? d.delayMs : d.action, 1000)
    assert.equal(supervisor.escalations.length, 1)
  })

  test('a replaced task owner is not detached by its predecessor; idle only when nothing is held', () => {
    const { actor } = setup()
    const first = fakeTask('c', 0)
    const second = fakeTask('c', 0)
    actor.attach(first)
    actor.attach(second)
    actor.detach(first)
    assert.deepEqual(actor.tasks, [second])
    assert.equal(actor.idle, false)
    actor.detach(second)
    assert.equal(actor.idle, true)
    actor.assigned = true
    assert.equal(actor.idle, false, 'an assigned (even STOPPED) connector is kept')
  })

  test('stopTasks stops every task and forgets them', async () => {
    const { actor } = setup()
    const tasks = [fakeTask('c', 0), fakeTask('c', 1)]
    for (const t of tasks) actor.attach(t)
    await actor.stopTasks()
    assert.deepEqual(
      tasks.map((t) => t.stops),
      [1, 1],
    )
    assert.deepEqual(actor.tasks, [])
  })

  test('the connector instance: started with its config, failures go to the supervisor', async () => {
    const ok = setup({ 'tasks.max': '2' })
    const connector = new FakeConnector()
    await ok.actor.start(connector as unknown as Connector)
    assert.equal(connector.started?.['tasks.max'], '2')
    assert.deepEqual(ok.states, [['RUNNING', undefined]])
    assert.ok(ok.actor.instance !== undefined)
    connector.context!.requestTaskReconfiguration()
    assert.equal(ok.reconfigurations(), 1)
    connector.context!.raiseError(new Error('lost the database'))
    assert.deepEqual(ok.supervisor.failures, [{ connector: 'c', message: 'lost the database' }])
    assert.equal(await ok.actor.stopInstance(), true)
    assert.equal(ok.actor.instance, undefined)

    const bad = setup()
    await assert.rejects(bad.actor.start(new FakeConnector(true) as unknown as Connector), /cannot reach/)
    assert.equal(bad.actor.instance, undefined)
    assert.deepEqual(bad.supervisor.failures, [{ connector: 'c', message: 'cannot reach the database' }])

    const stuck = setup()
    stuck.actor.target = 'PAUSED'
    await stuck.actor.start(new FakeConnector(false, true) as unknown as Connector)
    assert.deepEqual(stuck.states, [['PAUSED', undefined]])
    assert.equal(await stuck.actor.stopInstance(), false)
    assert.deepEqual(stuck.supervisor.failures, [{ connector: 'c', message: 'stop failed' }])
  })
})
