/**
 * The compatibility corpus run through Sluice and through Kafka Connect's own converters (Java).
 *
 * Encode cases give a schema and value (as descriptions both sides build identically); decode cases give
 * raw bytes. Every case states what is expected of the comparison:
 * - `same` (default): identical bytes (or both fail) when encoding, and identical decoded schema/value
 *   (or both fail) when decoding, in every direction;
 * - `error`: both sides must fail;
 * - `java-nan-zero`: identical bytes, but Java reads Jackson's `"NaN"`/`"Infinity"` strings back as 0.0
 *   while Sluice reads them as NaN/Infinity (a deliberate difference);
 * - `sluice-stricter`: Java silently produces a value (0, false, null, truncated or wrapped numbers) for
 *   JSON that does not match the schema; Sluice fails with an error (a deliberate difference).
 */
import type { SchemaType } from '@sluice/api'
import { doubleBits, floatBits, type SD, type VD } from './describe.js'

export const JSON_CONVERTER = 'org.apache.kafka.connect.json.JsonConverter'
export const SIMPLE_HEADER = 'org.apache.kafka.connect.storage.SimpleHeaderConverter'
export const STRING_CONVERTER = 'org.apache.kafka.connect.storage.StringConverter'
const RT = 'org.apache.kafka.connect.converters.'

export type Kind = 'key' | 'value' | 'header'
export type Expectation = 'same' | 'error' | 'java-nan-zero' | 'sluice-stricter'

export interface EncodeCase {
  readonly id: string
  readonly converter: string
  readonly kind: Kind
  readonly config: Readonly<Record<string, string>>
  readonly schema: SD | null
  /** Schema the value is built with when it differs from `schema` (mismatch tests). */
  readonly valueSchema?: SD | null
  readonly value: VD
  readonly expect: Expectation
}

export interface DecodeCase {
  readonly id: string
  readonly converter: string
  readonly kind: Kind
  readonly config: Readonly<Record<string, string>>
  /** Base64 of the bytes, or null for a null (tombstone) value. */
  readonly bytes: string | null
  readonly expect: Expectation
}

// ---- schema and value description helpers

const t = (type: SchemaType, extra: Partial<SD> = {}): SD => ({ type, ...extra })
const opt = (sd: SD): SD => ({ ...sd, optional: true })
const arrayOf = (values: SD, extra: Partial<SD> = {}): SD => ({ type: 'ARRAY', values, ...extra })
const mapOf = (keys: SD, values: SD, extra: Partial<SD> = {}): SD => ({ type: 'MAP', keys, values, ...extra })
const structOf = (fields: ReadonlyArray<readonly [string, SD]>, extra: Partial<SD> = {}): SD => ({
  type: 'STRUCT',
  fields: fields.map(([name, schema]) => ({ name, schema })),
  ...extra,
})
const decimalSchema = (scale: number, extra: Partial<SD> = {}): SD =>
  t('BYTES', {
    name: 'org.apache.kafka.connect.data.Decimal',
    version: 1,
    parameters: [['scale', String(scale)]],
    ...extra,
  })
const DATE = t('INT32', { name: 'org.apache.kafka.connect.data.Date', version: 1 })
const TIME = t('INT32', { name: 'org.apache.kafka.connect.data.Time', version: 1 })
const TIMESTAMP = t('INT64', { name: 'org.apache.kafka.connect.data.Timestamp', version: 1 })

const i8 = (n: number): VD => ({ i8: n })
const i16 = (n: number): VD => ({ i16: n })
const i32 = (n: number): VD => ({ i32: n })
const i64 = (n: bigint | number): VD => ({ i64: String(n) })
const f32 = (x: number): VD => ({ f32: floatBits(Math.fround(x)) })
const f64 = (x: number): VD => ({ f64: doubleBits(x) })
const bool = (b: boolean): VD => ({ bool: b })
const str = (s: string): VD => ({ str: s })
const bytes = (b: ArrayLike<number>): VD => ({ bytes: Buffer.from(Uint8Array.from(b)).toString('base64') })
const dec = (unscaled: bigint | number, scale: number): VD => ({ dec: [String(unscaled), scale] })
const date = (ms: number): VD => ({ date: ms })
const arr = (...items: VD[]): VD => ({ arr: items })
const map = (...entries: Array<readonly [VD, VD]>): VD => ({ map: entries })
const struct = (...fields: Array<readonly [string, VD]>): VD => ({ struct: fields })

const DEFAULT = {}
const NO_SCHEMAS = { 'schemas.enable': 'false' }
const NUMERIC = { 'decimal.format': 'NUMERIC' }
const NO_REPLACE = { 'replace.null.with.default': 'false' }

const encodeCases: EncodeCase[] = []
const decodeCases: DecodeCase[] = []

function enc(
  id: string,
  schema: SD | null,
  value: VD,
  opts: {
    config?: Record<string, string>
    expect?: Expectation
    kind?: Kind
    converter?: string
    valueSchema?: SD | null
  } = {},
): void {
  encodeCases.push({
    id,
    converter: opts.converter ?? JSON_CONVERTER,
    kind: opts.kind ?? 'value',
    config: opts.config ?? DEFAULT,
    schema,
    ...(opts.valueSchema !== undefined && { valueSchema: opts.valueSchema }),
    value,
    expect: opts.expect ?? 'same',
  })
}

