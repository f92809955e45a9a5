import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ConfigError } from '@sluice/api'
import { parseDistributedSettings } from '../../src/distributed/distributed-config.js'

const REQUIRED = {
  'group.id': 'connect-cluster',
  'config.storage.topic': 'connect-configs',
  'offset.storage.topic': 'connect-offsets',
  'status.storage.topic': 'connect-status',
}

describe('DistributedConfig keys', () => {
  test("Kafka's defaults (the issue's seven-line file)", () => {
    const s = parseDistributedSettings({ ...REQUIRED, 'bootstrap.servers': 'broker1:9092' })
    assert.deepEqual(
      {
        sessionTimeoutMs: s.sessionTimeoutMs,
        heartbeatIntervalMs: s.heartbeatIntervalMs,
        rebalanceTimeoutMs: s.rebalanceTimeoutMs,
        workerSyncTimeoutMs: s.workerSyncTimeoutMs,
        workerUnsyncBackoffMs: s.workerUnsyncBackoffMs,
        protocol: s.protocol,
        scheduledRebalanceMaxDelayMs: s.scheduledRebalanceMaxDelayMs,
        offsetPartitions: s.offsetPartitions,
        statusPartitions: s.statusPartitions,
        replication: [s.configReplication, s.offsetReplication, s.statusReplication],
        keyTtlMs: s.keyTtlMs,
      },
      {
        sessionTimeoutMs: 10_000,
        heartbeatIntervalMs: 3_000,
        rebalanceTimeoutMs: 60_000,
        workerSyncTimeoutMs: 3_000,
        workerUnsyncBackoffMs: 300_000,
        protocol: 'sessioned',
        scheduledRebalanceMaxDelayMs: 300_000,
        offsetPartitions: 25,
        statusPartitions: 5,
        replication: [3, 3, 3],
        keyTtlMs: 3_600_000,
      },
    )
  })

  test('eager is the default sub-protocol on the wire; -1 replication means the broker default', () => {
    const s = parseDistributedSettings({
      ...REQUIRED,
      'connect.protocol': 'eager',
      'config.storage.replication.factor': '-1',
    })
    assert.equal(s.protocol, 'default')
    assert.equal(s.configReplication, -1)
  })

  test('missing topics, a bad replication factor and a bad exactly-once support value are errors naming the key', () => {
    assert.throws(
      () => parseDistributedSettings({ 'group.id': 'g' }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError)
        assert.match(err.message, /config\.storage\.topic/)
        return true
      },
    )
    assert.throws(
      () => parseDistributedSettings({ ...REQUIRED, 'status.storage.replication.factor': '0' }),
      /status\.storage\.replication\.factor: Replication factor must be positive, or -1/,
    )
    assert.throws(
      () => parseDistributedSettings({ ...REQUIRED, 'exactly.once.source.support': 'on' }),
      /Invalid value on for configuration exactly\.once\.source\.support: String must be one of \(case insensitive\): DISABLED, PREPARING, ENABLED/,
    )
    // KIP-618's rolling upgrade: disabled → preparing → enabled, any case.
    assert.equal(parseDistributedSettings(REQUIRED).exactlyOnceSourceSupport, 'disabled')
    for (const v of ['preparing', 'ENABLED'])
      assert.equal(
        parseDistributedSettings({ ...REQUIRED, 'exactly.once.source.support': v }).exactlyOnceSourceSupport,
        v.toLowerCase(),
      )
    assert.throws(
      () => parseDistributedSettings({ ...REQUIRED, 'connect.protocol': 'cooperative' }),
      /connect\.protocol/,
    )
  })
})
