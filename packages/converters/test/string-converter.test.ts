import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type ConnectError, Decimal, DecimalLogical, SchemaBuilder, Schemas, Struct } from '@sluice/api'
import { StringConverter } from '../src/index.js'

function converter(config: Record<string, unknown> = {}, isKey = false): StringConverter {
  const c = new StringConverter()
  c.configure(config, isKey)
  return c
}

const hex = (b: Uint8Array | null): string => (b === null ? '<null>' : Buffer.from(b).toString('hex'))
const utf8 = (b: Uint8Array | null): string => (b === null ? '<null>' : Buffer.from(b).toString('utf8'))

describe('StringConverter', () => {
  test('config: converter.type and converter.encoding (UTF-8)', () => {
    const def = new StringConverter().config()
    assert.deepEqual(def.names(), ['converter.type', 'converter.encoding'])
    assert.equal(def.configKey('converter.encoding')?.defaultValue, 'UTF-8')
    assert.equal(def.configKey('converter.encoding')?.importance, 'HIGH')
  })

  test("writes the value's Java toString", () => {
    const c = converter()
    assert.equal(utf8(c.fromConnectData('t', undefined, Schemas.STRING, 'héllo')), 'héllo')
    assert.equal(utf8(c.fromConnectData('t', undefined, Schemas.INT32, 42)), '42')
    assert.equal(utf8(c.fromConnectData('t', undefined, Schemas.FLOAT64, 1)), '1.0')
    assert.equal(utf8(c.fromConnectData('t', undefined, Schemas.FLOAT32, 0.1)), '0.1')
    assert.equal(utf8(c.fromConnectData('t', undefined, null, 2n ** 63n - 1n)), '9223372036854775807')
    assert.equal(
      utf8(c.fromConnectData('t', undefined, DecimalLogical.schema(7), new Decimal(1n, 7))),
      '1E-7',
    )
    assert.equal(utf8(c.fromConnectData('t', undefined, null, [1, 'a'])), '[1, a]')
    assert.equal(utf8(c.fromConnectData('t', undefined, null, new Map([['a', 1]]))), '{a=1}')
    assert.equal(utf8(c.fromConnectData('t', undefined, null, new Date(0))), 'Thu Jan 01 00:00:00 UTC 1970')
    const schema = SchemaBuilder.struct()
      .field('a', Schemas.INT32)
      .field('b', Schemas.OPTIONAL_STRING)
      .build()
    assert.equal(
      utf8(c.fromConnectData('t', undefined, schema, new Struct(schema).put('a', 1))),
      'Struct{a=1}',
    )
    assert.equal(c.fromConnectData('t', undefined, Schemas.OPTIONAL_STRING, null), null)
  })

  test('bytes are refused (Java would write an identity hash)', () => {
    const err = (() => {
      try {
        converter().fromConnectData('orders', undefined, Schemas.BYTES, Uint8Array.of(1))
      } catch (e) {
        return e as ConnectError
      }
      return undefined
    })()
    assert.match(err?.message ?? '', /use ByteArrayConverter/)
    assert.match(err?.message ?? '', /topic "orders"/)
    assert.equal(err?.stage, 'convert.value')
  })

  test('reads an optional string', () => {
    const c = converter()
    assert.deepEqual(c.toConnectData('t', undefined, Uint8Array.of(0x61, 0xc3, 0xa9)), {
      schema: Schemas.OPTIONAL_STRING,
      value: 'aé',
    })
    assert.deepEqual(c.toConnectData('t', undefined, null), { schema: Schemas.OPTIONAL_STRING, value: null })
    // Java keeps a byte-order mark and replaces malformed input.
    assert.equal(
      c.toConnectData('t', undefined, Uint8Array.of(0xef, 0xbb, 0xbf, 0x61, 0xff)).value,
      '\ufeffa\ufffd',
    )
  })

  test('encodings with Java names and aliases; unmappable characters become ?', () => {
    assert.equal(
      hex(converter({ 'converter.encoding': 'UTF-16' }).fromConnectData('t', undefined, null, 'aé')),
      'feff006100e9',
    )
    assert.equal(
      hex(converter({ 'converter.encoding': 'utf-16le' }).fromConnectData('t', undefined, null, 'a')),
      '6100',
    )
    assert.equal(
      hex(converter({ 'converter.encoding': 'ISO-8859-1' }).fromConnectData('t', undefined, null, 'é中😀')),
      'e93f3f',
    )
    assert.equal(
      hex(converter({ 'converter.encoding': 'latin1' }).fromConnectData('t', undefined, null, 'é')),
      'e9',
    )
    assert.equal(
      hex(converter({ 'converter.encoding': 'US-ASCII' }).fromConnectData('t', undefined, null, 'aé')),
      '613f',
    )
    assert.equal(hex(converter().fromConnectData('t', undefined, null, 'a\ud800')), '613f')
    assert.equal(
      converter({ 'converter.encoding': 'UTF-16' }).toConnectData(
        't',
        undefined,
        Uint8Array.of(0xff, 0xfe, 0x61, 0),
      ).value,
      'a',
    )
    assert.equal(
      converter({ 'converter.encoding': 'US-ASCII' }).toConnectData('t', undefined, Uint8Array.of(0x61, 0xe9))
        .value,
      'a\ufffd',
    )
  })

  test('serializer/deserializer encoding overrides like Kafka string serializers', () => {
    const c = converter({ 'value.serializer.encoding': 'UTF-16BE', 'deserializer.encoding': 'ISO-8859-1' })
    assert.equal(hex(c.fromConnectData('t', undefined, null, 'a')), '0061')
    assert.equal(c.toConnectData('t', undefined, Uint8Array.of(0xe9)).value, 'é')
    const key = converter({ 'value.serializer.encoding': 'UTF-16BE' }, true)
    assert.equal(hex(key.fromConnectData('t', undefined, null, 'a')), '61')
  })

  test('unsupported encodings fail at configure', () => {
    assert.throws(
      () => converter({ 'converter.encoding': 'EBCDIC' }),
      /Invalid value EBCDIC for configuration converter\.encoding: unsupported encoding/,
    )
  })

  test('is also a header converter', () => {
    const c = new StringConverter()
    c.configure({})
    assert.equal(Buffer.from(c.fromConnectHeader('t', 'h', null, 5) ?? []).toString(), '5')
    assert.deepEqual(c.toConnectHeader('t', 'h', Uint8Array.of(0x78)), {
      schema: Schemas.OPTIONAL_STRING,
      value: 'x',
    })
  })
})
