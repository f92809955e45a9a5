import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { JsonNumber, JsonReader, JsonSyntaxError, quoteJsonString } from '../src/json/json-text.js'

const read = (s: string) => new JsonReader(s).readRoot()

describe('JsonReader', () => {
  test('keeps integers exact and number text of decimals', () => {
    assert.equal(read('42'), 42)
    assert.equal(read('-0'), 0)
    assert.ok(Object.is(read('-0'), 0))
    assert.deepEqual(read('9223372036854775807'), new JsonNumber('9223372036854775807', true))
    assert.deepEqual(read('1.50'), new JsonNumber('1.50', false))
    assert.deepEqual(read('1e3'), new JsonNumber('1e3', false))
    assert.equal(read('007'), 7)
  })

  test('objects keep key order; the last duplicate wins in the first position', () => {
    const o = read('{"b":1,"a":2,"b":3}') as Map<string, unknown>
    assert.deepEqual(
      [...o],
      [
        ['b', 3],
        ['a', 2],
      ],
    )
  })

  test('strings: escapes, surrogates, fast path', () => {
    assert.equal(read('"plain"'), 'plain')
    assert.equal(read('"a\\u0041\\/\\"\\\\\\b\\f\\n\\r\\t\\uD83D\\uDE00"'), 'aA/"\\\b\f\n\r\t😀')
    assert.equal(read('"\\ud800"'), '\ud800')
  })

  test('ignores content after the first value, but a root number needs white space after it', () => {
    assert.deepEqual(read('[1] x'), [1])
    assert.equal(read('1 x'), 1)
    assert.throws(() => read('1x'), /Expected space separating root-level values/)
    assert.equal(read(''), undefined)
    assert.equal(read(' \n'), undefined)
  })

  test('rejects what Jackson rejects, naming line and column', () => {
    for (const bad of [
      '[1,]',
      '{"a":1,}',
      '{a:1}',
      "'x'",
      '.5',
      '+1',
      '1.',
      '1e',
      '-',
      'tru',
      'truex',
      'NaN',
      '"\u0001"',
      '"\\x"',
      '"\\u12G4"',
      '"open',
      '[1',
      '/*c*/1',
    ]) {
      assert.throws(() => read(bad), JsonSyntaxError, bad)
    }
    assert.throws(() => read('[\n  1,\n  x]'), /line 3, column 3/)
  })

  test('limits nesting depth to 1000 and numbers to 1000 characters', () => {
    assert.doesNotThrow(() => read(`${'['.repeat(1000)}${']'.repeat(1000)}`))
    assert.throws(
      () => read(`${'['.repeat(1001)}${']'.repeat(1001)}`),
      /nesting depth \(1001\) exceeds the maximum allowed \(1000\)/,
    )
    assert.throws(() => read('1'.repeat(1001)), /Number value length \(1001\)/)
  })

  test('skipValue finds the end of a value without building it', () => {
    const r = new JsonReader('{"a":[1,"]}"],"b":{}} , 5')
    assert.equal(r.skipValue(), 0)
    assert.equal(r.text.slice(0, r.pos), '{"a":[1,"]}"],"b":{}}')
    assert.throws(() => new JsonReader('{"a":[1').skipValue(), /expected close marker/)
  })
})

describe('quoteJsonString', () => {
  test('escapes like Jackson: short forms, upper-case \\u00XX, every surrogate', () => {
    assert.equal(quoteJsonString('plain'), '"plain"')
    assert.equal(quoteJsonString('"\\/\b\t\n\f\r'), '"\\"\\\\/\\b\\t\\n\\f\\r"')
    assert.equal(quoteJsonString('\u0000\u001f\u007f'), '"\\u0000\\u001F\u007f"')
    assert.equal(quoteJsonString('é😀'), '"é\\uD83D\\uDE00"')
    assert.equal(quoteJsonString('\udc00'), '"\\uDC00"')
  })
})
