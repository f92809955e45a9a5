import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  ConfigError,
  type ConnectError,
  DataError,
  Decimal,
  DecimalLogical,
  type Schema,
  SchemaBuilder,
  Schemas,
  Struct,
  TimestampLogical,
} from '@sluice/api'
import { JsonConverter } from '../src/index.js'

const utf8 = (b: Uint8Array | null): string => (b === null ? '<null>' : Buffer.from(b).toString('utf8'))
const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'))

function converter(config: Record<string, unknown> = {}, isKey = false): JsonConverter {
  const c = new JsonConverter()
  c.configure(config, isKey)
  return c
}

function thrown(f: () => unknown): Error {
  try {
    f()
  } catch (err) {
    return err as Error
  }
  assert.fail('expected an error')
}

const order = SchemaBuilder.struct()
  .name('com.example.Order')
  .field('id', Schemas.INT64)
  .field(
    'customer',
    SchemaBuilder.struct()
      .name('Customer')
      .field('name', Schemas.STRING)
      .field('zip', Schemas.OPTIONAL_STRING)
      .build(),
  )
  .field(
    'lines',
    SchemaBuilder.array(
      SchemaBuilder.struct().field('sku', Schemas.STRING).field('qty', Schemas.INT32).build(),
    ).build(),
  )
  .build()

function orderValue(): Struct {
  const customer = new Struct(order.field('customer')!.schema).put('name', 'Ada')
  const line = new Struct(order.field('lines')!.schema.valueSchema).put('sku', 'X1').put('qty', 2)
  return new Struct(order).put('id', 9007199254740993n).put('customer', customer).put('lines', [line])
}

describe('JsonConverter config', () => {
  test('declares Kafka keys with their defaults, groups and docs', () => {
    const def = new JsonConverter().config()
    assert.deepEqual(def.names(), [
      'converter.type',
      'schemas.enable',
      'schemas.cache.size',
      'decimal.format',
      'replace.null.with.default',
    ])
    assert.deepEqual(def.defaultValues(), {
      'schemas.enable': true,
      'schemas.cache.size': 1000,
      'decimal.format': 'BASE64',
      'replace.null.with.default': true,
    })
    assert.equal(def.configKey('converter.type')?.hasDefault, false)
    assert.equal(def.configKey('schemas.enable')?.group, 'Schemas')
    assert.equal(def.configKey('decimal.format')?.group, 'Serialization')
    assert.equal(def.configKey('schemas.enable')?.displayName, 'Enable Schemas')
  })

  test('rejects bad values with Kafka messages', () => {
    assert.throws(() => converter({ 'schemas.enable': 'maybe' }), ConfigError)
    assert.throws(
      () => converter({ 'decimal.format': 'HEX' }),
      /Invalid value HEX for configuration decimal\.format: String must be one of \(case insensitive\): BASE64, NUMERIC/,
    )
    assert.throws(() => converter({ 'schemas.cache.size': 'abc' }), /Not a number of type INT/)
    assert.throws(() => converter({ 'schemas.cache.size': -1 }), /schemas\.cache\.size/)
    const c = new JsonConverter()
    assert.throws(() => c.configure({ 'converter.type': 'body' }), /converter\.type/)
  })

  test('accepts string values as read from properties files', () => {
    const c = converter({
      'schemas.enable': 'false',
      'decimal.format': 'numeric',
      'replace.null.with.default': 'FALSE',
    })
    assert.equal(
      utf8(c.fromConnectData('t', undefined, DecimalLogical.schema(2), Decimal.fromString('1.50'))),
      '1.50',
    )
  })

  test('converter.type decides the error stage: key, value, header', () => {
    const value = thrown(() => converter({}, false).fromConnectData('t', undefined, Schemas.INT32, 'x'))
    const key = thrown(() => converter({}, true).fromConnectData('t', undefined, Schemas.INT32, 'x'))
    const headerConverter = new JsonConverter()
    headerConverter.configure({})
    const header = thrown(() => headerConverter.fromConnectHeader('t', 'h1', Schemas.INT32, 'x'))
    assert.equal((value as ConnectError).stage, 'convert.value')
    assert.equal((key as ConnectError).stage, 'convert.key')
    assert.equal((header as ConnectError).stage, 'convert.header')
    assert.match(key.message, /the key of topic "t"/)
    assert.match(header.message, /header "h1" of topic "t"/)
    const explicit = new JsonConverter()
    explicit.configure({ 'converter.type': 'key' })
    assert.equal(
      (thrown(() => explicit.fromConnectData('t', undefined, Schemas.INT32, 'x')) as ConnectError).stage,
      'convert.key',
    )
  })
})

