/**
 * The differential corpus of Kafka's transforms: configs × records (schema and schemaless, nulls,
 * optional fields, defaults, nested structs, arrays, maps, logical types, tombstones, headers), run
 * through Kafka's connect-transforms jar and through @sluice/transforms. Schemas and values are the
 * typed descriptions (SD/VD) of packages/converters/test/support/describe.ts.
 */

type SD = Record<string, unknown>
type VD = Record<string, unknown> | null

export interface RecordDesc {
  readonly topic: string
  readonly partition: number | null
  readonly keySchema: SD | null
  readonly key: VD
  readonly valueSchema: SD | null
  readonly value: VD
  readonly timestamp: number | null
  readonly headers: ReadonlyArray<readonly [string, SD | null, VD]>
  readonly offset?: number
}

export interface CorpusOp {
  readonly id: string
  readonly op: 'configdef' | 'validate' | 'apply' | 'test'
  readonly class: string
  readonly config?: Readonly<Record<string, string>>
  readonly records?: readonly RecordDesc[]
}

const T = 'org.apache.kafka.connect.transforms.'
const P = `${T}predicates.`

// ---- schema and value descriptions

const prim = (type: string, optional = false, extra: SD = {}): SD => ({ type, optional, ...extra })
const TIMESTAMP = (optional = false): SD =>
  prim('INT64', optional, { name: 'org.apache.kafka.connect.data.Timestamp', version: 1 })
const DATE = (optional = false): SD =>
  prim('INT32', optional, { name: 'org.apache.kafka.connect.data.Date', version: 1 })
const TIME = (optional = false): SD =>
  prim('INT32', optional, { name: 'org.apache.kafka.connect.data.Time', version: 1 })
const DECIMAL = (optional = false): SD =>
  prim('BYTES', optional, {
    name: 'org.apache.kafka.connect.data.Decimal',
    version: 1,
    parameters: [['scale', '2']],
  })
const str = (s: string): VD => ({ str: s })
const i32 = (n: number): VD => ({ i32: n })
const i64 = (n: number | string): VD => ({ i64: String(n) })
const f64bits = (x: number): string => {
  const b = Buffer.alloc(8)
  b.writeDoubleBE(x)
  return b.readBigUInt64BE().toString(16)
}
const f64 = (x: number): VD => ({ f64: f64bits(x) })
const bool = (b: boolean): VD => ({ bool: b })
const map = (entries: ReadonlyArray<readonly [string, VD]>): VD => ({
  map: entries.map(([k, v]) => [str(k), v]),
})
const struct = (entries: ReadonlyArray<readonly [string, VD]>): VD => ({ struct: entries })

const ADDRESS: SD = {
  type: 'STRUCT',
  optional: true,
  name: 'com.example.Address',
  fields: [
    { name: 'street', schema: prim('STRING') },
    { name: 'zip', schema: prim('INT32', true) },
  ],
}

/** A struct with every kind of field Kafka's transforms treat differently. */
const USER: SD = {
  type: 'STRUCT',
  optional: false,
  name: 'com.example.User',
  version: 3,
  doc: 'a user',
  fields: [
    { name: 'id', schema: prim('INT32') },
    { name: 'name', schema: prim('STRING', true) },
    { name: 'age', schema: prim('INT64', true, { default: i64(18) }) },
    { name: 'score', schema: prim('FLOAT64', true) },
    { name: 'active', schema: prim('BOOLEAN') },
    { name: 'small', schema: prim('INT8', true) },
    { name: 'ratio', schema: prim('FLOAT32', true) },
    { name: 'ts', schema: TIMESTAMP(true) },
    { name: 'day', schema: DATE(true) },
    { name: 'at', schema: TIME(true) },
    { name: 'amount', schema: DECIMAL(true) },
    { name: 'when', schema: prim('STRING', true) },
    { name: 'epoch', schema: prim('INT64', true) },
    { name: 'raw', schema: prim('BYTES', true) },
    { name: 'tags', schema: { type: 'ARRAY', optional: true, values: prim('STRING') } },
    { name: 'attrs', schema: { type: 'MAP', optional: true, keys: prim('STRING'), values: prim('STRING') } },
    { name: 'addr', schema: ADDRESS },
  ],
}

