import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  type ConfigRecord,
  commitRecord,
  connectorConfigRecord,
  loggerLevelRecord,
  parseConfigRecord,
  restartRecord,
  sessionKeyRecord,
  targetStateRecord,
  taskConfigRecord,
  tasksFencingRecord,
} from '../../src/storage/config-records.js'
import { ConfigStateBuilder } from '../../src/storage/config-state.js'
import { javaPartitionForKey, murmur2 } from '../../src/storage/murmur2.js'
import { encodeOffsetKey, encodeOffsetValue, parseOffsetKey } from '../../src/storage/offset-records.js'
import {
  encodeStatus,
  parseStatusRecord,
  taskStatusKey,
  topicStatusKey,
} from '../../src/storage/status-records.js'
import { JAVA_PARTITIONS, javaTopicRecords } from '../java-vectors.js'

const buf = (v: string | null) => (v === null ? null : Buffer.from(v, 'utf8'))

/** Re-encodes a decoded record with Sluice's writers (what Sluice would produce for the same intent). */
function reencode(r: ConfigRecord): { key: string; value: Buffer | null } {
  switch (r.kind) {
    case 'connector':
      return connectorConfigRecord(r.connector, r.properties)
    case 'task':
      assert.ok(r.properties)
      return taskConfigRecord(r.connector, r.task, r.properties)
    case 'commit':
      return commitRecord(r.connector, r.tasks)
    case 'target-state':
      return targetStateRecord(r.connector, r.state)
    case 'session-key':
      return sessionKeyRecord(r.sessionKey)
    case 'restart':
      return restartRecord(r.connector, r.includeTasks, r.onlyFailed)
    case 'tasks-fencing':
      assert.ok(r.taskCount !== null)
      return tasksFencingRecord(r.connector, r.taskCount)
    case 'logger':
      assert.ok(r.level !== null)
      return loggerLevelRecord(r.namespace, r.level)
  }
}

describe('config topic records against a Java 4.4 worker', () => {
  const records = javaTopicRecords('configs')

  test('every record Java wrote decodes, and Sluice writes the same key and value bytes', () => {
    assert.equal(records.length, 21)
    for (const r of records) {
      const parsed = parseConfigRecord(r.key, buf(r.value))
      assert.ok(parsed, `record ${r.o} (${r.key}) decodes`)
      const again = reencode(parsed)
      assert.equal(again.key, r.key)
      assert.equal(again.value?.toString('utf8') ?? null, r.value, `value of ${r.key} at ${r.o}`)
    }
  })

  test('STOPPED is written as state PAUSED + state.v2 STOPPED; tasks-fencing and prefix corner cases', () => {
    assert.equal(
      targetStateRecord('c', 'STOPPED').value?.toString(),
      '{"state":"PAUSED","state.v2":"STOPPED"}',
    )
    assert.deepEqual(parseConfigRecord('target-state-c', buf('{"state":"PAUSED"}')), {
      kind: 'target-state',
      connector: 'c',
      state: 'PAUSED',
    })
    assert.equal(tasksFencingRecord('eos-src', 1).value?.toString(), '{"task-count":1}')
    assert.deepEqual(parseConfigRecord('task-my-conn-12', buf('{"properties":{"a":"b"}}')), {
      kind: 'task',
      connector: 'my-conn',
      task: 12,
      properties: { a: 'b' },
    })
    assert.equal(parseConfigRecord('something-else', buf('{}')), undefined)
    assert.throws(
      () => parseConfigRecord('commit-c', buf('{"tasks":"x"}')),
      /'commit-c': 'tasks' is not an integer/,
    )
    assert.throws(() => parseConfigRecord('connector-c', buf('nope')), /'connector-c': value is not JSON/)
  })

  test('folding Java’s log gives its state: config offset = last record + 1, tasks applied on commit', () => {
    const b = new ConfigStateBuilder()
    const changes = records.map((r) => b.apply(parseConfigRecord(r.key, buf(r.value)), BigInt(r.o)))
    const s = b.snapshot()
    assert.equal(s.offset, 21n)
    assert.deepEqual(s.connectors, ['fs-sink'])
    assert.equal(s.taskCount('fs-sink'), 2)
    assert.equal(s.taskConfig({ connector: 'fs-sink', task: 1 })?.file, '/tmp/dist-java/out2.txt')
    assert.equal(s.targetState('fs-sink'), 'STARTED')
    assert.equal(s.targetState('fs-source'), undefined)
    assert.equal(s.sessionKey?.algorithm, 'HmacSHA256')
    assert.equal(s.taskConfigGeneration('fs-sink'), 2)
    assert.deepEqual(
      changes.filter((c) => c.kind === 'restart'),
      [{ kind: 'restart', connector: 'fs-source', includeTasks: true, onlyFailed: false }],
    )
    assert.deepEqual(
      changes.filter((c) => c.kind === 'logger').map((c) => c.kind === 'logger' && c.level),
      ['DEBUG', 'INFO'],
    )
  })

  test('config offset at 4 after the first task commit, as in Java’s JoinGroup metadata', () => {
    const b = new ConfigStateBuilder()
    for (const r of records.slice(0, 4)) b.apply(parseConfigRecord(r.key, buf(r.value)), BigInt(r.o))
    assert.equal(b.offset, 4n)
    assert.equal(new ConfigStateBuilder().offset, -1n)
  })

  test('task configs not covered by the commit leave the connector inconsistent and the old tasks in force', () => {
    const b = new ConfigStateBuilder()
    const apply = (r: { key: string; value: Buffer | null }, o: number) =>
      b.apply(parseConfigRecord(r.key, r.value), BigInt(o))
    apply(connectorConfigRecord('c', { name: 'c' }), 0)
    apply(taskConfigRecord('c', 0, { t: '0' }), 1)
    apply(commitRecord('c', 1), 2)
    apply(taskConfigRecord('c', 1, { t: '1' }), 3)
    apply(commitRecord('c', 2), 4)
    const s = b.snapshot()
    assert.ok(s.inconsistent.has('c'))
    assert.equal(s.taskCount('c'), 1)
    assert.deepEqual(s.taskConfig({ connector: 'c', task: 0 }), { t: '0' })
    apply(taskConfigRecord('c', 0, { t: '0b' }), 5)
    apply(taskConfigRecord('c', 1, { t: '1b' }), 6)
    apply(commitRecord('c', 2), 7)
    assert.equal(b.snapshot().inconsistent.size, 0)
    assert.equal(b.snapshot().taskCount('c'), 2)
    assert.ok(b.snapshot().pendingFencing.has('c'))
    apply(tasksFencingRecord('c', 2), 8)
    assert.equal(b.snapshot().pendingFencing.has('c'), false)
    assert.equal(b.snapshot().taskCountRecord('c'), 2)
  })
})

