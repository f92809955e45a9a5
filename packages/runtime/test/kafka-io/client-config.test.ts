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

  test("Java's sasl.jaas.config becomes librdkafka's sasl.username/sasl.password", () => {
    assert.deepEqual(
      toLibrdkafkaConfig({
        'security.protocol': 'SASL_PLAINTEXT',
        'sasl.mechanism': 'PLAIN',
        'sasl.jaas.config':
          'org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="s3cr=t;x";',
      }),
      {
        'security.protocol': 'SASL_PLAINTEXT',
        'sasl.mechanism': 'PLAIN',
        'sasl.username': 'alice',
        'sasl.password': 's3cr=t;x',
      },
    )
    assert.deepEqual(
      toLibrdkafkaConfig({
        'sasl.jaas.config':
          'org.apache.kafka.common.security.scram.ScramLoginModule required username="bob" password="pw";',
      }),
      { 'sasl.username': 'bob', 'sasl.password': 'pw' },
    )
  })

  test('a JAAS login module librdkafka cannot express is an error naming sasl.jaas.config', () => {
    assert.throws(
      () =>
        toLibrdkafkaConfig({
          'sasl.jaas.config': 'com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true;',
        }),
      (err: Error) => /sasl\.jaas\.config/.test(err.message) && /Krb5LoginModule/.test(err.message),
    )
    assert.throws(
      () =>
        toLibrdkafkaConfig({
          'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required;',
        }),
      /sasl\.jaas\.config/,
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