/** Encodes with schemas enabled and disabled. */
function enc2(id: string, schema: SD | null, value: VD, expect: Expectation = 'same'): void {
  enc(`${id} [envelope]`, schema, value, { expect })
  enc(`${id} [no schemas]`, schema, value, { config: NO_SCHEMAS, expect })
}

function dec64(
  id: string,
  data: string | Uint8Array | null,
  opts: { config?: Record<string, string>; expect?: Expectation; kind?: Kind; converter?: string } = {},
): void {
  decodeCases.push({
    id,
    converter: opts.converter ?? JSON_CONVERTER,
    kind: opts.kind ?? 'value',
    config: opts.config ?? DEFAULT,
    bytes:
      data === null
        ? null
        : Buffer.from(typeof data === 'string' ? Buffer.from(data, 'utf8') : data).toString('base64'),
    expect: opts.expect ?? 'same',
  })
}

// ---- JsonConverter: primitives

const primitiveValues: ReadonlyArray<readonly [string, SD, VD[]]> = [
  ['int8', t('INT8'), [i8(-128), i8(-1), i8(0), i8(1), i8(127)]],
  ['int16', t('INT16'), [i16(-32768), i16(0), i16(32767)]],
  ['int32', t('INT32'), [i32(-2147483648), i32(42), i32(2147483647)]],
  [
    'int64',
    t('INT64'),
    [
      i64(-(2n ** 63n)),
      i64(2n ** 63n - 1n),
      i64(2n ** 53n + 1n),
      i64(-(2n ** 53n) - 1n),
      i64(0),
      i64(1234567890123),
    ],
  ],
  [
    'float32',
    t('FLOAT32'),
    [
      0, -0, 1, 0.1, 1e10, 1.4e-45, 3.4028235e38, 1e-3, 9999999, 1e7, 16777217, 123456.79, 3816239.25,
      1.17549435e-38, -2.5, 8.589973e9, 1.52570992e8,
    ].map(f32),
  ],
  [
    'float64',
    t('FLOAT64'),
    [
      0,
      -0,
      1,
      0.1,
      0.1 + 0.2,
      1e10,
      1e21,
      1e22,
      1e23,
      1e-7,
      1e-3,
      9.999999999999998e-4,
      1e7,
      9999999.999999998,
      5e-324,
      1.7976931348623157e308,
      2.2250738585072014e-308,
      123456789.123,
      9007199254740994,
      -1.23456e-100,
      4.35,
      100,
      1 / 3,
      -2.6814475343671142e18,
      1e-5,
    ].map(f64),
  ],
  ['boolean', t('BOOLEAN'), [bool(true), bool(false)]],
  [
    'string',
    t('STRING'),
    [
      '',
      'hello',
      'é 中文 ü',
      'emoji 😀 and 𝄞',
      '\u0000\u0001\u001f',
      '\b\t\n\f\r',
      '"quoted" \\ back/slash',
      '\u007f\u0080\u00ff\u2028\u2029\ufeff',
      'lone \ud800 surrogate \udc00',
      'x'.repeat(3000),
      '</script>',
    ].map(str),
  ],
  [
    'bytes',
    t('BYTES'),
    [bytes([]), bytes([0]), bytes(Array.from({ length: 256 }, (_, i) => i)), bytes([0xff, 0xfe, 0xfd])],
  ],
]

for (const [name, schema, values] of primitiveValues) {
  values.forEach((v, i) => {
    enc2(`${name} #${i}`, schema, v)
    enc(`optional ${name} #${i}`, opt(schema), v)
  })
  enc2(`optional ${name} null`, opt(schema), null)
  enc(`required ${name} null`, schema, null, { expect: 'error' })
}
for (const x of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
  enc(`float64 ${x}`, t('FLOAT64'), f64(x), { expect: 'java-nan-zero' })
  enc(`float32 ${x}`, t('FLOAT32'), f32(x), { expect: 'java-nan-zero' })
  enc(`float64 ${x} [no schemas]`, t('FLOAT64'), f64(x), { config: NO_SCHEMAS })
}
enc('key converter int32', t('INT32'), i32(7), { kind: 'key' })
enc('header converter struct', structOf([['a', t('INT32')]]), struct(['a', i32(1)]), { kind: 'header' })
enc('header converter schemaless', null, map([str('a'), i64(1)]), { kind: 'header', config: NO_SCHEMAS })

// ---- schema metadata and defaults

const meta: Partial<SD> = {
  name: 'com.example.Count',
  version: 3,
  doc: 'a "doc" \\ with\nescapes ü 😀',
  parameters: [
    ['b', '2'],
    ['a', '1'],
    ['z', 'quote " and \\'],
  ],
}
enc2('int32 with name, version, doc, parameters', t('INT32', meta), i32(5))
enc2(
  'struct with metadata on struct and fields',
  structOf([['n', t('STRING', meta)]], meta),
  struct(['n', str('x')]),
)
enc('schema name only', t('STRING', { name: 'only.Name' }), str('v'))
enc('schema version 0', t('STRING', { version: 0 }), str('v'))
enc('schema empty doc', t('STRING', { doc: '' }), str('v'))