const FULL_USER = struct([
  ['id', i32(7)],
  ['name', str('Ada')],
  ['age', i64(36)],
  ['score', f64(9.5)],
  ['active', bool(true)],
  ['small', { i8: -3 }],
  ['ratio', { f32: '3fc00000' }],
  ['ts', { date: 1_700_000_123_456 }],
  ['day', { date: 19_000 * 86_400_000 }],
  ['at', { date: 3_723_004 }],
  ['amount', { dec: ['12345', 2] }],
  ['when', str('2024-01-15 10:20:30')],
  ['epoch', i64(1_700_000_000_000)],
  ['raw', { bytes: 'AQID' }],
  ['tags', { arr: [str('a'), str('b')] }],
  ['attrs', map([['k', str('v')]])],
  [
    'addr',
    struct([
      ['street', str('Main St')],
      ['zip', i32(12345)],
    ]),
  ],
])

/** Values at the edges of Java's narrowing and parsing: saturation, wrap-around, beyond 2^53, negative zero. */
const EXTREME_USER = struct([
  ['id', i32(2147483647)],
  ['name', str(' 12 ')],
  ['age', i64('9007199254740993')],
  ['score', f64(1e20)],
  ['active', bool(false)],
  ['small', { i8: -128 }],
  ['ratio', { f32: 'bf000000' }],
  ['ts', { date: -1 }],
  ['amount', { dec: ['-999999999999999999999', 3] }],
  ['when', str('1999-12-31 23:59:59')],
  ['epoch', i64('-1')],
  ['tags', { arr: [] }],
  ['attrs', { map: [] }],
])

const SPARSE_USER = struct([
  ['id', i32(8)],
  ['active', bool(false)],
])

const FLAT: SD = {
  type: 'STRUCT',
  optional: false,
  fields: [
    { name: 'a', schema: prim('INT32') },
    { name: 'b', schema: prim('STRING', true) },
    { name: 'c', schema: prim('INT64', true, { default: i64(5) }) },
    {
      name: 'n',
      schema: { type: 'STRUCT', optional: true, fields: [{ name: 'x', schema: prim('INT32', true) }] },
    },
  ],
}
const FLAT_VALUE = struct([
  ['a', i32(1)],
  ['b', str('two')],
  ['n', struct([['x', i32(9)]])],
])

const SCHEMALESS = map([
  ['id', i64(7)],
  ['name', str('Ada')],
  ['score', f64(9.5)],
  ['active', bool(true)],
  ['when', str('2024-01-15 10:20:30')],
  ['epoch', i64(1_700_000_000_000)],
  ['tags', { arr: [str('a'), str('b')] }],
  [
    'addr',
    map([
      ['street', str('Main St')],
      ['zip', i64(12345)],
    ]),
  ],
  ['nothing', null],
])

function rec(over: Partial<RecordDesc>): RecordDesc {
  return {
    topic: 'orders',
    partition: 2,
    keySchema: prim('STRING'),
    key: str('k1'),
    valueSchema: USER,
    value: FULL_USER,
    timestamp: 1_700_000_000_000,
    headers: [['h1', prim('STRING'), str('v1')]],
    ...over,
  }
}

const HEADERS: RecordDesc['headers'] = [
  ['h1', prim('STRING'), str('v1')],
  ['h2', prim('INT32'), i32(2)],
  ['h1', null, str('again')],
]

