import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { SourceRecord } from '@sluice/api'
import { ConnectError } from '@sluice/api'
import { TransactionRequests } from '../../src/task/transaction-requests.js'

const record = (n: number) => ({ topic: 't', value: n }) as unknown as SourceRecord

describe('TransactionRequests (the TransactionContext of transaction.boundary=connector)', () => {
  test('record and poll-level requests are taken once', () => {
    const t = new TransactionRequests()
    const a = record(1)
    const b = record(2)
    t.commitTransaction(a)
    t.abortTransaction(b)
    t.commitTransaction()
    assert.equal(t.takeRecord(record(3)), undefined)
    assert.equal(t.takeRecord(a), 'commit')
    assert.equal(t.takeRecord(a), undefined, 'taken')
    assert.equal(t.takeRecord(b), 'abort')
    assert.equal(t.takeBatch(), 'commit')
    assert.equal(t.takeBatch(), undefined)
  })

  test('a commit and an abort of the same transaction is an error', () => {
    const t = new TransactionRequests()
    t.commitTransaction()
    assert.throws(
      () => t.abortTransaction(),
      (e: unknown) => ConnectError.is(e) && /Both a commit and an abort/.test(e.message),
    )
    const r = record(1)
    t.abortTransaction(r)
    assert.throws(() => t.commitTransaction(r), /Both a commit and an abort/)
  })
})