const withDefaults: ReadonlyArray<readonly [string, SD, VD]> = [
  ['string', t('STRING'), str('dflt')],
  ['int8', t('INT8'), i8(-3)],
  ['int32', t('INT32'), i32(7)],
  ['int64', t('INT64'), i64(2n ** 62n)],
  ['float32', t('FLOAT32'), f32(0.1)],
  ['float64', t('FLOAT64'), f64(1.5)],
  ['boolean', t('BOOLEAN'), bool(true)],
  ['bytes', t('BYTES'), bytes([1, 2, 3])],
  ['array', arrayOf(t('INT32')), arr(i32(1), i32(2))],
  ['map', mapOf(t('STRING'), t('INT32')), map([str('a'), i32(1)])],
  ['map with int keys', mapOf(t('INT32'), t('STRING')), map([i32(1), str('a')])],
  ['decimal', decimalSchema(2), dec(-12345, 2)],
  ['date', DATE, date(19737 * 86400000)],
  ['timestamp', TIMESTAMP, date(1705312496789)],
]
for (const [name, schema, dflt] of withDefaults) {
  const required = { ...schema, default: dflt }
  const optional = { ...schema, optional: true, default: dflt }
  enc(`${name} default, value set`, optional, dflt)
  enc(`${name} default, optional null`, optional, null)
  enc(`${name} default, optional null, no replace`, optional, null, { config: NO_REPLACE })
  enc(`${name} default, required null`, required, null)
  enc(`${name} default, required null, no replace`, required, null, { config: NO_REPLACE, expect: 'error' })
  enc(`${name} default [numeric]`, optional, null, { config: NUMERIC })
  enc(`${name} default [no schemas]`, optional, null, { config: NO_SCHEMAS })
}
const inner = structOf([['a', t('INT32')]])
enc(
  'struct default (Java cannot write it: "Mismatching schema.")',
  { ...inner, default: struct(['a', i32(1)]) },
  null,
  {
    expect: 'error',
  },
)
const withDefaultField = structOf([
  ['plain', opt(t('STRING'))],
  ['dflt', t('STRING', { optional: true, default: str('D') })],
  ['req', t('INT32', { default: i32(9) })],
])
enc('struct fields with defaults, unset', withDefaultField, struct())
enc('struct fields with defaults, unset, no replace', withDefaultField, struct(['req', i32(1)]), {
  config: NO_REPLACE,
})
enc('struct required field with default unset, no replace', withDefaultField, struct(), {
  config: NO_REPLACE,
  expect: 'error',
})

// ---- arrays, maps, structs

enc2('array<int32>', arrayOf(t('INT32')), arr(i32(1), i32(2), i32(3)))
enc2('empty array', arrayOf(t('INT32')), arr())
enc2('array<optional string> with nulls', arrayOf(opt(t('STRING'))), arr(str('a'), null, str('c')))
enc('array<required string> with null', arrayOf(t('STRING')), arr(str('a'), null), { expect: 'error' })
enc2(
  'array<array<int64>>',
  arrayOf(arrayOf(t('INT64'))),
  arr(arr(i64(1), i64(2n ** 60n)), arr(), arr(i64(-1))),
)
enc2('optional array null', opt(arrayOf(t('INT32'))), null)
enc2('array<decimal>', arrayOf(decimalSchema(3)), arr(dec(1, 3), dec(-1000, 3)))
enc2('array<struct>', arrayOf(inner), arr(struct(['a', i32(1)]), struct(['a', i32(2)])))

enc2('map<string,int32>', mapOf(t('STRING'), t('INT32')), map([str('a'), i32(1)], [str('b'), i32(2)]))
enc2('map<int32,string>', mapOf(t('INT32'), t('STRING')), map([i32(1), str('a')], [i32(2), str('b')]))
enc2(
  'map<int64,optional string> with null',
  mapOf(t('INT64'), opt(t('STRING'))),
  map([i64(2n ** 62n), null], [i64(-1), str('x')]),
)
enc2('map<struct,string>', mapOf(inner, t('STRING')), map([struct(['a', i32(1)]), str('one')]))
enc2(
  'map<boolean,float64>',
  mapOf(t('BOOLEAN'), t('FLOAT64')),
  map([bool(true), f64(1)], [bool(false), f64(-0.5)]),
)
enc2('map<string,array<int32>>', mapOf(t('STRING'), arrayOf(t('INT32'))), map([str('k'), arr(i32(1))]))
enc2(
  'map<string,map<int32,string>>',
  mapOf(t('STRING'), mapOf(t('INT32'), t('STRING'))),
  map([str('outer'), map([i32(1), str('x')])]),
)
enc2('empty map<string,int32>', mapOf(t('STRING'), t('INT32')), map())
enc2('empty map<int32,int32>', mapOf(t('INT32'), t('INT32')), map())
enc2('map<optional string,int32> with null key', mapOf(opt(t('STRING')), t('INT32')), map([null, i32(1)]))
enc2('map<decimal,string>', mapOf(decimalSchema(1), t('STRING')), map([dec(15, 1), str('1.5')]))
enc2('map<date,string>', mapOf(DATE, t('STRING')), map([date(0), str('epoch')]))
enc2(
  'map<string,int32> with escaped keys',
  mapOf(t('STRING'), t('INT32')),
  map([str('we"ird\n'), i32(1)], [str('😀'), i32(2)]),
)

