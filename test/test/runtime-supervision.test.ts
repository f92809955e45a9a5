import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, describe, test } from 'node:test'
import { ManualClock } from '@sluice/runtime'
import { runConnector, startTestWorker, uniqueTopic } from '../src/worker-harness.js'

// Restart backoff runs on an injected clock: the test moves time forward by hand, so nothing here
// sleeps on the wall clock for backoff. Waits below are for asynchronous events from task threads.
describe('task supervision', () => {
  const counterDir = mkdtempSync(path.join(tmpdir(), 'sluice-fail-'))
  const clock = new ManualClock(Date.now())
  const policy = { initialBackoffMs: 1000, maxBackoffMs: 8000, maxRestarts: 2, windowMs: 600_000 }
  const started = startTestWorker({}, { clock, restartPolicy: policy })
  after(async () => (await started).worker.stop())

  /** Starts a FailingSource named `name` that fails (`props['fail.mode']`) as `props` say. */
  async function failingSource(name: string, props: Record<string, string>) {
    const { worker } = await started
    return runConnector(worker, name, {
      'connector.class': 'FailingSource',
      topic: uniqueTopic(`sup-${name}`),
      ...props,
    })
  }

  /** Runs a FailingSource that fails once, after two polls, as `mode` says; returns its RESTARTING event. */
  async function failOnce(name: string, mode: 'throw' | 'exit') {
    const { listener } = await started
    await failingSource(name, {
      'fail.mode': mode,
      'fail.after.polls': '2',
      'fail.times': '1',
      'fail.counter.file': path.join(counterDir, name),
    })
    return listener.first(name, 'RESTARTING')
  }

  /** Moves the clock through the first backoff and waits until the task is RUNNING again. */
  async function backoffToRunning(name: string): Promise<void> {
    const { listener } = await started
    clock.advance(policy.initialBackoffMs)
    await listener.waitFor(
      () => listener.taskStates(name).filter((s) => s === 'RUNNING').length >= 2,
      'RUNNING again',
    )
  }

  test('a task that throws in poll is restarted: RUNNING → RESTARTING → RUNNING', async () => {
    const { listener } = await started
    const name = 'throws-once'
    const restarting = await failOnce(name, 'throw')
    assert.match(restarting.trace ?? '', /deliberate failure in poll/)
    // Nothing restarts until the backoff has elapsed on the clock.
    assert.deepEqual(listener.taskStates(name), ['RUNNING', 'RESTARTING'])
    await backoffToRunning(name)
    assert.deepEqual(listener.taskStates(name), ['RUNNING', 'RESTARTING', 'RUNNING'])
  })

  test('a task whose worker thread exits is detected and restarted', async () => {
    const restarting = await failOnce('exits-once', 'exit')
    assert.match(restarting.trace ?? '', /task thread died/)
    await backoffToRunning('exits-once')
  })

  test('a task that keeps failing ends FAILED with its trace, after capped exponential backoff', async () => {
    const { listener } = await started
    const name = 'always-fails'
    await failingSource(name, { 'fail.mode': 'throw', 'fail.after.polls': '0', 'fail.times': '-1' })
    const restarts = () =>
      listener.events.filter((e) => e.connector === name && e.state === 'RESTARTING').length
    await listener.waitFor(() => restarts() === 1, 'first RESTARTING')
    clock.advance(1000) // first backoff: initial
    await listener.waitFor(() => restarts() === 2, 'second RESTARTING')
    clock.advance(1999)
    // The second delay doubled: one millisecond short of it, nothing has restarted yet.
    assert.equal(listener.taskStates(name).at(-1), 'RESTARTING')
    clock.advance(1)
    const failed = await listener.first(name, 'FAILED')
    assert.match(failed.trace ?? '', /deliberate failure in poll #1/)
    assert.deepEqual(listener.taskStates(name), [
      'RUNNING',
      'RESTARTING',
      'RUNNING',
      'RESTARTING',
      'RUNNING',
      'FAILED',
    ])
  })

  test('a connector with task.restart.max.attempts=0 goes FAILED and stays FAILED while another keeps restarting', async () => {
    const { worker, listener } = await started
    const never = uniqueTopic('delivery-never-restart')
    const keeps = uniqueTopic('delivery-keeps-restarting')
    const failing = (topic: string) => ({
      'connector.class': 'FailingSource',
      topic,
      'fail.mode': 'throw',
      'fail.after.polls': '0',
      'fail.times': '-1',
    })
    await runConnector(worker, never, {
      ...failing(uniqueTopic('sup-never')),
      'task.restart.max.attempts': '0',
    })
    await runConnector(worker, keeps, failing(uniqueTopic('sup-keeps')))
    await listener.waitFor(() => listener.taskStates(never).includes('FAILED'), 'FAILED at once')
    const failed = listener.events.find((e) => e.connector === never && e.state === 'FAILED')!
    assert.match(failed.trace ?? '', /deliberate failure in poll/)
    await listener.waitFor(() => listener.taskStates(keeps).includes('RESTARTING'), 'the other restarts')
    clock.advance(policy.initialBackoffMs)
    await listener.waitFor(
      () => listener.taskStates(keeps).filter((s) => s === 'RESTARTING').length >= 2,
      'the other restarts again',
    )
    clock.advance(2 * policy.maxBackoffMs)
    await new Promise((r) => setTimeout(r, 300))
    assert.deepEqual(listener.taskStates(never), ['RUNNING', 'FAILED'], 'never restarted')
    await worker.stopTasks([
      { connector: never, task: 0 },
      { connector: keeps, task: 0 },
    ])
  })

  test('stop is graceful first, then forced after task.shutdown.graceful.timeout.ms', async () => {
    const { worker, listener } = await started
    const name = 'hangs'
    const [id] = await failingSource(name, { 'fail.mode': 'hang', 'fail.after.polls': '1' })
    await listener.waitFor(() => listener.taskStates(name).includes('RUNNING'), 'RUNNING')
    let done = false
    const stopping = worker.stopTasks([id!]).then(() => {
      done = true
    })
    await new Promise((r) => setTimeout(r, 300))
    assert.equal(done, false, 'a hung task is given the graceful timeout before it is abandoned')
    clock.advance(5000) // task.shutdown.graceful.timeout.ms default
    await stopping
    assert.equal(listener.taskStates(name).at(-1), 'STOPPED')
  })
})