describe('JsonConverter with schemas', () => {
  test('writes the envelope with Kafka schema JSON and round-trips nested structs and big INT64', () => {
    const c = converter()
    const out = c.fromConnectData('orders', undefined, order, orderValue())
    assert.equal(
      utf8(out),
      '{"schema":{"type":"struct","fields":[{"type":"int64","optional":false,"field":"id"},' +
        '{"type":"struct","fields":[{"type":"string","optional":false,"field":"name"},{"type":"string","optional":true,"field":"zip"}],"optional":false,"name":"Customer","field":"customer"},' +
        '{"type":"array","items":{"type":"struct","fields":[{"type":"string","optional":false,"field":"sku"},{"type":"int32","optional":false,"field":"qty"}],"optional":false},"optional":false,"field":"lines"}],' +
        '"optional":false,"name":"com.example.Order"},' +
        '"payload":{"id":9007199254740993,"customer":{"name":"Ada","zip":null},"lines":[{"sku":"X1","qty":2}]}}',
    )
    const back = c.toConnectData('orders', undefined, out)
    assert.ok((back.value as Struct).equals(orderValue()))
    assert.equal((back.value as Struct).get('id'), 9007199254740993n)
  })

  test('reuses the parsed schema instance for the same schema text, also when not canonical', () => {
    const c = converter()
    const a = c.toConnectData('t', undefined, bytes('{"schema":{"type":"int32"},"payload":1}'))
    const b = c.toConnectData('t', undefined, bytes('{"schema":{"type":"int32"},"payload":2}'))
    const spaced = c.toConnectData('t', undefined, bytes('{ "payload": 3, "schema": {"type":"int32"} }'))
    assert.equal(a.schema, b.schema)
    assert.equal(spaced.value, 3)
    // Alternating schemas (several topics on one task) keep hitting the cache.
    const s1 = c.toConnectData('t', undefined, bytes('{"schema":{"type":"string"},"payload":"x"}')).schema
    const s2 = c.toConnectData('t', undefined, bytes('{"schema":{"type":"int32"},"payload":5}')).schema
    assert.equal(
      c.toConnectData('t', undefined, bytes('{"schema":{"type":"string"},"payload":"y"}')).schema,
      s1,
    )
    assert.equal(s2, a.schema)
  })

  test('schemas.cache.size=0 caches nothing', () => {
    const c = converter({ 'schemas.cache.size': 0 })
    const a = c.toConnectData('t', undefined, bytes('{"schema":{"type":"int32"},"payload":1}'))
    const b = c.toConnectData('t', undefined, bytes('{"schema":{"type":"int32"},"payload":1}'))
    assert.notEqual(a.schema, b.schema)
    assert.equal(c.schemaJson(Schemas.INT32), '{"type":"int32","optional":false}')
  })

  test('the canonical fast path still sees duplicate members after the payload', () => {
    const c = converter()
    c.toConnectData('t', undefined, bytes('{"schema":{"type":"int32","optional":false},"payload":1}'))
    const dup = c.toConnectData(
      't',
      undefined,
      bytes('{"schema":{"type":"int32","optional":false},"payload":1,"payload":2}'),
    )
    assert.equal(dup.value, 2)
    assert.throws(
      () =>
        c.toConnectData(
          't',
          undefined,
          bytes('{"schema":{"type":"int32","optional":false},"payload":1,"x":0}'),
        ),
      /requires "schema" and "payload" fields/,
    )
  })

  test('tombstones: null schema and value give null bytes; null bytes give null', () => {
    const c = converter()
    assert.equal(c.fromConnectData('t', undefined, null, null), null)
    assert.deepEqual(c.toConnectData('t', undefined, null), { schema: null, value: null })
    assert.equal(
      utf8(c.fromConnectData('t', undefined, Schemas.OPTIONAL_STRING, null)),
      '{"schema":{"type":"string","optional":true},"payload":null}',
    )
  })

  test('decimal.format BASE64 and NUMERIC', () => {
    const schema = DecimalLogical.schema(2)
    const v = Decimal.fromString('-1.28')
    assert.match(utf8(converter().fromConnectData('t', undefined, schema, v)), /"payload":"gA=="\}$/)
    const numeric = converter({ 'decimal.format': 'NUMERIC' })
    const out = numeric.fromConnectData('t', undefined, schema, v)
    assert.match(utf8(out), /"payload":-1\.28\}$/)
    assert.ok((numeric.toConnectData('t', undefined, out).value as Decimal).equals(v))
    // Both representations are read whatever the config.
    assert.ok((converter().toConnectData('t', undefined, out).value as Decimal).equals(v))
  })

  test('replace.null.with.default', () => {
    const schema = SchemaBuilder.struct()
      .field('n', SchemaBuilder.int32().optional().defaultValue(7).build())
      .build()
    const empty = new Struct(schema)
    assert.match(utf8(converter().fromConnectData('t', undefined, schema, empty)), /"payload":\{"n":7\}/)
    assert.match(
      utf8(converter({ 'replace.null.with.default': false }).fromConnectData('t', undefined, schema, empty)),
      /"payload":\{"n":null\}/,
    )
    const json = bytes(
      '{"schema":{"type":"struct","fields":[{"type":"int32","optional":true,"default":7,"field":"n"}]},"payload":{"n":null}}',
    )
    assert.equal((converter().toConnectData('t', undefined, json).value as Struct).getWithoutDefault('n'), 7)
    assert.equal(
      (
        converter({ 'replace.null.with.default': false }).toConnectData('t', undefined, json).value as Struct
      ).getWithoutDefault('n'),
      null,
    )
  })

  test('maps: string keys as objects (Map or plain object), other keys as pairs', () => {
    const c = converter({ 'schemas.enable': false })
    const strings = SchemaBuilder.map(Schemas.STRING, Schemas.INT32).build()
    assert.equal(utf8(c.fromConnectData('t', undefined, strings, { b: 1, a: 2 })), '{"b":1,"a":2}')
    assert.equal(utf8(c.fromConnectData('t', undefined, strings, new Map([['x', 1]]))), '{"x":1}')
    const ints = SchemaBuilder.map(Schemas.INT32, Schemas.STRING).build()
    assert.equal(utf8(c.fromConnectData('t', undefined, ints, new Map([[1, 'a']]))), '[[1,"a"]]')
    assert.throws(() => c.fromConnectData('t', undefined, ints, { 1: 'a' }), /Invalid type for MAP: object/)
  })

  test('logical types as ints', () => {
    const c = converter({ 'schemas.enable': false })
    assert.equal(
      utf8(c.fromConnectData('t', undefined, TimestampLogical.SCHEMA, new Date(1705312496789))),
      '1705312496789',
    )
    const back = converter().toConnectData(
      't',
      undefined,
      bytes('{"schema":{"type":"int32","name":"org.apache.kafka.connect.data.Date"},"payload":19737}'),
    )
    assert.deepEqual(back.value, new Date('2024-01-15T00:00:00Z'))
  })

  test('Java number formats: doubles, floats, NaN as strings', () => {
    const c = converter({ 'schemas.enable': false })
    const w = (s: Schema, v: unknown) => utf8(c.fromConnectData('t', undefined, s, v))
    assert.equal(w(Schemas.FLOAT64, 1), '1.0')
    assert.equal(w(Schemas.FLOAT64, 1e10), '1.0E10')
    assert.equal(w(Schemas.FLOAT64, -0), '-0.0')
    assert.equal(w(Schemas.FLOAT64, Number.NaN), '"NaN"')
    assert.equal(w(Schemas.FLOAT32, 0.1), '0.1')
    assert.equal(w(Schemas.FLOAT32, Number.NEGATIVE_INFINITY), '"-Infinity"')
    // Without a schema "NaN" is just a string; with a float schema it is NaN (Java reads 0.0 there).
    assert.equal(c.toConnectData('t', undefined, bytes('"NaN"')).value, 'NaN')
    assert.ok(
      Number.isNaN(
        converter().toConnectData('t', undefined, bytes('{"schema":{"type":"double"},"payload":"NaN"}'))
          .value as number,
      ),
    )
  })
})