const everything = structOf(
  [
    ['i8', t('INT8')],
    ['i16', t('INT16')],
    ['i32', t('INT32')],
    ['i64', t('INT64')],
    ['f32', t('FLOAT32')],
    ['f64', t('FLOAT64')],
    ['b', t('BOOLEAN')],
    ['s', t('STRING')],
    ['bytes', t('BYTES')],
    ['dec', decimalSchema(4)],
    ['date', DATE],
    ['time', TIME],
    ['ts', TIMESTAMP],
    ['opt', opt(t('STRING'))],
    ['list', arrayOf(t('STRING'))],
    [
      'nested',
      structOf([['deeper', structOf([['x', opt(t('INT64'))]], { name: 'Deeper' })]], {
        name: 'Nested',
        optional: true,
      }),
    ],
  ],
  { name: 'com.example.Everything', version: 7, doc: 'every type' },
)
const everythingFields: Array<readonly [string, VD]> = [
  ['i8', i8(-8)],
  ['i16', i16(1600)],
  ['i32', i32(-320000)],
  ['i64', i64(2n ** 63n - 1n)],
  ['f32', f32(3.14)],
  ['f64', f64(Math.E)],
  ['b', bool(true)],
  ['s', str('text')],
  ['bytes', bytes([9, 8, 7])],
  ['dec', dec(123456789, 4)],
  ['date', date(19737 * 86400000)],
  ['time', date(45296789)],
  ['ts', date(1705312496789)],
  ['list', arr(str('a'), str('b'))],
  ['nested', struct(['deeper', struct(['x', i64(-5)])])],
]
const everythingValue = struct(...everythingFields)
enc2('struct with every type', everything, everythingValue)
enc('struct with every type [numeric]', everything, everythingValue, { config: NUMERIC })
enc('struct with every type [numeric, lower case]', everything, everythingValue, {
  config: { 'decimal.format': 'numeric' },
})
enc2(
  'struct with nested optional struct null',
  everything,
  struct(...everythingFields.filter(([n]) => n !== 'nested')),
)
enc('struct missing a required field', inner, struct(), { expect: 'error' })
enc2(
  'struct field names needing escapes',
  structOf([
    ['we"ird', t('INT32')],
    ['ü😀', t('INT32')],
  ]),
  struct(['we"ird', i32(1)], ['ü😀', i32(2)]),
)
enc('struct of another schema', inner, struct(['a', i64(1)]), {
  valueSchema: structOf([['a', t('INT64')]]),
  expect: 'error',
})

// ---- logical types

const decimals: ReadonlyArray<readonly [number, bigint]> = [
  [0, 0n],
  [0, 1n],
  [0, -1n],
  [0, 127n],
  [0, 128n],
  [0, -128n],
  [0, -129n],
  [0, 12345678901234567890123456789n],
  [2, -128n],
  [2, 123456n],
  [5, -99999n],
  [6, 1n],
  [7, 1n],
  [10, 1n],
  [11, -1n],
  [-2, 1n],
  [-2, 123n],
]
for (const [scale, unscaled] of decimals) {
  enc(`decimal scale ${scale} ${unscaled} [base64]`, decimalSchema(scale), dec(unscaled, scale))
  enc(`decimal scale ${scale} ${unscaled} [numeric]`, decimalSchema(scale), dec(unscaled, scale), {
    config: NUMERIC,
  })
  // Read back without a schema, a number beyond 64 bits is truncated by Java and rejected by Sluice.
  const huge = scale <= 0 && unscaled * 10n ** BigInt(-scale) > 2n ** 63n - 1n
  enc(
    `decimal scale ${scale} ${unscaled} [numeric, no schemas]`,
    decimalSchema(scale),
    dec(unscaled, scale),
    {
      config: { ...NUMERIC, ...NO_SCHEMAS },
      expect: huge ? 'sluice-stricter' : 'same',
    },
  )
}
enc('decimal with the wrong scale [base64]', decimalSchema(2), dec(5, 3), { expect: 'error' })
enc('decimal with the wrong scale [numeric]', decimalSchema(2), dec(5, 3), { config: NUMERIC })
enc2('optional decimal null', opt(decimalSchema(2)), null)
for (const days of [0, 1, -1, 19737, 2932896, -719162]) enc2(`date ${days}`, DATE, date(days * 86400000))
enc('date with a time of day', DATE, date(1000), { expect: 'error' })
for (const ms of [0, 1, 45296789, 86399999]) enc2(`time ${ms}`, TIME, date(ms))
enc('time on another day', TIME, date(86400000 * 2), { expect: 'error' })
for (const ms of [0, -1, 1705312496789, 253402300799999, -62135596800000])
  enc2(`timestamp ${ms}`, TIMESTAMP, date(ms))
enc2('optional timestamp null', opt(TIMESTAMP), null)
enc(
  'logical type name with another base type',
  t('STRING', { name: 'org.apache.kafka.connect.data.Date' }),
  str('x'),
  {
    expect: 'error',
  },
)

// ---- wrong value types

enc('string value for int32', t('INT32'), str('5'), { expect: 'error' })
enc('int32 value for string', t('STRING'), i32(5), { expect: 'error' })
enc('string value for decimal', decimalSchema(2), str('1.00'), { expect: 'error' })
enc('int64 value for timestamp', TIMESTAMP, i64(5), { expect: 'error' })
enc('array value for map', mapOf(t('STRING'), t('INT32')), arr(), { expect: 'error' })

// ---- schemaless data

