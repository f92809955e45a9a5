import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type ConnectError, DataError, Schemas } from '@sluice/api'
import {
  BooleanConverter,
  ByteArrayConverter,
  DoubleConverter,
  FloatConverter,
  IntegerConverter,
  LongConverter,
  ShortConverter,
} from '../src/index.js'

const hex = (b: Uint8Array | null): string => (b === null ? '<null>' : Buffer.from(b).toString('hex'))
const fromHex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'))

describe('ByteArrayConverter', () => {
  const c = new ByteArrayConverter()
  c.configure({}, false)

  test('passes bytes through and reads optional bytes', () => {
    const b = Uint8Array.of(0, 1, 255)
    assert.equal(c.fromConnectData('t', undefined, Schemas.BYTES, b), b)
    assert.equal(c.fromConnectData('t', undefined, null, null), null)
    assert.deepEqual(c.toConnectData('t', undefined, b), { schema: Schemas.OPTIONAL_BYTES, value: b })
    assert.deepEqual(c.toConnectData('t', undefined, null), { schema: Schemas.OPTIONAL_BYTES, value: null })
  })

  test('rejects other schemas and values with Kafka messages and the topic', () => {
    assert.throws(
      () => c.fromConnectData('t', undefined, Schemas.STRING, 'x'),
      /Invalid schema type for ByteArrayConverter: STRING \(the value of topic "t"\)/,
    )
    assert.throws(
      () => c.fromConnectData('t', undefined, null, 'x'),
      /ByteArrayConverter is not compatible with objects of type string/,
    )
  })

  test('config is converter.type only; configure ignores its input like Kafka', () => {
    assert.deepEqual(c.config().names(), ['converter.type'])
    assert.doesNotThrow(() => new ByteArrayConverter().configure({ 'converter.type': 'nonsense' }))
  })
})

describe('numeric converters (Kafka serializer layouts)', () => {
  const cases = [
    {
      c: new ShortConverter(),
      schema: Schemas.OPTIONAL_INT16,
      value: -2,
      bytes: 'fffe',
      name: 'short',
      size: 2,
    },
    {
      c: new IntegerConverter(),
      schema: Schemas.OPTIONAL_INT32,
      value: 0x01020304,
      bytes: '01020304',
      name: 'integer',
      size: 4,
    },
    {
      c: new LongConverter(),
      schema: Schemas.OPTIONAL_INT64,
      value: -(2n ** 63n),
      bytes: '8000000000000000',
      name: 'long',
      size: 8,
    },
    {
      c: new LongConverter(),
      schema: Schemas.OPTIONAL_INT64,
      value: 1,
      bytes: '0000000000000001',
      name: 'long',
      size: 8,
    },
    {
      c: new FloatConverter(),
      schema: Schemas.OPTIONAL_FLOAT32,
      value: 1.5,
      bytes: '3fc00000',
      name: 'float',
      size: 4,
    },
    {
      c: new DoubleConverter(),
      schema: Schemas.OPTIONAL_FLOAT64,
      value: -0.5,
      bytes: 'bfe0000000000000',
      name: 'double',
      size: 8,
    },
  ]
  for (const { c, schema, value, bytes, name, size } of cases) {
    test(`${c.constructor.name} ${String(value)}`, () => {
      c.configure({}, false)
      assert.deepEqual(c.config().names(), ['converter.type'])
      assert.equal(hex(c.fromConnectData('t', undefined, null, value)), bytes)
      assert.deepEqual(c.toConnectData('t', undefined, fromHex(bytes)), { schema, value })
      assert.equal(c.fromConnectData('t', undefined, schema, null), null)
      assert.deepEqual(c.toConnectData('t', undefined, null), { schema, value: null })
      assert.throws(
        () => c.toConnectData('t', undefined, new Uint8Array(size + 1)),
        new RegExp(`Failed to deserialize ${name}: Size of data received by .*Deserializer is not ${size}`),
      )
      assert.throws(
        () => c.fromConnectData('t', undefined, null, 'x'),
        new RegExp(`Failed to serialize to ${name} \\(was string x\\)`),
      )
      assert.equal(hex(c.fromConnectHeader('t', 'h', null, value)), bytes)
    })
  }

  test('values out of the type range fail; LongConverter reads bigint beyond 2^53', () => {
    const s = new ShortConverter()
    s.configure({}, true)
    const err = (() => {
      try {
        s.fromConnectData('t', undefined, null, 40000)
      } catch (e) {
        return e as ConnectError
      }
      return undefined
    })()
    assert.ok(err instanceof DataError)
    assert.equal(err.stage, 'convert.key')
    assert.throws(() => new IntegerConverter().fromConnectData('t', undefined, null, 1.5), /integer/)
    const l = new LongConverter()
    assert.equal(l.toConnectData('t', undefined, fromHex('0020000000000001')).value, 2n ** 53n + 1n)
    assert.throws(() => l.fromConnectData('t', undefined, null, 2n ** 63n), /long/)
  })

  test('BooleanConverter: one byte, schema must be BOOLEAN', () => {
    const b = new BooleanConverter()
    b.configure({}, false)
    assert.equal(hex(b.fromConnectData('t', undefined, Schemas.BOOLEAN, true)), '01')
    assert.equal(hex(b.fromConnectData('t', undefined, null, false)), '00')
    assert.deepEqual(b.toConnectData('t', undefined, Uint8Array.of(1)), {
      schema: Schemas.OPTIONAL_BOOLEAN,
      value: true,
    })
    assert.throws(
      () => b.fromConnectData('t', undefined, Schemas.INT32, true),
      /Invalid schema type for BooleanConverter: INT32/,
    )
    assert.throws(
      () => b.fromConnectData('t', undefined, null, 1),
      /not compatible with objects of type number/,
    )
    assert.throws(
      () => b.toConnectData('t', undefined, Uint8Array.of(0xff)),
      /Unexpected byte received by BooleanDeserializer: -1/,
    )
    assert.throws(() => b.toConnectData('t', undefined, Uint8Array.of(1, 0)), /is not 1/)
  })

  test('converter.type is validated', () => {
    assert.throws(() => new ShortConverter().configure({ 'converter.type': 'body' }), /converter\.type/)
  })
})
