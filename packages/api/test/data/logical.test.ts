import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  bigintToTwosComplement,
  DateLogical,
  Decimal,
  DecimalLogical,
  SchemaBuilder,
  Schemas,
  Struct,
  TimeLogical,
  TimestampLogical,
  twosComplementToBigint,
  validateValue,
} from '../../src/data/index.js'

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

test('Decimal.fromString / toString round-trips plain decimals', () => {
  const cases: [string, bigint, number, string][] = [
    ['0', 0n, 0, '0'],
    ['1.50', 150n, 2, '1.50'],
    ['-12.345', -12345n, 3, '-12.345'],
    ['-0.05', -5n, 2, '-0.05'],
    ['.5', 5n, 1, '0.5'],
    ['+7', 7n, 0, '7'],
    ['1.2E+3', 12n, -2, '1200'],
    ['1.5e-3', 15n, 4, '0.0015'],
    [
      '123456789012345678901234567890.12',
      12345678901234567890123456789012n,
      2,
      '123456789012345678901234567890.12',
    ],
  ]
  for (const [text, unscaled, scale, plain] of cases) {
    const d = Decimal.fromString(text)
    assert.equal(d.unscaled, unscaled, text)
    assert.equal(d.scale, scale, text)
    assert.equal(d.toString(), plain, text)
  }
  for (const bad of ['', '-', 'abc', '1.2.3', '1e', '0x10']) {
    assert.throws(() => Decimal.fromString(bad), { name: 'DataError' }, bad)
  }
})

test('Decimal equality follows BigDecimal: equals needs the same scale, compareTo does not', () => {
  assert.ok(Decimal.fromString('1.0').equals(new Decimal(10n, 1)))
  assert.ok(!Decimal.fromString('1.0').equals(Decimal.fromString('1.00')))
  assert.equal(Decimal.fromString('1.0').compareTo(Decimal.fromString('1.00')), 0)
  assert.equal(Decimal.fromString('-1').compareTo(Decimal.fromString('0.5')), -1)
  assert.equal(Decimal.from(0.1).toString(), '0.1')
  assert.equal(Decimal.from(5).scale, 0)
  assert.equal(Decimal.from(12n).toString(), '12')
  assert.equal(Decimal.fromString('1.5').setScale(3).toString(), '1.500')
  assert.throws(() => Decimal.fromString('1.55').setScale(1), /without rounding/)
  assert.equal(JSON.stringify({ d: Decimal.fromString('-3.10') }), '{"d":"-3.10"}')
  assert.throws(() => new Decimal(1n, 1.5), /Invalid Decimal scale/)
})

test("two's complement encoding matches BigInteger.toByteArray", () => {
  const cases: [bigint, string][] = [
    [0n, '00'],
    [1n, '01'],
    [127n, '7f'],
    [128n, '0080'],
    [255n, '00ff'],
    [256n, '0100'],
    [-1n, 'ff'],
    [-128n, '80'],
    [-129n, 'ff7f'],
    [-256n, 'ff00'],
    [-32768n, '8000'],
    [32767n, '7fff'],
    [-(2n ** 63n), '8000000000000000'],
    [2n ** 63n, '008000000000000000'],
  ]
  for (const [n, h] of cases) {
    assert.equal(hex(bigintToTwosComplement(n)), h, `${n}`)
    assert.equal(twosComplementToBigint(Buffer.from(h, 'hex')), n, h)
  }
  // non-minimal input decodes too (sign-extended)
  assert.equal(twosComplementToBigint(new Uint8Array([0xff, 0xff, 0x80])), -128n)
  assert.throws(() => twosComplementToBigint(new Uint8Array()), { name: 'DataError' })
})

test('DecimalLogical schema, fromLogical/toLogical round-trip incl. negatives', () => {
  const schema = DecimalLogical.schema(2)
  assert.equal(schema.type, 'BYTES')
  assert.equal(schema.name, 'org.apache.kafka.connect.data.Decimal')
  assert.equal(schema.version, 1)
  assert.deepEqual(schema.parameters, { scale: '2' })
  assert.equal(DecimalLogical.SCALE_FIELD, 'scale')
  assert.equal(DecimalLogical.LOGICAL_NAME, 'org.apache.kafka.connect.data.Decimal')
  for (const text of ['0.00', '1.28', '-1.28', '-0.01', '99999999999999999999.99', '-1.00']) {
    const d = Decimal.fromString(text)
    const bytes = DecimalLogical.fromLogical(schema, d)
    const back = DecimalLogical.toLogical(schema, bytes)
    assert.ok(back.equals(d), text)
    assert.equal(back.toString(), text)
  }
  assert.equal(hex(DecimalLogical.fromLogical(schema, Decimal.fromString('-1.28'))), '80')
  assert.equal(hex(DecimalLogical.fromLogical(schema, Decimal.fromString('1.28'))), '0080')
  assert.throws(() => DecimalLogical.fromLogical(schema, Decimal.fromString('1.5')), {
    message:
      'Decimal value has mismatching scale for given Decimal schema. Schema has scale 2, value has scale 1.',
  })
  assert.throws(() => DecimalLogical.toLogical(Schemas.BYTES, new Uint8Array([1])), {
    message: 'Invalid Decimal schema: scale parameter not found.',
  })
  assert.throws(
    () => DecimalLogical.scale(SchemaBuilder.bytes().parameter('scale', 'x').build()),
    /Invalid scale parameter/,
  )
  assert.equal(DecimalLogical.builder(3).optional().build().isOptional, true)
})