describe('status topic records against a Java 4.4 worker', () => {
  const records = javaTopicRecords('status')

  test('every record decodes and re-encodes to Java’s bytes, and lands on Java’s partition', () => {
    assert.ok(records.length > 20)
    for (const r of records) {
      const parsed = parseStatusRecord(r.key, buf(r.value))
      assert.ok(parsed, `${r.key}@${r.p}/${r.o} decodes`)
      assert.equal(javaPartitionForKey(r.key, JAVA_PARTITIONS.status), r.p, `partition of ${r.key}`)
      if (parsed.kind === 'topic') {
        assert.equal(topicStatusKey(parsed.topic, parsed.connector), r.key)
        continue
      }
      if (parsed.kind === 'task') assert.equal(taskStatusKey(parsed.id), r.key)
      assert.equal(encodeStatus(parsed.status)?.toString('utf8') ?? null, r.value, `${r.key}@${r.o}`)
    }
  })
})

describe('offsets topic records against a Java 4.4 worker', () => {
  const records = javaTopicRecords('offsets')

  test('keys are ["<connector>",{partition}] on Java’s murmur2 partition; values and tombstones match', () => {
    assert.equal(records.length, 3)
    for (const r of records) {
      const k = parseOffsetKey(Buffer.from(r.key))
      assert.ok(!('error' in k))
      assert.equal(encodeOffsetKey(k.connector, k.partition).toString('utf8'), r.key)
      assert.equal(javaPartitionForKey(r.key, JAVA_PARTITIONS.offsets), r.p)
      const value = r.value === null ? null : (JSON.parse(r.value) as Record<string, unknown>)
      assert.equal(encodeOffsetValue(value)?.toString('utf8') ?? null, r.value)
    }
  })

  test('multi-field partitions are written in Java HashMap order, whatever order the task used', () => {
    const a = encodeOffsetKey('c', { table: 't', server: 's', database: 'd' }).toString()
    const b = encodeOffsetKey('c', { database: 'd', server: 's', table: 't' }).toString()
    assert.equal(a, b)
    // Order checked with jshell: HashMap put table, server, database → keySet [server, database, table].
    assert.equal(a, '["c",{"server":"s","database":"d","table":"t"}]')
    assert.deepEqual(parseOffsetKey(Buffer.from('["c"]')), { error: 'key is not a two-element array' })
  })

  test('murmur2 matches Kafka’s published vectors', () => {
    // From Kafka's UtilsTest.testMurmur2 (inputs and expected values are facts of the algorithm).
    const cases: Array<[string, number]> = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ]
    for (const [s, h] of cases) assert.equal(murmur2(Buffer.from(s)), h, s)
    assert.throws(() => javaPartitionForKey('x', 0), /partitions must be > 0/)
  })
})