const schemaless: ReadonlyArray<readonly [string, VD]> = [
  ['long 0', i64(0)],
  ['long -5', i64(-5)],
  ['long 2^53+1', i64(2n ** 53n + 1n)],
  ['long max', i64(2n ** 63n - 1n)],
  ['long min', i64(-(2n ** 63n))],
  ['int', i32(12)],
  ['double 1.5', f64(1.5)],
  ['double -0.0', f64(-0)],
  ['double 1e300', f64(1e300)],
  ['double 0.1', f64(0.1)],
  ['double NaN', f64(Number.NaN)],
  ['string', str('hello "json"')],
  ['boolean', bool(false)],
  ['bytes', bytes([1, 2, 3])],
  ['array mixed', arr(i64(1), str('a'), null, f64(2.5), bool(true))],
  ['map string keys', map([str('a'), i64(1)], [str('b'), arr(i64(2), i64(3))], [str('c'), null])],
  ['map long keys', map([i64(1), str('a')], [i64(2), str('b')])],
  ['map mixed keys', map([str('a'), i64(1)], [i64(2), str('b')])],
  ['nested maps', map([str('outer'), map([str('inner'), map([str('x'), f64(0.25)])])])],
  ['empty array', arr()],
  ['empty map', map()],
]
for (const [name, v] of schemaless) enc2(`schemaless ${name}`, null, v)
enc2('schemaless null (tombstone)', null, null)
enc('schemaless date', null, date(0), { expect: 'error' })
enc('schemaless decimal', null, dec(1, 0), { expect: 'error' })

// ---- JsonConverter: decoding hand-written bytes

const env = (schema: string, payload: string): string => `{"schema":${schema},"payload":${payload}}`
const dx = (
  id: string,
  text: string | Uint8Array,
  expect: Expectation = 'same',
  config: Record<string, string> = DEFAULT,
) => dec64(id, text, { expect, config })

dx('pretty printed envelope', '{ "schema" : { "type" : "int32" , "optional" : false } ,\n "payload" : 42 }\n')
dx('payload before schema', '{"payload": 42, "schema": {"type":"int32","optional":false}}')
dx('schema null', env('null', '{"a":[1,2.5,"x",null,true],"b":1234567890123456789,"c":{"d":-0.0}}'))
dx('duplicate payload', '{"schema":{"type":"int32"},"payload":1,"payload":2}')
dx('duplicate schema', '{"schema":{"type":"string"},"schema":{"type":"int32"},"payload":1}')
dx('extra member', '{"schema":null,"payload":1,"x":1}')
dx('missing payload', '{"schema":{"type":"int32"}}')
dx('missing schema', '{"payload":1}')
dx('array instead of envelope', '[1]')
dx('number instead of envelope', '5')
dx('string instead of envelope', '"x"')
dx('null instead of envelope', 'null')
dx('empty bytes', '')
dx('white space only', ' \n\t')
dx('trailing content', '{"schema":null,"payload":1} trailing')
dx('trailing brace', '{"schema":null,"payload":1}}')
dx('UTF-8 byte-order mark', '\ufeff{"schema":null,"payload":1}')
for (const bad of [
  '{"schema":null,"payload":}',
  '{"schema":null "payload":1}',
  "{'schema':null,'payload':1}",
  '{"schema":null,"payload":tru}',
  '{"schema":null,"payload":truex}',
  '{"schema":null,"payload":1.}',
  '{"schema":null,"payload":-}',
  '{"schema":null,"payload":+1}',
  '{"schema":null,"payload":.5}',
  '{"schema":null,"payload":1e}',
  '{"schema":null,"payload":[1,]}',
  '{"schema":null,"payload":{"a":1,}}',
  '{"schema":null,"payload":"a\u0001b"}',
  '{"schema":null,"payload":"\\q"}',
  '{"schema":null,"payload":"\\u12G4"}',
  '{"schema":null,"payload":"unterminated}',
  '{"schema":null,"payload":NaN}',
  '{"schema":null,"payload":/* c */1}',
  '{"schema":null,"payload":1',
  '{"schema":{"type":"int32"]],"payload":1}',
]) {
  dx(`invalid JSON ${bad}`, bad)
}
dx(
  'invalid UTF-8',
  Uint8Array.from([...Buffer.from('{"schema":null,"payload":"'), 0xff, ...Buffer.from('"}')]),
)
dx('leading zeros int', env('{"type":"int32"}', '007'))
dx('leading zeros double', env('{"type":"double"}', '-00.5'))
dx('escapes', env('{"type":"string"}', '"\\u0041\\/\\"\\\\\\b\\f\\n\\r\\t\\uD83D\\uDE00\\ud83d x"'))
for (const n of [
  '1E3',
  '1e-3',
  '-0.0',
  '0.0',
  '1.7976931348623157E308',
  '1e400',
  '-1e-400',
  '4.9E-324',
  '123456789012345678901234567890',
]) {
  dx(`double payload ${n}`, env('{"type":"double"}', n))
  dx(`float payload ${n}`, env('{"type":"float"}', n))
}
dx(
  'float payload needing exact rounding',
  env('{"type":"float"}', '1.00000005960464477539062500000000000001'),
)
dx('float payload long', env('{"type":"float"}', '9007199254740993'))
dx('int64 max', env('{"type":"int64"}', '9223372036854775807'))
dx('int64 min', env('{"type":"int64"}', '-9223372036854775808'))
dx('int64 from 1.0', env('{"type":"int64"}', '1.0'))
dx('int64 from 1e2', env('{"type":"int64"}', '1e2'))
dx('int8 from 1.0E1', env('{"type":"int8"}', '1.0E1'))
dx('int64 overflow', env('{"type":"int64"}', '9223372036854775808'), 'sluice-stricter')
dx('int32 from 1.5', env('{"type":"int32"}', '1.5'), 'sluice-stricter')
dx('int8 from 300', env('{"type":"int8"}', '300'), 'sluice-stricter')
dx('int32 from a string', env('{"type":"int32"}', '"5"'), 'sluice-stricter')
dx('boolean from a number', env('{"type":"boolean"}', '1'), 'sluice-stricter')
dx('string from a number', env('{"type":"string","optional":true}', '5'), 'sluice-stricter')
dx('bytes from a number', env('{"type":"bytes","optional":true}', '5'), 'sluice-stricter')
dx('array from an object', env('{"type":"array","items":{"type":"int32"}}', '{"a":1}'), 'sluice-stricter')
dx('float from "NaN"', env('{"type":"float"}', '"NaN"'), 'java-nan-zero')
dx('double from "-Infinity"', env('{"type":"double"}', '"-Infinity"'), 'java-nan-zero')
dx('required null', env('{"type":"int32"}', 'null'))
dx('required missing struct field', env('{"type":"struct","fields":[{"type":"int32","field":"a"}]}', '{}'))
dx('bytes', env('{"type":"bytes"}', '"AAEC"'))
dx('bytes without padding', env('{"type":"bytes"}', '"AAE"'))
dx('bytes padded twice', env('{"type":"bytes"}', '"AA==AA=="'))
dx('bytes with leading space', env('{"type":"bytes"}', '" AAEC"'))
dx('bytes with trailing space', env('{"type":"bytes"}', '"AAEC "'))
dx('bytes with an illegal char', env('{"type":"bytes"}', '"A*=="'))
dx('bytes url-safe alphabet', env('{"type":"bytes"}', '"-_8="'))
const d2 =
  '{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}}'