describe('JsonConverter without schemas', () => {
  test('infers Java types: integers are longs (bigint beyond 2^53), other numbers doubles, objects maps', () => {
    const c = converter({ 'schemas.enable': false })
    const v = c.toConnectData(
      't',
      undefined,
      bytes('{"a":1,"b":12345678901234567,"c":1.5,"d":[true,null,"x"],"e":{"f":{}},"__proto__":1}'),
    )
    assert.equal(v.schema, null)
    const o = v.value as Record<string, unknown>
    assert.equal(o.a, 1)
    assert.equal(o.b, 12345678901234567n)
    assert.equal(o.c, 1.5)
    assert.deepEqual(o.d, [true, null, 'x'])
    assert.deepEqual(o.e, { f: {} })
    assert.ok(Object.hasOwn(o, '__proto__'))
    assert.equal(Object.getPrototypeOf(o), Object.prototype)
  })

  test('writes JS values: safe integers as longs, other numbers as doubles, bytes as base64', () => {
    const c = converter({ 'schemas.enable': false })
    const out = c.fromConnectData('t', undefined, null, {
      n: 1,
      big: 2n ** 62n,
      d: 1.5,
      z: -0,
      b: Uint8Array.of(1, 2),
      m: new Map([[1, 'a']]),
    })
    assert.equal(utf8(out), '{"n":1,"big":4611686018427387904,"d":1.5,"z":-0.0,"b":"AQI=","m":[[1,"a"]]}')
  })

  test('logical values and structs need a schema', () => {
    const c = converter({ 'schemas.enable': false })
    assert.throws(
      () => c.fromConnectData('t', undefined, null, new Date(0)),
      /Date does not have corresponding schema type/,
    )
    assert.throws(() => c.fromConnectData('t', undefined, null, new Struct(order)), /Mismatching schema/)
  })
})