test('logical values are validated by class', () => {
  validateValue(DecimalLogical.schema(2), Decimal.fromString('1.00'))
  assert.throws(() => validateValue(DecimalLogical.schema(2), new Uint8Array([1])), {
    message:
      'Invalid JavaScript value for schema "org.apache.kafka.connect.data.Decimal" with type BYTES: Uint8Array for value',
  })
  validateValue(DateLogical.SCHEMA, new Date(0))
  validateValue(TimeLogical.SCHEMA, new Date(1000))
  validateValue(TimestampLogical.SCHEMA, new Date())
  assert.throws(() => validateValue(TimestampLogical.SCHEMA, 5), /Timestamp" with type INT64: number/)
  assert.throws(() => validateValue(DateLogical.SCHEMA, new Date(Number.NaN)), /Invalid Date/)
  const s = SchemaBuilder.struct().field('when', TimestampLogical.builder().optional().build()).build()
  new Struct(s).put('when', new Date()).put('when', null).validate()
})

test('DateLogical: days since epoch, rejecting non-midnight like Java', () => {
  assert.equal(DateLogical.LOGICAL_NAME, 'org.apache.kafka.connect.data.Date')
  assert.equal(DateLogical.SCHEMA.type, 'INT32')
  assert.equal(DateLogical.SCHEMA.version, 1)
  assert.equal(DateLogical.fromLogical(DateLogical.SCHEMA, new Date('1970-01-11T00:00:00Z')), 10)
  assert.equal(DateLogical.fromLogical(DateLogical.SCHEMA, new Date('1969-12-31T00:00:00Z')), -1)
  assert.equal(DateLogical.toLogical(DateLogical.SCHEMA, -1).toISOString(), '1969-12-31T00:00:00.000Z')
  assert.throws(() => DateLogical.fromLogical(DateLogical.SCHEMA, new Date('1970-01-11T00:00:00.001Z')), {
    message: 'Kafka Connect Date type should not have any time fields set to non-zero values.',
  })
  assert.throws(() => DateLogical.fromLogical(Schemas.INT32, new Date(0)), {
    message: 'Requested conversion of Date object but the schema does not match.',
  })
})

test('TimeLogical: millis of day within [0, 86400000]', () => {
  assert.equal(TimeLogical.LOGICAL_NAME, 'org.apache.kafka.connect.data.Time')
  assert.equal(TimeLogical.fromLogical(TimeLogical.SCHEMA, new Date(3_600_000)), 3_600_000)
  assert.equal(TimeLogical.toLogical(TimeLogical.SCHEMA, 1000).getTime(), 1000)
  assert.throws(() => TimeLogical.fromLogical(TimeLogical.SCHEMA, new Date(86_400_001)), {
    message: 'Kafka Connect Time type should not have any date fields set to non-zero values.',
  })
  assert.throws(() => TimeLogical.toLogical(TimeLogical.SCHEMA, -1), {
    message: 'Time values must use number of milliseconds greater than 0 and less than 86400000',
  })
  assert.throws(() => TimeLogical.fromLogical(Schemas.INT32, new Date(0)), {
    message: 'Requested conversion of Time object but the schema does not match.',
  })
})

test('TimestampLogical: epoch millis, bigint accepted', () => {
  assert.equal(TimestampLogical.LOGICAL_NAME, 'org.apache.kafka.connect.data.Timestamp')
  assert.equal(TimestampLogical.SCHEMA.type, 'INT64')
  assert.equal(
    TimestampLogical.fromLogical(TimestampLogical.SCHEMA, new Date(1_700_000_000_123)),
    1_700_000_000_123,
  )
  assert.equal(TimestampLogical.toLogical(TimestampLogical.SCHEMA, 5n).getTime(), 5)
  assert.throws(() => TimestampLogical.toLogical(Schemas.INT64, 1), {
    message: 'Requested conversion of Timestamp object but the schema does not match.',
  })
})
