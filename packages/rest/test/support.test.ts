import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  csvSplit,
  javaHashOrder,
  javaStringHash,
  LoggerLevels,
  parseHeaderRule,
  parseRestConfig,
} from '../src/index.js'

describe('javaHashOrder', () => {
  it('matches Java String.hashCode', () => {
    assert.equal(javaStringHash('status'), -892481550)
    assert.equal(javaStringHash(''), 0)
  })
  it('iterates like a Java HashMap (bucket, then insertion order)', () => {
    assert.deepEqual(javaHashOrder(['src', 'snk']), ['snk', 'src'])
    assert.deepEqual(javaHashOrder(['kafka_topic', 'kafka_partition']), ['kafka_partition', 'kafka_topic'])
    assert.deepEqual(javaHashOrder(['GET', 'POST', 'HEAD', 'OPTIONS']), ['HEAD', 'POST', 'GET', 'OPTIONS'])
    // "status" and "info" share a bucket: request order is kept.
    assert.deepEqual(javaHashOrder(['info', 'status']), ['info', 'status'])
  })
})

describe('LoggerLevels', () => {
  it('inherits from ancestors and root, sets namespaces with their children', () => {
    let now = 1000
    const l = new LoggerLevels('INFO', () => now)
    l.register('a.b.C')
    l.register('a.bc')
    assert.equal(l.effectiveLevel('a.b.C'), 'INFO')
    assert.deepEqual(l.setLevel('a.b', 'DEBUG'), ['a.b', 'a.b.C', 'a.bc'])
    assert.deepEqual(l.level('a.b.C'), { level: 'DEBUG', last_modified: 1000 })
    assert.ok(l.isEnabled('a.b.C.d', 'DEBUG'))
    assert.ok(!l.isEnabled('x', 'DEBUG'))
    now = 2000
    l.setLevel('a.b', 'DEBUG')
    assert.equal(l.level('a.b')?.last_modified, 1000, 'unchanged levels keep last_modified')
    assert.deepEqual(l.setLevel('ROOT', 'WARN').includes('root'), true)
    assert.equal(l.effectiveLevel('zzz'), 'WARN')
    assert.equal(l.level('unknown.logger'), undefined)
  })
})

describe('REST worker config', () => {
  it('parses listeners and admin listeners', () => {
    const c = parseRestConfig({
      listeners: 'http://127.0.0.1:8083,HTTP://:8084',
      'admin.listeners': 'http://[::1]:9000',
    })
    assert.deepEqual(
      c.listeners.map((l) => [l.protocol, l.host, l.port]),
      [
        ['http', '127.0.0.1', 8083],
        ['http', '', 8084],
      ],
    )
    assert.deepEqual(
      c.adminListeners?.map((l) => [l.host, l.port]),
      [['::1', 9000]],
    )
    assert.equal(parseRestConfig({}).adminListeners, null)
    assert.deepEqual(parseRestConfig({ 'admin.listeners': '' }).adminListeners, [])
  })
  it('splits and validates response header rules like Kafka', () => {
    assert.deepEqual(csvSplit('set A: 1, "add B: x, y" ,'), ['set A: 1', 'add B: x, y'])
    assert.deepEqual(parseHeaderRule('setDate Expires: 31540000000'), {
      action: 'setDate',
      name: 'Expires',
      value: '31540000000',
    })
    assert.throws(() => parseHeaderRule('set'), {
      message: "Invalid format of header config 'set'. Expected: '[action] [header name]:[header value]'",
    })
    assert.throws(() => parseHeaderRule('set X'), {
      message:
        "Invalid format of header name and header value pair 'X'. Expected: '[header name]:[header value]'",
    })
    assert.throws(() => parseHeaderRule('set X Y: z'), {
      message: "Invalid header name 'X Y'. The '[header name]' cannot contain whitespace",
    })
  })
})
