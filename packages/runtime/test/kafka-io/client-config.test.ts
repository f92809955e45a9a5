import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { toLibrdkafkaConfig, withPrefix } from '../../src/kafka-io/client-config.js'

describe('Kafka Connect client keys → librdkafka', () => {
  test('keeps librdkafka keys, renames Java names, drops Java-only ones', () => {
    assert.deepEqual(
      toLibrdkafkaConfig({
        'linger.ms': '10',
        'max.in.flight.requests.per.connection': '1',
        'key.serializer': 'org.apache.kafka.common.serialization.ByteArraySerializer',
        'max.poll.records': '500',
        'partition.assignment.strategy': 'org.apache.kafka.clients.consumer.RoundRobinAssignor',
      }),
      { 'linger.ms': '10', 'max.in.flight': '1', 'partition.assignment.strategy': 'roundrobin' },
    )
  })

  test('withPrefix strips worker and override prefixes', () => {
    assert.deepEqual(
      withPrefix({ 'producer.acks': '1', 'consumer.x': '2', 'producer.override.y': '3' }, 'producer.'),
      {
        acks: '1',
        'override.y': '3',
      },
    )
  })
})