/** Records each transform sees, in order (one transform instance per op, so schema caches are exercised). */
const RECORDS = {
  full: rec({}),
  sparse: rec({ value: SPARSE_USER }),
  extreme: rec({ value: EXTREME_USER, key: str('') }),
  sink: rec({ offset: 42 }),
  schemaless: rec({
    keySchema: null,
    key: map([
      ['id', i64(7)],
      ['name', str('Ada')],
    ]),
    valueSchema: null,
    value: SCHEMALESS,
  }),
  tombstone: rec({ valueSchema: USER, value: null }),
  schemalessTombstone: rec({ valueSchema: null, value: null }),
  schemalessLogical: rec({
    valueSchema: null,
    value: map([
      ['id', i64(1)],
      ['amount', { dec: ['12345', 2] }],
      ['ts', { date: 1_700_000_123_456 }],
    ]),
  }),
  flat: rec({ valueSchema: FLAT, value: FLAT_VALUE, keySchema: FLAT, key: FLAT_VALUE }),
  headers: rec({ headers: HEADERS }),
  noTimestamp: rec({ timestamp: null, partition: null }),
  primitive: rec({
    keySchema: prim('INT64'),
    key: i64(300),
    valueSchema: prim('STRING', true),
    value: str('42'),
  }),
  schemalessPrimitive: rec({ keySchema: null, key: i64(300), valueSchema: null, value: str('hello') }),
}

const ALL = Object.values(RECORDS)

interface Case {
  readonly name: string
  readonly cls: string
  readonly config: Record<string, string>
  readonly records?: readonly RecordDesc[]
}

