import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ManualClock } from '../../src/clock.js'
import { RestartPolicy } from '../../src/supervisor/restart-policy.js'

describe('RestartPolicy (capped exponential backoff on an injected clock)', () => {
  const opts = { initialBackoffMs: 100, maxBackoffMs: 1000, maxRestarts: 6, windowMs: 60_000 }

  test('delays double from the initial one and stop at the cap', () => {
    const p = new RestartPolicy(new ManualClock(0), opts)
    const delays = Array.from({ length: 6 }, () => {
      const d = p.onFailure()
      return d.restart ? d.delayMs : -1
    })
    assert.deepEqual(delays, [100, 200, 400, 800, 1000, 1000])
  })

  test('more failures than maxRestarts within the window give up', () => {
    const p = new RestartPolicy(new ManualClock(0), { ...opts, maxRestarts: 2 })
    assert.equal(p.onFailure().restart, true)
    assert.equal(p.onFailure().restart, true)
    assert.deepEqual(p.onFailure(), { restart: false })
  })

  test('failures older than the window are forgotten: a healthy child starts over', () => {
    const clock = new ManualClock(0)
    const p = new RestartPolicy(clock, { ...opts, maxRestarts: 2 })
    p.onFailure()
    p.onFailure()
    clock.advance(60_000)
    assert.deepEqual(p.onFailure(), { restart: true, delayMs: 100 })
    assert.equal(p.recentFailures, 1)
  })

  test('reset (a manual REST restart) restores the whole budget', () => {
    const p = new RestartPolicy(new ManualClock(0), { ...opts, maxRestarts: 1 })
    p.onFailure()
    p.reset()
    assert.deepEqual(p.onFailure(), { restart: true, delayMs: 100 })
  })

  test('ManualClock fires timers only when time is advanced, in due order', () => {
    const clock = new ManualClock(1000)
    const fired: string[] = []
    clock.setTimeout(() => fired.push('b'), 20)
    clock.setTimeout(() => fired.push('a'), 10)
    const c = clock.setTimeout(() => fired.push('c'), 30)
    clock.clearTimeout(c)
    clock.advance(15)
    assert.deepEqual(fired, ['a'])
    clock.advance(100)
    assert.deepEqual(fired, ['a', 'b'])
    assert.equal(clock.now(), 1115)
    assert.equal(clock.pending, 0)
  })
})