dx('decimal from a number with another scale', env(d2, '12.345'))
dx('decimal from an integer', env(d2, '5'))
dx('decimal from an exponent', env(d2, '1E+2'))
dx('decimal from base64', env(d2, '"/4A="'))
dx('decimal from a boolean', env(d2, 'true'))
dx('decimal from bad base64', env(d2, '"!!"'))
dx('decimal from empty base64', env(d2, '""'))
dx('decimal without scale', env('{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal"}', '"AQ=="'))
const dd = '{"type":"int32","name":"org.apache.kafka.connect.data.Date"}'
dx('date', env(dd, '19737'))
dx('date from 19737.0', env(dd, '19737.0'))
dx('date from a string', env(dd, '"19737"'))
dx('date from a long', env(dd, '3000000000'))
const dt = '{"type":"int32","name":"org.apache.kafka.connect.data.Time"}'
dx('time', env(dt, '45296789'))
dx('time past midnight', env(dt, '86400001'))
const dts = '{"type":"int64","name":"org.apache.kafka.connect.data.Timestamp"}'
dx('timestamp', env(dts, '1705312496789'))
dx('timestamp negative', env(dts, '-1'))
dx('timestamp from 1.5', env(dts, '1.5'))
const st =
  '{"type":"struct","fields":[{"type":"int32","optional":false,"default":5,"field":"a"},{"type":"string","optional":true,"field":"b"}]}'
dx('struct missing fields', env(st, '{}'))
dx('struct extra fields', env(st, '{"a":1,"b":"x","c":true}'))
dx('struct null with default', env(st, '{"a":null}'))
dx('struct null with default, no replace', env(st, '{"a":null}'), 'same', NO_REPLACE)
dx('struct from an array', env(st, '[1]'))
const mi = '{"type":"map","keys":{"type":"int32"},"values":{"type":"string","optional":true}}'
dx('map non-string keys', env(mi, '[[1,"a"],[2,null]]'))
dx('map entry of length 3', env(mi, '[[1,"a",3]]'))
dx('map entry not an array', env(mi, '[1]'))
dx('map non-string keys from an object', env(mi, '{"1":"a"}'))
dx(
  'map string keys from an array',
  env('{"type":"map","keys":{"type":"string"},"values":{"type":"int32"}}', '[["a",1]]'),
)
dx(
  'map duplicate keys',
  env('{"type":"map","keys":{"type":"string"},"values":{"type":"int32"}}', '{"a":1,"b":2,"a":3}'),
)
for (const [name, schema] of [
  ['optional as a string', '{"type":"int32","optional":"true"}'],
  ['version 1.5', '{"type":"int32","version":1.5}'],
  ['version 2', '{"type":"int32","version":2}'],
  ['version 2^32+1', '{"type":"int32","version":4294967297}'],
  ['name not a string', '{"type":"int32","name":5}'],
  ['doc null', '{"type":"int32","doc":null}'],
  ['parameters with a number', '{"type":"int32","parameters":{"a":1}}'],
  ['parameters not an object', '{"type":"int32","parameters":[1]}'],
  ['unknown type', '{"type":"int128"}'],
  ['missing type', '{"optional":true}'],
  ['type not a string', '{"type":5}'],
  ['schema is a string', '"int32"'],
  ['struct fields not an array', '{"type":"struct","fields":{}}'],
  ['struct field without name', '{"type":"struct","fields":[{"type":"int32"}]}'],
  ['array without items', '{"type":"array"}'],
  ['array items null', '{"type":"array","items":null}'],
  ['map without keys', '{"type":"map","values":{"type":"int32"}}'],
  ['map keys null', '{"type":"map","keys":null,"values":{"type":"int32"}}'],
  ['default null on required', '{"type":"int32","default":null}'],
  ['default null on optional', '{"type":"int32","optional":true,"default":null}'],
  [
    'default on struct',
    '{"type":"struct","fields":[{"type":"int32","field":"a"}],"optional":true,"default":{"a":3}}',
  ],
  [
    'default base64 decimal',
    `{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"1"},"optional":true,"default":"AQ=="}`,
  ],
  [
    'default numeric decimal',
    `{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"1"},"optional":true,"default":1.5}`,
  ],
  ['default of another type', '{"type":"int32","optional":true,"default":"x"}'],
] as const) {
  dx(
    `schema ${name}`,
    env(schema, name.startsWith('default') ? 'null' : '1'),
    name === 'default of another type' ? 'sluice-stricter' : 'same',
  )
}
dx('deep nesting 1000', env('null', `${'['.repeat(999)}${']'.repeat(999)}`))
dx('deep nesting 1001', env('null', `${'['.repeat(1000)}${']'.repeat(1000)}`))
dx('number of 1000 digits', env('null', '1'.repeat(1000)), 'sluice-stricter')
dx('number of 1001 digits', env('null', '1'.repeat(1001)))
dec64('tombstone', null)