/** Transforms with `$Key`/`$Value`: each case runs for both. */
const KEY_VALUE_CASES: ReadonlyArray<{
  readonly name: string
  readonly base: string
  readonly config: Record<string, string>
}> = [
  {
    name: 'cast-fields',
    base: 'Cast',
    config: {
      spec: 'id:int64,name:string,score:int32,active:int8,small:float64,ratio:string,amount:float64,ts:int64,day:string,epoch:boolean',
    },
  },
  {
    name: 'cast-fields-nodefault',
    base: 'Cast',
    config: { spec: 'age:string', 'replace.null.with.default': 'false' },
  },
  { name: 'cast-raw-string', base: 'Cast', config: { spec: 'raw:string,at:int32,when:float32' } },
  { name: 'cast-raw-int', base: 'Cast', config: { spec: 'raw:int32' } },
  { name: 'cast-whole-int32', base: 'Cast', config: { spec: 'int32' } },
  { name: 'cast-whole-string', base: 'Cast', config: { spec: 'string' } },
  { name: 'cast-whole-float64', base: 'Cast', config: { spec: 'float64' } },
  { name: 'cast-whole-boolean', base: 'Cast', config: { spec: 'boolean' } },
  { name: 'cast-whole-int8', base: 'Cast', config: { spec: 'int8' } },
  { name: 'extract-id', base: 'ExtractField', config: { field: 'id' } },
  { name: 'extract-age', base: 'ExtractField', config: { field: 'age' } },
  {
    name: 'extract-age-nodefault',
    base: 'ExtractField',
    config: { field: 'age', 'replace.null.with.default': 'false' },
  },
  {
    name: 'extract-nested-v2',
    base: 'ExtractField',
    config: { field: 'addr.street', 'field.syntax.version': 'v2' },
  },
  { name: 'extract-nested-v1', base: 'ExtractField', config: { field: 'addr.street' } },
  {
    name: 'extract-backtick-v2',
    base: 'ExtractField',
    config: { field: '`addr`.zip', 'field.syntax.version': 'V2' },
  },
  { name: 'extract-missing', base: 'ExtractField', config: { field: 'nope' } },
  { name: 'flatten-default', base: 'Flatten', config: {} },
  { name: 'flatten-underscore', base: 'Flatten', config: { delimiter: '_' } },
  {
    name: 'headerfrom-copy',
    base: 'HeaderFrom',
    config: { fields: 'id,name', headers: 'hid,hname', operation: 'copy' },
  },
  {
    name: 'headerfrom-move',
    base: 'HeaderFrom',
    config: { fields: 'id,age', headers: 'hid,hage', operation: 'move' },
  },
  {
    name: 'headerfrom-move-nodefault',
    base: 'HeaderFrom',
    config: { fields: 'age', headers: 'hage', operation: 'move', 'replace.null.with.default': 'false' },
  },
  {
    name: 'headerfrom-missing',
    base: 'HeaderFrom',
    config: { fields: 'nope', headers: 'h', operation: 'copy' },
  },
  { name: 'hoist', base: 'HoistField', config: { field: 'wrapped' } },
  {
    name: 'insert-all',
    base: 'InsertField',
    config: {
      'topic.field': 'topic',
      'partition.field': 'part!',
      'timestamp.field': 'ts_ins?',
      'static.field': 'origin',
      'static.value': 'sluice',
    },
  },
  { name: 'insert-offset', base: 'InsertField', config: { 'offset.field': 'off' } },
  {
    name: 'insert-required',
    base: 'InsertField',
    config: { 'topic.field': 'topic!', 'static.field': 'st!', 'static.value': 'x' },
  },
  {
    name: 'mask-null',
    base: 'MaskField',
    config: { fields: 'id,name,score,active,small,ratio,amount,ts,tags,attrs' },
  },
  { name: 'mask-replacement', base: 'MaskField', config: { fields: 'id,name,age,score', replacement: '99' } },
  { name: 'mask-replacement-bad', base: 'MaskField', config: { fields: 'id', replacement: 'abc' } },
  { name: 'mask-bytes', base: 'MaskField', config: { fields: 'raw' } },
  { name: 'mask-struct', base: 'MaskField', config: { fields: 'addr' } },
  { name: 'replace-exclude', base: 'ReplaceField', config: { exclude: 'raw,tags,name' } },
  {
    name: 'replace-include-rename',
    base: 'ReplaceField',
    config: { include: 'id,name,age', renames: 'id:user_id,age:years' },
  },
  {
    name: 'replace-rename-nodefault',
    base: 'ReplaceField',
    config: { renames: 'age:years', 'replace.null.with.default': 'false' },
  },
  { name: 'setschema-name', base: 'SetSchemaMetadata', config: { 'schema.name': 'com.example.Renamed' } },
  { name: 'setschema-version', base: 'SetSchemaMetadata', config: { 'schema.version': '9' } },
  {
    name: 'ts-field-string',
    base: 'TimestampConverter',
    config: { field: 'ts', 'target.type': 'string', format: "yyyy-MM-dd'T'HH:mm:ss.SSS" },
  },
  {
    name: 'ts-field-unix-seconds',
    base: 'TimestampConverter',
    config: { field: 'ts', 'target.type': 'unix', 'unix.precision': 'seconds' },
  },
  {
    name: 'ts-parse-string',
    base: 'TimestampConverter',
    config: { field: 'when', 'target.type': 'Timestamp', format: 'yyyy-MM-dd HH:mm:ss' },
  },
  { name: 'ts-epoch-date', base: 'TimestampConverter', config: { field: 'epoch', 'target.type': 'Date' } },
  { name: 'ts-epoch-time', base: 'TimestampConverter', config: { field: 'epoch', 'target.type': 'Time' } },
  {
    name: 'ts-epoch-micros',
    base: 'TimestampConverter',
    config: { field: 'epoch', 'target.type': 'unix', 'unix.precision': 'microseconds' },
  },
  {
    name: 'ts-day-string',
    base: 'TimestampConverter',
    config: { field: 'day', 'target.type': 'string', format: 'EEE, d MMM yyyy' },
  },
  { name: 'ts-whole', base: 'TimestampConverter', config: { 'target.type': 'Timestamp' } },
  { name: 'ts-wrong-field', base: 'TimestampConverter', config: { field: 'name', 'target.type': 'unix' } },
]

