import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, test } from 'node:test'
import { connectionSecurity, GroupProtocolError } from '../src/group-client.js'

// How worker properties become the Connect group connection's TLS/SASL options (the keys Kafka clients
// read), and the errors for what Sluice cannot honour.
describe('Connect group connection security from worker keys', () => {
  test('PLAINTEXT by default: no TLS, no SASL', () => {
    assert.deepEqual(connectionSecurity({}), {})
  })

  test('SASL_SSL with PLAIN: username and password from sasl.jaas.config, CA from a PEM truststore', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sluice-tls-'))
    const ca = path.join(dir, 'ca.pem')
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')
    const o = connectionSecurity({
      'security.protocol': 'SASL_SSL',
      'sasl.mechanism': 'PLAIN',
      'sasl.jaas.config':
        'org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="s3cr=t";',
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.location': ca,
    })
    assert.deepEqual(o.sasl, { mechanism: 'PLAIN', username: 'alice', password: 's3cr=t' })
    assert.match(String(o.tls?.ca), /BEGIN CERTIFICATE/)
  })

  test('SCRAM-SHA-512 over SASL_PLAINTEXT; an empty endpoint identification algorithm skips host checks', () => {
    const o = connectionSecurity({
      'security.protocol': 'sasl_plaintext',
      'sasl.mechanism': 'SCRAM-SHA-512',
      'sasl.jaas.config':
        'org.apache.kafka.common.security.scram.ScramLoginModule required username="bob" password="pw";',
    })
    assert.deepEqual(o.sasl, { mechanism: 'SCRAM-SHA-512', username: 'bob', password: 'pw' })
    assert.equal(o.tls, undefined)
    const t = connectionSecurity({ 'security.protocol': 'SSL', 'ssl.endpoint.identification.algorithm': '' })
    assert.equal(typeof t.tls?.checkServerIdentity, 'function')
  })

  test('what Sluice cannot honour is an error naming the key and the fix', () => {
    assert.throws(
      () => connectionSecurity({ 'security.protocol': 'SASL_SSL' }),
      /sasl\.mechanism=GSSAPI is not supported/,
    )
    assert.throws(
      () => connectionSecurity({ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN' }),
      /needs username="…" and password="…" in sasl\.jaas\.config/,
    )
    assert.throws(
      () => connectionSecurity({ 'security.protocol': 'SSL', 'ssl.truststore.location': '/x.jks' }),
      /ssl\.truststore\.type must be PEM/,
    )
    assert.throws(
      () => connectionSecurity({ 'security.protocol': 'TLS' }),
      /security\.protocol=TLS is not one of/,
    )
  })

  test('group errors name Kafka’s error', () => {
    assert.equal(
      new GroupProtocolError('Heartbeat', 27).message,
      'Heartbeat failed with Kafka error 27 (REBALANCE_IN_PROGRESS)',
    )
  })
})