const plain = (id: string, text: string | Uint8Array, expect: Expectation = 'same') =>
  dx(`[no schemas] ${id}`, text, expect, NO_SCHEMAS)
plain('object', '{"a":1,"b":[true,null,2.5],"c":{"d":"e"},"__proto__":{"x":1}}')
plain('big integer', '12345678901234567890', 'sluice-stricter')
plain('long', '-9223372036854775808 ')
plain('double', '1.5')
plain('double -0.0', '-0.0')
plain('integer -0', '-0')
plain('string', '"str"')
plain('null', 'null')
plain('empty', '')
plain('empty array', '[]')
plain('empty object', '{}')
plain('root number then garbage', '1x')
plain('root number then space and garbage', '1 x')
plain('root literal then garbage', 'true]')
plain('root object then garbage', '{} x')
plain('envelope-looking', '{"schema":null,"payload":1}')

// ---- SimpleHeaderConverter: Values formatting and parsing

const sh = (id: string, schema: SD | null, v: VD, expect: Expectation = 'same') =>
  enc(`[SimpleHeaderConverter] ${id}`, schema, v, { converter: SIMPLE_HEADER, kind: 'header', expect })
sh('string', t('STRING'), str('hello "world"'))
sh('int8', t('INT8'), i8(-5))
sh('int16', t('INT16'), i16(300))
sh('int32', t('INT32'), i32(70000))
sh('int64', t('INT64'), i64(2n ** 62n))
sh('float32', t('FLOAT32'), f32(0.1))
sh('float64 1.0', t('FLOAT64'), f64(1))
sh('float64 1e10', t('FLOAT64'), f64(1e10))
sh('boolean', t('BOOLEAN'), bool(true))
sh('bytes', t('BYTES'), bytes([1, 2, 3, 250]))
sh('array<int32>', arrayOf(t('INT32')), arr(i32(1), i32(2), i32(3)))
sh('array<string>', arrayOf(t('STRING')), arr(str('a'), str('b"c\\d')))
sh('array<float64>', arrayOf(t('FLOAT64')), arr(f64(1), f64(2.5)))
sh('array<array<int32>>', arrayOf(arrayOf(t('INT32'))), arr(arr(i32(1)), arr(i32(2), i32(3))))
sh('empty array', arrayOf(t('INT32')), arr())
sh('map<string,int32>', mapOf(t('STRING'), t('INT32')), map([str('a'), i32(1)], [str('b'), i32(2)]))
sh('map<int32,string>', mapOf(t('INT32'), t('STRING')), map([i32(1), str('a')]))
sh('empty map', mapOf(t('STRING'), t('INT32')), map())
sh(
  'struct',
  structOf([
    ['f', t('INT32')],
    ['g', t('STRING')],
  ]),
  struct(['f', i32(1)], ['g', str('x')]),
)
sh('decimal', decimalSchema(2), dec(1234, 2))
sh('decimal 1E+2', decimalSchema(-2), dec(1, -2))
sh('date', DATE, date(19737 * 86400000))
sh('time', TIME, date(45296789))
sh('timestamp', TIMESTAMP, date(1705312496789))
sh('null', opt(t('STRING')), null)
sh('array with null', arrayOf(opt(t('INT32'))), arr(i32(1), null))

const hd = (text: string) =>
  dec64(`[SimpleHeaderConverter] parse ${JSON.stringify(text)}`, text, {
    converter: SIMPLE_HEADER,
    kind: 'header',
  })
for (const text of [
  'true',
  'false',
  'null',
  'TRUE',
  ' true ',
  'true}',
  '42',
  '-1',
  '128',
  '32768',
  '2147483648',
  '9223372036854775807',
  '9223372036854775808',
  '1.5',
  '0.1',
  '1e40',
  '1e-50',
  '1.0',
  '+5',
  '-0',
  '1.5e300',
  '1e400',
  '123456789012345678901234567890.5',
  'abc',
  '',
  ' ',
  '[1,2,3]',
  '[1, 2.5]',
  '[1,null]',
  '[null]',
  '[]',
  '[,]',
  '[1,',
  '["a","b"]',
  '["a", 1]',
  '{"a":1,"b":2}',
  '{}',
  '{"a":null}',
  '{1:2}',
  '{:}',
  '{"a"}',
  '2024-01-15',
  '2024-13-45',
  '12:34:56.789Z',
  '2024-01-15T12:34:56.789Z',
  '[2024-01-15, 2024-01-16]',
  '"quoted"',
  'a:b',
  'a,b',
  '{"a":[1,2],"b":[3]}',
  '[[1,2],[3]]',
  'x\\:y',
  '12\\:34\\:56.789Z',
  '12:34',
  '1.5.5',
  '--5',
  '0x10',
  '[true, false]',
  '[1, true]',
  '{"k":2024-01-15}',
  ' 42 ',
  '\t[1]',
  '["a b", " c "]',
  '["x\\"y"]',
  '[1.5, 100000000000]',
  '[1, 300, 70000]',
  '{"a":1, "b":"x"}',
  '{"a":1,"a":2}',
  'é😀',
]) {
  hd(text)
}
dec64('[SimpleHeaderConverter] invalid UTF-8', Uint8Array.from([0x61, 0xff, 0x62]), {
  converter: SIMPLE_HEADER,
  kind: 'header',
})
dec64('[SimpleHeaderConverter] decode null', null, { converter: SIMPLE_HEADER, kind: 'header' })

