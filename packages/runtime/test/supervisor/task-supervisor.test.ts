import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ConnectError, DataError, RetriableError } from '@sluice/api'
import { ManualClock } from '../../src/clock.js'
import { classifyFailure, TaskSupervisor } from '../../src/supervisor/task-supervisor.js'

const policy = { initialBackoffMs: 100, maxBackoffMs: 400, maxRestarts: 3, windowMs: 60_000 }

describe('TaskSupervisor (restart decisions in one place)', () => {
  test('failures are classified by code and retriable flag', () => {
    assert.equal(classifyFailure(new DataError('bad')), 'data')
    assert.equal(
      classifyFailure(new ConnectError('XC_TOLERANCE_EXCEEDED', 'Tolerance exceeded in error handler')),
      'data',
    )
    assert.equal(classifyFailure(new ConnectError('XC_CONVERTER', 'x')), 'data')
    assert.equal(classifyFailure(new RetriableError('later')), 'retriable')
    assert.equal(classifyFailure(new ConnectError('XC_WORKER_LOST', 'thread died')), 'retriable')
    assert.equal(classifyFailure(new ConnectError('XC_TASK_CRASHED', 'boom')), 'crash')
  })

  test('a data error fails at once: no restart loop over a poison record', () => {
    const s = new TaskSupervisor(new ManualClock(0), policy)
    const d = s.onFailure(new ConnectError('XC_TOLERANCE_EXCEEDED', 'Tolerance exceeded in error handler'))
    assert.equal(d.action, 'fail')
  })

  test('retriable failures restart with capped backoff and numbered attempts, then give up', () => {
    const s = new TaskSupervisor(new ManualClock(0), policy)
    const ds = Array.from({ length: 4 }, () => s.onFailure(new RetriableError('broker down')))
    assert.deepEqual(
      ds.map((d) => (d.action === 'restart' ? [d.attempt, d.delayMs] : d.action)),
      [[1, 100], [2, 200], [3, 400], 'fail'],
    )
    s.reset()
    assert.equal(
      s.onFailure(new RetriableError('again')).action,
      'restart',
      'a REST restart resets the budget',
    )
  })

  test('task.restart.max.attempts=0 behaves as Java Connect: never restart by itself', () => {
    const s = new TaskSupervisor(new ManualClock(0), { ...policy, maxRestarts: 0 })
    const d = s.onFailure(new RetriableError('broker down'))
    assert.equal(d.action, 'fail')
    assert.match(d.action === 'fail' ? d.reason : '', /disabled/)
  })
})
