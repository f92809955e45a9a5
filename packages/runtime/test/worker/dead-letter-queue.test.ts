import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { ErrantRecord } from '../../src/wire/messages.js'
import { dlqRecord } from '../../src/worker/dead-letter-queue.js'

const errant: ErrantRecord = {
  stage: 'VALUE_CONVERTER',
  executingClass: 'org.apache.kafka.connect.json.JsonConverter',
  exceptionClass: 'org.apache.kafka.connect.errors.DataException',
  exceptionMessage: 'bad',
  stacktrace: 'org.apache.kafka.connect.errors.DataException: bad\n',
  original: [0, 3, 42, 1234, 1, Buffer.from('k'), Buffer.from('NOT-JSON'), ['h1', Buffer.from('v1')]],
  originalTopic: 'orders',
}
const text = (v: unknown) => Buffer.from(v as Uint8Array).toString('utf8')

describe('dlqRecord (Kafka DeadLetterQueueReporter layout)', () => {
  test('the original raw key, value, headers and timestamp; no context headers unless enabled', () => {
    const r = dlqRecord(errant, { connector: 'c', task: 1 }, false)
    assert.equal(text(r.key), 'k')
    assert.equal(text(r.value), 'NOT-JSON')
    assert.equal(r.timestamp, 1234)
    assert.deepEqual(
      r.headers.filter((_, i) => i % 2 === 0),
      ['h1'],
    )
  })

  test("context headers in Kafka's order, as UTF-8 text", () => {
    const r = dlqRecord(errant, { connector: 'c', task: 1 }, true)
    const pairs: Array<[string, string]> = []
    for (let i = 0; i < r.headers.length; i += 2) pairs.push([r.headers[i] as string, text(r.headers[i + 1])])
    assert.deepEqual(pairs, [
      ['h1', 'v1'],
      ['__connect.errors.topic', 'orders'],
      ['__connect.errors.partition', '3'],
      ['__connect.errors.offset', '42'],
      ['__connect.errors.connector.name', 'c'],
      ['__connect.errors.task.id', '1'],
      ['__connect.errors.stage', 'VALUE_CONVERTER'],
      ['__connect.errors.class.name', 'org.apache.kafka.connect.json.JsonConverter'],
      ['__connect.errors.exception.class.name', 'org.apache.kafka.connect.errors.DataException'],
      ['__connect.errors.exception.message', 'bad'],
      ['__connect.errors.exception.stacktrace', 'org.apache.kafka.connect.errors.DataException: bad\n'],
    ])
  })

  test('a record without a timestamp gets none; existing context headers are kept, not duplicated', () => {
    const again: ErrantRecord = {
      ...errant,
      original: [0, 0, 1, -1, 0, null, null, ['__connect.errors.stage', Buffer.from('TRANSFORMATION')]],
    }
    const r = dlqRecord(again, { connector: 'c', task: 0 }, true)
    assert.equal(r.timestamp, -1)
    const stages = r.headers.filter((h, i) => i % 2 === 0 && h === '__connect.errors.stage')
    assert.equal(stages.length, 1)
    assert.equal(text(r.headers[1]), 'TRANSFORMATION')
  })
})