const SINGLE_CASES: Case[] = [
  { name: 'dropheaders', cls: `${T}DropHeaders`, config: { headers: 'h1' } },
  { name: 'filter', cls: `${T}Filter`, config: {} },
  {
    name: 'insertheader-string',
    cls: `${T}InsertHeader`,
    config: { header: 'added', 'value.literal': 'hello' },
  },
  { name: 'insertheader-number', cls: `${T}InsertHeader`, config: { header: 'n', 'value.literal': '42' } },
  {
    name: 'insertheader-map',
    cls: `${T}InsertHeader`,
    config: { header: 'm', 'value.literal': '{"a":1,"b":[true,2.5]}' },
  },
  { name: 'regexrouter', cls: `${T}RegexRouter`, config: { regex: '(ord)ers', replacement: '$1-routed' } },
  { name: 'regexrouter-nomatch', cls: `${T}RegexRouter`, config: { regex: 'x.*', replacement: 'y' } },
  {
    name: 'regexrouter-named',
    cls: `${T}RegexRouter`,
    config: { regex: '(?<base>o.*)s', replacement: 'p.${base}' },
  },
  { name: 'timestamprouter', cls: `${T}TimestampRouter`, config: {} },
  {
    name: 'timestamprouter-format',
    cls: `${T}TimestampRouter`,
    config: { 'topic.format': 'x_${topic}_${timestamp}', 'timestamp.format': 'yyyy-MM-dd-HH' },
  },
  { name: 'valuetokey', cls: `${T}ValueToKey`, config: { fields: 'id,age' } },
  {
    name: 'valuetokey-nested',
    cls: `${T}ValueToKey`,
    config: { fields: 'id,addr.zip', 'field.syntax.version': 'V2' },
  },
  { name: 'valuetokey-missing', cls: `${T}ValueToKey`, config: { fields: 'nope' } },
]

const PREDICATE_CASES: Case[] = [
  { name: 'hasheader-h2', cls: `${P}HasHeaderKey`, config: { name: 'h2' } },
  { name: 'hasheader-h1', cls: `${P}HasHeaderKey`, config: { name: 'h1' } },
  { name: 'tombstone', cls: `${P}RecordIsTombstone`, config: {} },
  { name: 'topicmatches', cls: `${P}TopicNameMatches`, config: { pattern: 'ord.*' } },
  { name: 'topicmatches-partial', cls: `${P}TopicNameMatches`, config: { pattern: 'ord' } },
]

/** Bad or edge configs: validation messages and configure errors are compared. */
const VALIDATE_CASES: Case[] = [
  { name: 'cast-empty', cls: `${T}Cast$Value`, config: { spec: '' } },
  { name: 'cast-badtype', cls: `${T}Cast$Value`, config: { spec: 'a:foo' } },
  { name: 'cast-bytes-out', cls: `${T}Cast$Value`, config: { spec: 'a:bytes' } },
  { name: 'cast-two-whole', cls: `${T}Cast$Value`, config: { spec: 'int8,int16' } },
  { name: 'cast-three-parts', cls: `${T}Cast$Value`, config: { spec: 'a:b:c' } },
  { name: 'cast-missing', cls: `${T}Cast$Value`, config: {} },
  { name: 'mask-empty', cls: `${T}MaskField$Value`, config: { fields: '' } },
  { name: 'mask-dup', cls: `${T}MaskField$Value`, config: { fields: 'a,a' } },
  { name: 'mask-empty-replacement', cls: `${T}MaskField$Value`, config: { fields: 'a', replacement: '' } },
  { name: 'dropheaders-missing', cls: `${T}DropHeaders`, config: {} },
  {
    name: 'headerfrom-mismatch',
    cls: `${T}HeaderFrom$Value`,
    config: { fields: 'a,b', headers: 'x', operation: 'copy' },
  },
  {
    name: 'headerfrom-badop',
    cls: `${T}HeaderFrom$Value`,
    config: { fields: 'a', headers: 'x', operation: 'swap' },
  },
  {
    name: 'headerfrom-empty',
    cls: `${T}HeaderFrom$Key`,
    config: { fields: '', headers: '', operation: 'move' },
  },
  { name: 'insert-none', cls: `${T}InsertField$Value`, config: {} },
  { name: 'insert-static-novalue', cls: `${T}InsertField$Value`, config: { 'static.field': 'x' } },
  { name: 'insertheader-missing', cls: `${T}InsertHeader`, config: { header: 'x' } },
  { name: 'replace-badrename', cls: `${T}ReplaceField$Value`, config: { renames: 'a:b,c' } },
  { name: 'setschema-none', cls: `${T}SetSchemaMetadata$Value`, config: {} },
  { name: 'setschema-badversion', cls: `${T}SetSchemaMetadata$Value`, config: { 'schema.version': 'x' } },
  { name: 'ts-no-type', cls: `${T}TimestampConverter$Value`, config: {} },
  { name: 'ts-bad-type', cls: `${T}TimestampConverter$Value`, config: { 'target.type': 'date' } },
  { name: 'ts-string-noformat', cls: `${T}TimestampConverter$Value`, config: { 'target.type': 'string' } },
  {
    name: 'ts-bad-precision',
    cls: `${T}TimestampConverter$Value`,
    config: { 'target.type': 'unix', 'unix.precision': 'hours' },
  },
  {
    name: 'extract-bad-syntax',
    cls: `${T}ExtractField$Value`,
    config: { field: 'a', 'field.syntax.version': 'V3' },
  },
  {
    name: 'extract-bad-backtick',
    cls: `${T}ExtractField$Value`,
    config: { field: '`a.b', 'field.syntax.version': 'V2' },
  },
  { name: 'valuetokey-empty', cls: `${T}ValueToKey`, config: { fields: '' } },
  { name: 'regexrouter-missing', cls: `${T}RegexRouter`, config: { regex: 'a' } },
  { name: 'regexrouter-badregex', cls: `${T}RegexRouter`, config: { regex: '(', replacement: 'x' } },
  { name: 'topicmatches-badregex', cls: `${P}TopicNameMatches`, config: { pattern: '[a' } },
  { name: 'hasheader-empty', cls: `${P}HasHeaderKey`, config: { name: '' } },
  { name: 'topicmatches-missing', cls: `${P}TopicNameMatches`, config: {} },
  { name: 'hoist-ok', cls: `${T}HoistField$Value`, config: { field: 'x' } },
]

