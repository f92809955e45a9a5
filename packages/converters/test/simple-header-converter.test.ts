import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  DateLogical,
  Decimal,
  DecimalLogical,
  SchemaBuilder,
  Schemas,
  Struct,
  TimeLogical,
  TimestampLogical,
} from '@sluice/api'
import { convertToString, parseString, SimpleHeaderConverter } from '../src/index.js'

const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'))
const utf8 = (b: Uint8Array | null): string | null => (b === null ? null : Buffer.from(b).toString('utf8'))

describe('Values.convertToString', () => {
  test('primitives, with the schema deciding how numbers print', () => {
    assert.equal(convertToString(Schemas.STRING, 'a "b"'), 'a "b"')
    assert.equal(convertToString(Schemas.INT32, 42), '42')
    assert.equal(convertToString(Schemas.FLOAT64, 1), '1.0')
    assert.equal(convertToString(Schemas.FLOAT32, 0.1), '0.1')
    assert.equal(convertToString(null, 2n ** 63n - 1n), '9223372036854775807')
    assert.equal(convertToString(Schemas.BOOLEAN, false), 'false')
    assert.equal(convertToString(Schemas.BYTES, Uint8Array.of(1, 2)), 'AQI=')
    assert.equal(convertToString(null, null), null)
  })

  test('containers embed quoted strings with \\ and " escaped', () => {
    assert.equal(convertToString(null, ['a', 'b"c\\d', 1, null]), '["a","b\\"c\\\\d",1,null]')
    assert.equal(
      convertToString(
        null,
        new Map<unknown, unknown>([
          ['k', [1, 2]],
          [3, true],
        ]),
      ),
      '{"k":[1,2],3:true}',
    )
    const schema = SchemaBuilder.struct()
      .field('f', Schemas.INT32)
      .field('g', SchemaBuilder.string().optional().defaultValue('d').build())
      .build()
    assert.equal(convertToString(schema, new Struct(schema).put('f', 1)), '{"f":1,"g":"d"}')
  })

  test('logical types: decimals like BigDecimal, dates in UTC by value', () => {
    assert.equal(convertToString(DecimalLogical.schema(-2), new Decimal(1n, -2)), '1E+2')
    assert.equal(convertToString(DateLogical.SCHEMA, new Date('2024-01-15T00:00:00Z')), '2024-01-15')
    assert.equal(convertToString(TimeLogical.SCHEMA, new Date(45296789)), '12:34:56.789Z')
    assert.equal(
      convertToString(TimestampLogical.SCHEMA, new Date('2024-01-15T12:34:56.789Z')),
      '2024-01-15T12:34:56.789Z',
    )
  })
})

describe('Values.parseString', () => {
  const p = (s: string) => parseString(s)

  test('booleans, null and the narrowest integer type', () => {
    assert.deepEqual(p('true'), { schema: Schemas.BOOLEAN, value: true })
    assert.equal(p('null').value, null)
    assert.equal(p('127').schema, Schemas.INT8)
    assert.equal(p('128').schema, Schemas.INT16)
    assert.equal(p('32768').schema, Schemas.INT32)
    assert.equal(p('2147483648').schema, Schemas.INT64)
    assert.equal(p('9223372036854775807').value, 9223372036854775807n)
    assert.equal(p('1.0').schema, Schemas.INT8)
  })

  test('fractions: FLOAT32 when finite as a float, then FLOAT64, then Decimal', () => {
    assert.deepEqual(p('1.5'), { schema: Schemas.FLOAT32, value: 1.5 })
    assert.equal(p('0.1').value, Math.fround(0.1))
    assert.equal(p('1e40').schema, Schemas.FLOAT64)
    assert.equal(p('1e-50').schema, Schemas.FLOAT32)
    assert.equal(p('9223372036854775808').schema?.name, DecimalLogical.LOGICAL_NAME)
  })

  test('dates, times and timestamps (also when the colons split the text into tokens)', () => {
    assert.deepEqual(p('2024-01-15'), { schema: DateLogical.SCHEMA, value: new Date('2024-01-15T00:00:00Z') })
    assert.deepEqual(p('12:34:56.789Z'), { schema: TimeLogical.SCHEMA, value: new Date(45296789) })
    assert.deepEqual(p('2024-01-15T12:34:56.789Z'), {
      schema: TimestampLogical.SCHEMA,
      value: new Date('2024-01-15T12:34:56.789Z'),
    })
    // Lenient like SimpleDateFormat: month 13 rolls over.
    assert.deepEqual(p('2024-13-01').value, new Date('2025-01-01T00:00:00Z'))
  })

  test('arrays and maps with a common schema, widened and aligned', () => {
    const a = p('[1, 300, 70000]')
    assert.equal(a.schema?.valueSchema, Schemas.INT32)
    assert.deepEqual(a.value, [1, 300, 70000])
    const m = p('{"a":1,"b":2.5}')
    assert.equal(m.schema?.keySchema, Schemas.STRING)
    assert.equal(m.schema?.valueSchema, Schemas.FLOAT32)
    assert.deepEqual(
      m.value,
      new Map([
        ['a', 1],
        ['b', 2.5],
      ]),
    )
    assert.equal(p('["a", 1]').schema?.type, 'ARRAY')
    assert.throws(() => p('["a", 1]').schema?.valueSchema, /No value schema/)
  })

  test('anything else is the whole text as a string', () => {
    for (const s of ['abc', 'true}', '[1,', '[,]', '[1,null]', '{:}', '"quoted"', '1.5.5', ' ']) {
      assert.deepEqual(p(s), { schema: Schemas.STRING, value: s }, s)
    }
    assert.deepEqual(p(''), { schema: Schemas.STRING, value: '' })
  })
})

describe('SimpleHeaderConverter', () => {
  const c = new SimpleHeaderConverter()
  c.configure({})

  test('has no config', () => {
    assert.deepEqual(c.config().names(), [])
  })

  test('round-trips values through their string form', () => {
    assert.equal(utf8(c.fromConnectHeader('t', 'h', Schemas.INT64, 5)), '5')
    assert.deepEqual(c.toConnectHeader('t', 'h', bytes('5')), { schema: Schemas.INT8, value: 5 })
    const arr = c.fromConnectHeader('t', 'h', SchemaBuilder.array(Schemas.STRING).build(), ['x', 'y'])
    assert.equal(utf8(arr), '["x","y"]')
    assert.deepEqual(c.toConnectHeader('t', 'h', arr).value, ['x', 'y'])
  })

  test('null stays null; malformed UTF-8 is replaced like Java', () => {
    assert.equal(c.fromConnectHeader('t', 'h', null, null), null)
    assert.deepEqual(c.toConnectHeader('t', 'h', null), { schema: null, value: null })
    assert.equal(c.toConnectHeader('t', 'h', Uint8Array.of(0x61, 0xff)).value, 'a\ufffd')
  })

  test('values without a string form fail naming the header and topic', () => {
    assert.throws(
      () => c.fromConnectHeader('orders', 'trace', null, () => 1),
      /header "trace" of topic "orders"/,
    )
  })
})
