import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { SinkOffsetLedger } from '../../src/worker/sink-offset-ledger.js'

const tp = { topic: 't', partition: 0 }
const at = (offset: number) => ({ ...tp, offset })

describe('SinkOffsetLedger', () => {
  test('only the contiguous run of finished batches counts as put', () => {
    const l = new SinkOffsetLedger()
    l.assign([tp])
    l.delivered(1, [at(0)], [at(10)])
    l.delivered(2, [at(10)], [at(20)])
    assert.equal(l.finished(2), true)
    assert.deepEqual(l.currentOffsets(), [], 'batch 2 finished before batch 1: nothing is put yet')
    l.finished(1)
    assert.deepEqual(l.currentOffsets(), [at(20)])
    assert.equal(l.outstanding, 0)
  })

  test('a commit is capped by what was put and by what preCommit approved', () => {
    const l = new SinkOffsetLedger()
    l.assign([tp])
    l.delivered(1, [at(0)], [at(10)])
    l.finished(1)
    assert.deepEqual(l.committable([at(50)]), [at(10)], 'never past what was put')
    assert.deepEqual(l.committable([at(4)]), [at(4)])
    assert.deepEqual(l.committable([]), [], 'a buffering sink approving nothing commits nothing')
    assert.deepEqual(l.committable([{ topic: 'other', partition: 0, offset: 3 }]), [], 'not owned')
    l.committed([at(10)])
    assert.equal(l.dirty, false)
    assert.deepEqual(l.committable([at(10)]), [], 'nothing new to commit')
  })

  test('a restart forgets unfinished batches and rewinds to the committed offset', () => {
    const l = new SinkOffsetLedger()
    l.assign([tp])
    l.delivered(1, [at(0)], [at(10)])
    l.finished(1)
    l.committed([at(10)])
    l.delivered(2, [at(10)], [at(20)])
    l.finished(2) // put, but not committed: a buffering task may have lost it with its actor
    l.delivered(3, [at(20)], [at(30)])
    assert.deepEqual(l.restart(), [at(10)])
    assert.equal(l.outstanding, 0, 'in-flight batches are gone')
    assert.deepEqual(l.currentOffsets(), [at(10)])
    assert.equal(l.finished(3), false, 'a late ack of the old actor is ignored')
  })

  test('before any commit a restart rewinds to the first offset delivered since assignment', () => {
    const l = new SinkOffsetLedger()
    l.assign([tp])
    l.delivered(1, [at(7)], [at(10)])
    l.delivered(2, [at(10)], [at(20)])
    assert.deepEqual(l.restart(), [at(7)])
    assert.deepEqual(l.currentOffsets(), [])
  })

  test('a revoke forgets the partition; outstanding batches are tracked per partition', () => {
    const l = new SinkOffsetLedger()
    const tp1 = { topic: 't', partition: 1 }
    l.assign([tp, tp1])
    l.delivered(1, [at(0)], [at(10)])
    assert.equal(l.hasOutstandingFor([tp]), true)
    assert.equal(l.hasOutstandingFor([tp1]), false)
    l.finished(1)
    l.revoke([tp])
    assert.deepEqual(l.assignment, [tp1])
    assert.deepEqual(l.currentOffsets(), [])
    assert.equal(l.owns(tp), false)
  })
})