/** Every class Kafka 4.4 ships (its META-INF/services lists), for the ConfigDef comparison. */
export const ALL_CLASSES: readonly string[] = [
  ...[
    'Cast',
    'ExtractField',
    'Flatten',
    'HeaderFrom',
    'HoistField',
    'InsertField',
    'MaskField',
    'ReplaceField',
    'SetSchemaMetadata',
    'TimestampConverter',
  ].flatMap((b) => [`${T}${b}$Key`, `${T}${b}$Value`]),
  ...['DropHeaders', 'Filter', 'InsertHeader', 'RegexRouter', 'TimestampRouter', 'ValueToKey'].map(
    (b) => `${T}${b}`,
  ),
  ...['HasHeaderKey', 'RecordIsTombstone', 'TopicNameMatches'].map((b) => `${P}${b}`),
]

/** The whole corpus. */
export function transformsCorpus(): CorpusOp[] {
  const ops: CorpusOp[] = []
  for (const cls of ALL_CLASSES) ops.push({ id: `configdef:${cls}`, op: 'configdef', class: cls })
  for (const c of KEY_VALUE_CASES) {
    for (const side of ['Key', 'Value']) {
      ops.push({
        id: `apply:${c.name}$${side}`,
        op: 'apply',
        class: `${T}${c.base}$${side}`,
        config: c.config,
        records: ALL,
      })
    }
  }
  for (const c of SINGLE_CASES)
    ops.push({
      id: `apply:${c.name}`,
      op: 'apply',
      class: c.cls,
      config: c.config,
      records: c.records ?? ALL,
    })
  for (const c of PREDICATE_CASES)
    ops.push({ id: `test:${c.name}`, op: 'test', class: c.cls, config: c.config, records: ALL })
  for (const c of VALIDATE_CASES)
    ops.push({ id: `validate:${c.name}`, op: 'validate', class: c.cls, config: c.config })
  return ops
}

/** Record names in the order of RECORDS, for messages. */
export const RECORD_NAMES: readonly string[] = Object.keys(RECORDS)