describe('JsonConverter errors name the topic, the problem and where', () => {
  test('invalid JSON', () => {
    const err = thrown(() =>
      converter().toConnectData('orders', undefined, bytes('{"schema":null,\n"payload":[1,}')),
    )
    assert.ok(err instanceof DataError)
    assert.match(
      err.message,
      /^Converting byte\[\] to Kafka Connect data failed for the value of topic "orders": invalid JSON: /,
    )
    assert.match(err.message, /line 2, column 14/)
    assert.match(
      thrown(() => converter().toConnectData('t', undefined, Uint8Array.of(0x22, 0xff))).message,
      /Invalid UTF-8/,
    )
  })

  test('missing envelope', () => {
    assert.match(
      thrown(() => converter().toConnectData('t', undefined, bytes('{"a":1}'))).message,
      /JsonConverter with schemas\.enable requires "schema" and "payload" fields and may not contain additional fields\. If you are trying to deserialize plain JSON data, set schemas\.enable=false/,
    )
  })

  test('bad schema JSON, with the path inside the schema', () => {
    const err = thrown(() =>
      converter().toConnectData(
        't',
        undefined,
        bytes('{"schema":{"type":"struct","fields":[{"type":"int128","field":"a"}]},"payload":{}}'),
      ),
    )
    assert.match(err.message, /Unknown schema type: int128 \(at schema\.fields\.a\)/)
  })

  test('payload that does not match its schema, with the field path', () => {
    const json = bytes(
      '{"schema":{"type":"struct","fields":[{"type":"array","items":{"type":"struct","fields":[{"type":"int32","field":"qty"}]},"field":"lines"}]},' +
        '"payload":{"lines":[{"qty":1},{"qty":"two"}]}}',
    )
    const err = thrown(() => converter().toConnectData('orders', undefined, json))
    assert.match(
      err.message,
      /Invalid type for INT32: expected a JSON number but found STRING \(at lines\[1\]\.qty\)/,
    )
    assert.match(
      thrown(() =>
        converter().toConnectData('t', undefined, bytes('{"schema":{"type":"int8"},"payload":300}')),
      ).message,
      /out of range/,
    )
    assert.match(
      thrown(() =>
        converter().toConnectData('t', undefined, bytes('{"schema":{"type":"int32"},"payload":null}')),
      ).message,
      /Invalid null value for required INT32 field/,
    )
  })

  test('huge exponents fail fast instead of computing 10^999999999', () => {
    const started = performance.now()
    for (const n of ['1e999999999', '-1.5e999999999', '1e-999999999']) {
      assert.throws(
        () => converter().toConnectData('t', undefined, bytes(`{"schema":{"type":"int64"},"payload":${n}}`)),
        /INT64/,
      )
    }
    assert.ok(performance.now() - started < 1000)
  })

  test('Connect data that does not match its schema', () => {
    const v = orderValue()
    ;(v.get('customer') as Struct).put('name', 'x')
    const bad = new Struct(order).put('id', 1).put('customer', v.get('customer')).put('lines', [])
    assert.equal(
      utf8(converter({ 'schemas.enable': false }).fromConnectData('t', undefined, order, bad)).length > 0,
      true,
    )
    const missing = new Struct(order).put('id', 1).put('lines', [])
    assert.match(
      thrown(() => converter().fromConnectData('orders', undefined, order, missing)).message,
      /Converting Kafka Connect data to byte\[\] failed for the value of topic "orders": Conversion error: null value for field that is required and has no default value \(at customer\)/,
    )
    assert.match(
      thrown(() => converter().fromConnectData('t', undefined, Schemas.INT8, 200)).message,
      /INT8: 200 is not an integer in \[-128, 127\]/,
    )
    assert.match(
      thrown(() => converter().fromConnectData('t', undefined, Schemas.INT64, 1.5)).message,
      /INT64: 1\.5/,
    )
    assert.match(
      thrown(() =>
        converter().fromConnectData('t', undefined, DecimalLogical.schema(2), Decimal.fromString('1.5')),
      ).message,
      /mismatching scale/,
    )
  })
})
