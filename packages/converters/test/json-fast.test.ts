import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { JsonConverter } from '../src/index.js'
import { readJson } from '../src/json/json-data.js'
import { NEEDS_READER, readSchemalessFast } from '../src/json/json-fast.js'
import { decodeUtf8, JsonReader } from '../src/json/json-text.js'

// The JSON.parse fast path of schemaless JsonConverter must give exactly what the Jackson-like reader
// gives: the same value (down to -0 and bigint) or the same error, for every input.

const OPTS = { decimalNumeric: false, replaceNullWithDefault: true }

type Outcome = { ok: true; value: unknown } | { ok: false; error: string }

function outcome(f: () => unknown): Outcome {
  try {
    return { ok: true, value: f() }
  } catch (err) {
    return { ok: false, error: (err as Error).message }
  }
}

/** Deep equality that tells -0 from 0 and keeps key order (assert.deepStrictEqual ignores the order). */
function same(a: unknown, b: unknown): boolean {
  if (typeof a !== typeof b) return false
  if (typeof a === 'number') return Object.is(a, b)
  if (a === null || b === null || typeof a !== 'object') return a === b
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false
  const ka = Object.keys(a)
  const kb = Object.keys(b as object)
  if (ka.join('\u0000') !== kb.join('\u0000')) return false
  return ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
}

const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`

const CORPUS: ReadonlyArray<string> = [
  '{"id":1,"name":"customer-1","score":0.125,"active":true,"pad":"xxxx"}',
  '{"a":[1,2.5,null,true,false,"s"],"b":{"c":{"d":[]}},"e":{}}',
  '"text"',
  '123',
  '123 ',
  ' 4.5\n',
  'true',
  'null',
  '-0',
  '-0.0',
  '[-0]',
  '{"z":-0.0}',
  '-1e-400',
  '1e-400',
  '1e400',
  '-1e400',
  '1.0',
  '1e5',
  '2E+3',
  '9007199254740991',
  '9007199254740992',
  '-9007199254740993',
  '12345678901234567890',
  '123456789012345.5',
  '1e20',
  '0.1e1',
  '{"big":123456789012345678901234567890}',
  '01',
  '{"a":01}',
  '{} trailing',
  '[1] [2]',
  '123abc',
  '',
  '   ',
  '\uFEFF{"bom":true}',
  '{"a":1,"a":2,"b":3}',
  '{"b":1,"a":2,"b":3}',
  '{"__proto__":{"x":1},"y":2}',
  '{"2":"two","1":"one","b":"bee"}',
  '{"esc":"quote\\" backslash\\\\ slash\\/ \\b\\f\\n\\r\\t \\u00e9 \\ud83d\\ude00 \\ud800"}',
  '{"raw":"caf\u00e9 \u2028 \u{1F600}"}',
  '{"ctl":"a\u0001b"}',
  '{"bad":"\\x"}',
  '{"unterminated":',
  '[1,]',
  '{"a":1,}',
  "{'single':1}",
  'NaN',
  '"NaN"',
  nested(400),
  nested(600),
  nested(1000),
  nested(1001),
  `{"long":"${'9'.repeat(20)}"}`,
  `{"n":${'1'.repeat(1001)}}`,
  `{"n":0.${'1'.repeat(999)}}`,
  `{"n":0.${'1'.repeat(997)}}`,
  `{"n":1.${'2'.repeat(333)}e${'0'.repeat(332)}1${'3'.repeat(330)}}`,
  `{"n":1.${'2'.repeat(500)}e-${'0'.repeat(498)}5}`,
  `{"s":"${'7'.repeat(2000)}","n":0.5}`,
  `[${Array.from({ length: 300 }, (_, i) => i * 1234567).join(',')}]`,
]

describe('schemaless JSON fast path', () => {
  for (const text of CORPUS) {
    test(`same as the reader: ${text.length > 60 ? `${text.slice(0, 60)}… (${text.length} chars)` : text}`, () => {
      // As the converter sees it: decoded from UTF-8 (which drops a byte-order mark).
      const decoded = decodeUtf8(Buffer.from(text, 'utf8'))
      const viaReader = outcome(() => readJson(OPTS, null, new JsonReader(decoded).readRoot()))
      const fast = readSchemalessFast(decoded)
      if (fast !== NEEDS_READER) {
        assert.ok(
          viaReader.ok,
          `fast path accepted what the reader refuses: ${!viaReader.ok && viaReader.error}`,
        )
        assert.ok(same(fast, viaReader.value), `fast ${String(fast)} vs reader ${String(viaReader.value)}`)
      }
      // The converter's result (fast path or not) is the reader's, errors included.
      const c = new JsonConverter()
      c.configure({ 'schemas.enable': 'false' }, false)
      const viaConverter = outcome(() => c.toConnectData('t', undefined, Buffer.from(text, 'utf8')).value)
      assert.equal(viaConverter.ok, viaReader.ok)
      if (viaConverter.ok && viaReader.ok) assert.ok(same(viaConverter.value, viaReader.value))
      else if (!viaConverter.ok && !viaReader.ok) assert.match(viaConverter.error, /./)
    })
  }

  test('takes the fast path for plain records and leaves it for the reader-only cases', () => {
    assert.notEqual(readSchemalessFast('{"id":1,"name":"n","score":0.5}'), NEEDS_READER)
    for (const t of ['-0', '9007199254740993', '1e20', '01', '{} x', nested(600), `[0.${'1'.repeat(1000)}]`])
      assert.equal(readSchemalessFast(t), NEEDS_READER, t)
  })

  test('invalid UTF-8 is still refused before either path', () => {
    assert.throws(() => decodeUtf8(new Uint8Array([0x7b, 0xff, 0x7d])), /Invalid UTF-8/)
  })
})
