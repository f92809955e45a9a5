import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ConfigDef, LruCache } from '@sluice/api'
import { decodeBase64 } from '../src/base64.js'
import { plugins } from '../src/index.js'

const BOTH = [
  'org.apache.kafka.connect.json.JsonConverter',
  'org.apache.kafka.connect.storage.StringConverter',
  'org.apache.kafka.connect.converters.ByteArrayConverter',
  'org.apache.kafka.connect.converters.ShortConverter',
  'org.apache.kafka.connect.converters.IntegerConverter',
  'org.apache.kafka.connect.converters.LongConverter',
  'org.apache.kafka.connect.converters.FloatConverter',
  'org.apache.kafka.connect.converters.DoubleConverter',
  'org.apache.kafka.connect.converters.BooleanConverter',
]

describe('plugins', () => {
  test('lists every converter under Kafka class names, as converter and header converter like Kafka 4', () => {
    const converters = plugins.filter((p) => p.kind === 'converter').map((p) => p.className)
    const headers = plugins.filter((p) => p.kind === 'header_converter').map((p) => p.className)
    assert.deepEqual(converters, BOTH)
    assert.deepEqual(headers, [...BOTH, 'org.apache.kafka.connect.storage.SimpleHeaderConverter'])
    assert.equal(plugins.length, BOTH.length * 2 + 1)
  })

  test('aliases are the simple class names; versions are set', () => {
    for (const p of plugins) {
      assert.deepEqual(p.aliases, [p.className.slice(p.className.lastIndexOf('.') + 1)])
      assert.match(p.version, /^\d+\.\d+\.\d+$/)
    }
  })

  test('create gives a fresh, configurable instance with a ConfigDef', () => {
    for (const p of plugins) {
      const a = p.create()
      assert.notEqual(a, p.create())
      assert.ok(a.config() instanceof ConfigDef)
      if (p.kind === 'header_converter') (a as { configure(c: object): void }).configure({})
      else (a as { configure(c: object, k: boolean): void }).configure({}, false)
    }
  })
})

describe('LruCache', () => {
  test('evicts the least recently used entry once full', () => {
    const c = new LruCache<string, number>(2)
    c.set('a', 1)
    c.set('b', 2)
    assert.equal(c.get('a'), 1)
    c.set('c', 3)
    assert.equal(c.get('b'), undefined)
    assert.equal(c.get('a'), 1)
    assert.equal(c.size, 2)
    const none = new LruCache<string, number>(0)
    none.set('a', 1)
    assert.equal(none.get('a'), undefined)
  })
})

describe('decodeBase64 (Jackson MIME-NO-LINEFEEDS rules)', () => {
  const b = (s: string) => Buffer.from(decodeBase64(s)).toString('base64')
  test('accepts padded base64 and white space between 4-char units', () => {
    assert.equal(b('AAEC'), 'AAEC')
    assert.equal(b(' AAEC\n'), 'AAEC')
    assert.equal(b('AAEC AAEC'), 'AAECAAEC')
    assert.equal(b('AA==AA=='), 'AAA=')
    assert.equal(b(''), '')
  })
  test('rejects missing padding, white space inside a unit and other alphabets', () => {
    assert.throws(() => decodeBase64('AAE'), /expects padding/)
    assert.throws(() => decodeBase64('AA EC'), /Illegal white space character \(code 0x20\) as character #3/)
    assert.throws(() => decodeBase64('-_8='), /Illegal character '-'/)
    assert.throws(() => decodeBase64('A==='), /Unexpected padding character/)
    assert.throws(() => decodeBase64('AA=A'), /expected padding character '='/)
  })
  test('the result owns its memory (not a slice of a shared pool)', () => {
    const out = decodeBase64('AAEC')
    assert.equal(out.byteOffset, 0)
    assert.equal(out.buffer.byteLength, out.length)
  })
})