// ---- StringConverter, ByteArrayConverter and the numeric converters

const sc = (id: string, schema: SD | null, v: VD, config: Record<string, string> = DEFAULT) =>
  enc(`[StringConverter] ${id}`, schema, v, { converter: STRING_CONVERTER, config })
sc('string', t('STRING'), str('héllo 😀'))
sc('int32', t('INT32'), i32(42))
sc('int64', t('INT64'), i64(2n ** 63n - 1n))
sc('float64', t('FLOAT64'), f64(1))
sc('float32', t('FLOAT32'), f32(0.1))
sc('boolean', t('BOOLEAN'), bool(false))
sc('decimal', decimalSchema(7), dec(1, 7))
sc('array', arrayOf(t('INT32')), arr(i32(1), i32(2)))
sc('map', mapOf(t('STRING'), t('FLOAT64')), map([str('a'), f64(1)]))
sc(
  'struct',
  structOf([
    ['a', t('INT32')],
    ['b', opt(t('STRING'))],
  ]),
  struct(['a', i32(1)]),
)
sc('null', opt(t('STRING')), null)
sc('lone surrogate', t('STRING'), str('a\ud800b'))
for (const encoding of ['UTF-16', 'UTF-16LE', 'UTF-16BE', 'ISO-8859-1', 'US-ASCII', 'utf8', 'latin1']) {
  sc(`encoding ${encoding}`, t('STRING'), str('aé中😀'), { 'converter.encoding': encoding })
  dec64(
    `[StringConverter] decode ${encoding}`,
    Uint8Array.from([0xfe, 0xff, 0x00, 0x61, 0xd8, 0x3d, 0xde, 0x00, 0xc3, 0xa9, 0x80]),
    {
      converter: STRING_CONVERTER,
      config: { 'converter.encoding': encoding },
    },
  )
}
dec64(
  '[StringConverter] decode UTF-8 with BOM and bad bytes',
  Uint8Array.from([0xef, 0xbb, 0xbf, 0x61, 0xff, 0xc3]),
  {
    converter: STRING_CONVERTER,
  },
)
dec64('[StringConverter] decode null', null, { converter: STRING_CONVERTER })

const numeric: ReadonlyArray<readonly [string, SD, VD[], number]> = [
  ['ShortConverter', t('INT16'), [i16(-32768), i16(0), i16(32767)], 2],
  ['IntegerConverter', t('INT32'), [i32(-2147483648), i32(1), i32(2147483647)], 4],
  ['LongConverter', t('INT64'), [i64(-(2n ** 63n)), i64(2n ** 53n + 1n), i64(2n ** 63n - 1n)], 8],
  ['FloatConverter', t('FLOAT32'), [f32(0.1), f32(-0), f32(Number.NaN), f32(Number.POSITIVE_INFINITY)], 4],
  ['DoubleConverter', t('FLOAT64'), [f64(0.1), f64(-0), f64(Number.NaN), f64(5e-324)], 8],
  ['BooleanConverter', t('BOOLEAN'), [bool(true), bool(false)], 1],
]
for (const [name, schema, values, size] of numeric) {
  values.forEach((v, i) => {
    enc(`[${name}] #${i}`, schema, v, { converter: RT + name })
    enc(`[${name}] header #${i}`, schema, v, { converter: RT + name, kind: 'header' })
  })
  enc(`[${name}] null`, opt(schema), null, { converter: RT + name })
  dec64(`[${name}] decode ${size + 1} bytes`, new Uint8Array(size + 1), { converter: RT + name })
  dec64(`[${name}] decode null`, null, { converter: RT + name })
}
dec64('[BooleanConverter] decode 0x02', Uint8Array.of(2), { converter: `${RT}BooleanConverter` })
dec64('[BooleanConverter] decode 0xff', Uint8Array.of(0xff), { converter: `${RT}BooleanConverter` })
enc('[BooleanConverter] int32 schema', t('INT32'), bool(true), {
  converter: `${RT}BooleanConverter`,
  expect: 'error',
})
enc('[ByteArrayConverter] bytes', t('BYTES'), bytes([0, 1, 255]), { converter: `${RT}ByteArrayConverter` })
enc('[ByteArrayConverter] schemaless', null, bytes([7]), { converter: `${RT}ByteArrayConverter` })
enc('[ByteArrayConverter] string schema', t('STRING'), str('x'), {
  converter: `${RT}ByteArrayConverter`,
  expect: 'error',
})
dec64('[ByteArrayConverter] decode', Uint8Array.of(1, 2, 3), { converter: `${RT}ByteArrayConverter` })

export const ENCODE_CASES: readonly EncodeCase[] = encodeCases
export const DECODE_CASES: readonly DecodeCase[] = decodeCases
