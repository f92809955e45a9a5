import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  AbstractConfig,
  ConfigDef,
  convertToString,
  NO_DEFAULT_VALUE,
  Password,
  parseConfigValue,
  Range,
  type Recommender,
  ValidString,
} from '../../src/config/index.js'
import { ConfigError } from '../../src/errors.js'

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn()
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`)
    return err
  }
  assert.fail('expected a ConfigError')
}

const FILE_SOURCE = new ConfigDef()
  .define({ name: 'file', type: 'STRING', importance: 'HIGH', documentation: 'Source filename.' })
  .define({ name: 'topic', type: 'LIST', importance: 'HIGH', documentation: 'Topics.' })
  .define({
    name: 'batch.size',
    type: 'INT',
    defaultValue: 2000,
    validator: Range.atLeast(1),
    importance: 'LOW',
    documentation: 'Max records per poll.',
  })

test('parse: types, defaults, unknown keys kept', () => {
  const parsed = FILE_SOURCE.parse({ file: ' /tmp/in.txt ', topic: 'a, b ,c', extra: 'kept' })
  assert.deepEqual(parsed, { file: '/tmp/in.txt', topic: ['a', 'b', 'c'], 'batch.size': 2000, extra: 'kept' })
  assert.equal(FILE_SOURCE.parse({ file: 'f', topic: '', 'batch.size': ' 10 ' })['batch.size'], 10)
  assert.deepEqual(FILE_SOURCE.parse({ file: 'f', topic: '' }).topic, [])
})

test("parse: missing required key has Kafka's message", () => {
  const err = errorOf(() => FILE_SOURCE.parse({ topic: 't' }))
  assert.equal(err.message, 'Missing required configuration "file" which has no default value.')
  assert.deepEqual(err.errors, {
    file: ['Missing required configuration "file" which has no default value.'],
  })
  assert.equal(err.code, 'XC_CONFIG_INVALID')
})

test('parse: every failing key is reported in one error', () => {
  const err = errorOf(() => FILE_SOURCE.parse({ 'batch.size': 'abc' }))
  assert.deepEqual(Object.keys(err.errors).sort(), ['batch.size', 'file', 'topic'])
  assert.deepEqual(err.errors['batch.size'], [
    'Invalid value abc for configuration batch.size: Not a number of type INT',
  ])
  assert.equal(
    err.message,
    [
      'Configuration is invalid and contains the following 3 error(s):',
      'Missing required configuration "file" which has no default value.',
      'Missing required configuration "topic" which has no default value.',
      'Invalid value abc for configuration batch.size: Not a number of type INT',
    ].join('\n'),
  )
  const rangeErr = errorOf(() => FILE_SOURCE.parse({ file: 'f', topic: 't', 'batch.size': '0' }))
  assert.equal(rangeErr.message, 'Invalid value 0 for configuration batch.size: Value must be at least 1')
})

test('parseConfigValue: INT/SHORT/LONG ranges and syntax like Java', () => {
  assert.equal(parseConfigValue('k', '2147483647', 'INT'), 2147483647)
  assert.equal(parseConfigValue('k', '-2147483648', 'INT'), -2147483648)
  assert.equal(parseConfigValue('k', '+5', 'INT'), 5)
  assert.throws(() => parseConfigValue('k', '2147483648', 'INT'), {
    message: 'Invalid value 2147483648 for configuration k: Not a number of type INT',
  })
  assert.throws(() => parseConfigValue('k', '1.0', 'INT'), { message: /Not a number of type INT/ })
  assert.throws(() => parseConfigValue('k', '', 'INT'), {
    message: 'Invalid value  for configuration k: Not a number of type INT',
  })
  assert.throws(() => parseConfigValue('k', true, 'INT'), {
    message:
      'Invalid value true for configuration k: Expected value to be a 32-bit integer, but it was a boolean',
  })
  assert.equal(parseConfigValue('k', '32767', 'SHORT'), 32767)
  assert.throws(() => parseConfigValue('k', '32768', 'SHORT'), { message: /Not a number of type SHORT/ })
  assert.throws(() => parseConfigValue('k', {}, 'SHORT'), {
    message: /Expected value to be a 16-bit integer \(short\), but it was a Object/,
  })
  assert.equal(parseConfigValue('k', '9007199254740991', 'LONG'), 9007199254740991)
  assert.equal(parseConfigValue('k', '9223372036854775807', 'LONG'), 9223372036854775807n)
  assert.equal(parseConfigValue('k', '-9223372036854775808', 'LONG'), -9223372036854775808n)
  assert.throws(() => parseConfigValue('k', '9223372036854775808', 'LONG'), {
    message: /Not a number of type LONG/,
  })
  assert.equal(parseConfigValue('k', 60000, 'LONG'), 60000)
  assert.equal(parseConfigValue('k', 5n, 'LONG'), 5)
})

test('parseConfigValue: BOOLEAN, DOUBLE, STRING, LIST, CLASS, PASSWORD, null', () => {
  assert.equal(parseConfigValue('k', 'TRUE', 'BOOLEAN'), true)
  assert.equal(parseConfigValue('k', ' False ', 'BOOLEAN'), false)
  assert.equal(parseConfigValue('k', false, 'BOOLEAN'), false)
  assert.throws(() => parseConfigValue('k', 'yes', 'BOOLEAN'), {
    message: 'Invalid value yes for configuration k: Expected value to be either true or false',
  })
  assert.equal(parseConfigValue('k', '1e3', 'DOUBLE'), 1000)
  assert.equal(parseConfigValue('k', '.5', 'DOUBLE'), 0.5)
  assert.equal(parseConfigValue('k', '2.5d', 'DOUBLE'), 2.5)
  assert.ok(Number.isNaN(parseConfigValue('k', 'NaN', 'DOUBLE')))
  assert.throws(() => parseConfigValue('k', '1,5', 'DOUBLE'), { message: /Not a number of type DOUBLE/ })
  assert.throws(() => parseConfigValue('k', 5, 'STRING'), {
    message: 'Invalid value 5 for configuration k: Expected value to be a string, but it was a number',
  })
  assert.deepEqual(parseConfigValue('k', ' a ,b,, c ', 'LIST'), ['a', 'b', '', 'c'])
  assert.deepEqual(parseConfigValue('k', 'a,', 'LIST'), ['a', ''])
  assert.deepEqual(parseConfigValue('k', ['x', 'y'], 'LIST'), ['x', 'y'])
  assert.throws(() => parseConfigValue('k', 5, 'LIST'), {
    message: 'Invalid value 5 for configuration k: Expected a comma separated list.',
  })
  assert.equal(parseConfigValue('k', ' org.example.Foo ', 'CLASS'), 'org.example.Foo')
  class Foo {}
  assert.equal(parseConfigValue('k', Foo, 'CLASS'), Foo)
  assert.throws(() => parseConfigValue('k', 1, 'CLASS'), {
    message: /Expected a Class instance or class name\./,
  })
  const p = parseConfigValue('k', ' s3cr3t ', 'PASSWORD')
  assert.ok(p instanceof Password)
  assert.equal(p.value(), 's3cr3t')
  assert.equal(parseConfigValue('k', null, 'INT'), null)
})

test('password values are masked in messages, strings and JSON', () => {
  const def = new ConfigDef().define({
    name: 'db.password',
    type: 'PASSWORD',
    importance: 'HIGH',
    documentation: 'Password.',
    validator: ValidString.in('never'),
  })
  const err = errorOf(() => def.parse({ 'db.password': 'hunter2' }))
  assert.ok(!err.message.includes('hunter2'), err.message)
  assert.match(err.message, /^Invalid value \[hidden\] for configuration db.password: /)
  const pw = new Password('hunter2')
  assert.equal(String(pw), '[hidden]')
  assert.equal(JSON.stringify({ pw }), '{"pw":"[hidden]"}')
  assert.equal(convertToString(pw, 'PASSWORD'), '[hidden]')
  assert.ok(pw.equals(new Password('hunter2')))
  assert.ok(!pw.equals(new Password('x')))
})

test('define: defaults are parsed and validated; duplicates rejected; attribute defaults', () => {
  const def = new ConfigDef()
    .define({ name: 'a', type: 'INT', defaultValue: '42', importance: 'LOW', documentation: '' })
    .define({ name: 'b', type: 'STRING', defaultValue: null, importance: 'LOW', documentation: '' })
    .define({
      name: 'c',
      type: 'STRING',
      defaultValue: NO_DEFAULT_VALUE,
      importance: 'LOW',
      documentation: '',
    })
    .define({ name: 'd', type: 'STRING', defaultValue: '', importance: 'LOW', documentation: '' })
  assert.equal(def.configKey('a')?.defaultValue, 42)
  assert.equal(def.configKey('b')?.hasDefault, true)
  assert.equal(def.configKey('c')?.hasDefault, false)
  assert.equal(def.configKey('d')?.hasDefault, true, 'the empty string is a real default')
  const key = def.configKey('a')
  assert.equal(key?.displayName, 'a')
  assert.equal(key?.orderInGroup, -1)
  assert.equal(key?.width, 'NONE')
  assert.equal(key?.group, undefined)
  assert.deepEqual(def.parse({ c: 'x' }), { a: 42, b: null, c: 'x', d: '' })
  assert.throws(() => def.define({ name: 'a', type: 'INT', importance: 'LOW', documentation: '' }), {
    message: 'Configuration a is defined twice.',
  })
  assert.throws(
    () =>
      new ConfigDef().define({
        name: 'n',
        type: 'INT',
        defaultValue: 0,
        validator: Range.atLeast(1),
        importance: 'LOW',
        documentation: '',
      }),
    { message: 'Invalid value 0 for configuration n: Value must be at least 1' },
  )
  assert.throws(
    () =>
      new ConfigDef().define({
        name: 'n',
        type: 'INT',
        defaultValue: 'x',
        importance: 'LOW',
        documentation: '',
      }),
    {
      message: 'Invalid value x for configuration n: Not a number of type INT',
    },
  )
  assert.deepEqual(def.names(), ['a', 'b', 'c', 'd'])
  assert.deepEqual(def.defaultValues(), { a: 42, b: null, d: '' })
})

test('validate: never throws, reports values, errors and definition order', () => {
  const values = FILE_SOURCE.validate({ topic: 'x,y', 'batch.size': 'abc', unknown: '1' })
  assert.deepEqual(
    values.map((v) => [v.name, v.value, v.errorMessages]),
    [
      ['file', null, ['Missing required configuration "file" which has no default value.']],
      ['topic', ['x', 'y'], []],
      [
        'batch.size',
        null,
        [
          'Invalid value abc for configuration batch.size: Not a number of type INT',
          'Invalid value null for configuration batch.size: Value must be non-null',
        ],
      ],
    ],
  )
  assert.deepEqual(values[0]?.errors, values[0]?.errorMessages)
  assert.ok(values.every((v) => v.visible))
})

test('validate: recommenders drive recommended values and visibility of dependents', () => {
  const modeRecommender: Recommender = {
    validValues: () => ['bulk', 'incrementing'],
    visible: () => true,
  }
  const columnRecommender: Recommender = {
    validValues: (_name, parsed) => (parsed.mode === 'incrementing' ? ['id', 'seq'] : []),
    visible: (_name, parsed) => parsed.mode === 'incrementing',
  }
  const def = new ConfigDef()
    .define({
      name: 'mode',
      type: 'STRING',
      defaultValue: 'bulk',
      importance: 'HIGH',
      documentation: 'Mode.',
      dependents: ['incrementing.column.name'],
      recommender: modeRecommender,
    })
    .define({
      name: 'incrementing.column.name',
      type: 'STRING',
      defaultValue: '',
      importance: 'MEDIUM',
      documentation: 'Column.',
      recommender: columnRecommender,
    })
  const bulk = def.validateAll({})
  assert.deepEqual(bulk.get('mode')?.recommendedValues, ['bulk', 'incrementing'])
  assert.equal(bulk.get('incrementing.column.name')?.visible, false)
  const inc = def.validateAll({ mode: 'incrementing' })
  assert.equal(inc.get('incrementing.column.name')?.visible, true)
  assert.deepEqual(inc.get('incrementing.column.name')?.recommendedValues, ['id', 'seq'])
})

test('undefined dependents: validate reports them, parse throws', () => {
  const def = new ConfigDef().define({
    name: 'a',
    type: 'STRING',
    defaultValue: 'x',
    importance: 'LOW',
    documentation: '',
    dependents: ['ghost'],
  })
  const ghost = def.validateAll({}).get('ghost')
  assert.deepEqual(ghost?.errorMessages, ['ghost is referred in the dependents, but not defined.'])
  assert.equal(ghost?.visible, false)
  assert.throws(() => def.parse({}), {
    message: 'Some configurations in are referred in the dependents, but not defined: ghost',
  })
})

test('embed prefixes keys, groups, orders, dependents; validators see unprefixed names', () => {
  const child = new ConfigDef()
    .define({
      name: 'field',
      type: 'STRING',
      importance: 'HIGH',
      documentation: 'Field.',
      dependents: ['replacement'],
    })
    .define({
      name: 'replacement',
      type: 'STRING',
      defaultValue: 'x',
      importance: 'LOW',
      documentation: 'Repl.',
      group: 'Advanced',
    })
    .define({
      name: 'count',
      type: 'INT',
      defaultValue: 1,
      validator: Range.between(1, 5),
      importance: 'MEDIUM',
      documentation: 'N.',
    })
  const def = new ConfigDef().define({
    name: 'transforms',
    type: 'LIST',
    defaultValue: '',
    importance: 'LOW',
    documentation: '',
  })
  def.embed('transforms.mask.', 'Transforms: mask', 0, child)
  assert.deepEqual(def.names(), [
    'transforms',
    'transforms.mask.field',
    'transforms.mask.count',
    'transforms.mask.replacement',
  ])
  assert.equal(def.configKey('transforms.mask.field')?.group, 'Transforms: mask')
  assert.equal(def.configKey('transforms.mask.replacement')?.group, 'Transforms: mask: Advanced')
  assert.deepEqual(
    def
      .names()
      .slice(1)
      .map((n) => def.configKey(n)?.orderInGroup),
    [0, 1, 2],
  )
  assert.deepEqual(def.configKey('transforms.mask.field')?.dependents, ['transforms.mask.replacement'])
  assert.deepEqual(def.groups(), ['Transforms: mask', 'Transforms: mask: Advanced'])
  const err = errorOf(() => def.parse({ 'transforms.mask.field': 'f', 'transforms.mask.count': '9' }))
  assert.equal(err.message, 'Invalid value 9 for configuration count: Value must be no more than 5')
  assert.deepEqual(Object.keys(err.errors), ['transforms.mask.count'])
  assert.equal(def.configKey('transforms.mask.count')?.validator?.toString(), '[1,...,5]')
})

test('merge combines defs; copy constructor; duplicate policies', () => {
  const base = new ConfigDef()
    .define({ name: 'name', type: 'STRING', importance: 'HIGH', documentation: '', group: 'Common' })
    .define({
      name: 'tasks.max',
      type: 'INT',
      defaultValue: 1,
      importance: 'HIGH',
      documentation: '',
      group: 'Common',
    })
  const own = new ConfigDef().define({
    name: 'file',
    type: 'STRING',
    defaultValue: '',
    importance: 'HIGH',
    documentation: '',
    group: 'File',
  })
  const merged = ConfigDef.merge(base, own)
  assert.deepEqual(merged.names(), ['name', 'tasks.max', 'file'])
  assert.deepEqual(merged.groups(), ['Common', 'File'])
  assert.deepEqual(base.names(), ['name', 'tasks.max'], 'inputs untouched')
  const copy = new ConfigDef(base).merge(own)
  assert.deepEqual(copy.names(), ['name', 'tasks.max', 'file'])
  const clash = new ConfigDef().define({
    name: 'tasks.max',
    type: 'INT',
    defaultValue: 3,
    importance: 'LOW',
    documentation: '',
  })
  assert.throws(() => new ConfigDef(base).merge(clash), {
    message: 'Configuration tasks.max is defined twice.',
  })
  assert.equal(new ConfigDef(base).merge(clash, 'keep').configKey('tasks.max')?.defaultValue, 1)
  assert.equal(new ConfigDef(base).merge(clash, 'replace').configKey('tasks.max')?.defaultValue, 3)
})

test('sortedConfigs: required first, then importance, then name', () => {
  const def = new ConfigDef()
    .define({ name: 'z.low', type: 'STRING', defaultValue: '', importance: 'LOW', documentation: '' })
    .define({ name: 'b.high', type: 'STRING', defaultValue: '', importance: 'HIGH', documentation: '' })
    .define({ name: 'a.high', type: 'STRING', defaultValue: '', importance: 'HIGH', documentation: '' })
    .define({ name: 'y.required', type: 'STRING', importance: 'LOW', documentation: '' })
  assert.deepEqual(
    def.sortedConfigs().map((k) => k.name),
    ['y.required', 'a.high', 'b.high', 'z.low'],
  )
})

test('convertToString follows Java', () => {
  assert.equal(convertToString(null, 'STRING'), null)
  assert.equal(convertToString(['a', 'b'], 'LIST'), 'a,b')
  assert.equal(convertToString([], 'LIST'), '')
  assert.equal(convertToString(1, 'DOUBLE'), '1.0')
  assert.equal(convertToString(0.5, 'DOUBLE'), '0.5')
  assert.equal(convertToString(1e7, 'DOUBLE'), '1.0E7')
  assert.equal(convertToString(1.5e-5, 'DOUBLE'), '1.5E-5')
  assert.equal(convertToString(60000, 'LONG'), '60000')
  assert.equal(convertToString(9223372036854775807n, 'LONG'), '9223372036854775807')
  assert.equal(convertToString(true, 'BOOLEAN'), 'true')
  class MyConverter {}
  assert.equal(convertToString(MyConverter, 'CLASS'), 'MyConverter')
  assert.equal(convertToString('org.x.Y', 'CLASS'), 'org.x.Y')
})

test('AbstractConfig: typed getters, originals and prefixes', () => {
  const cfg = new AbstractConfig(FILE_SOURCE, {
    file: 'f',
    topic: 't1,t2',
    'key.converter.schemas.enable': 'false',
    'key.converter': 'JsonConverter',
  })
  assert.equal(cfg.getString('file'), 'f')
  assert.deepEqual(cfg.getList('topic'), ['t1', 't2'])
  assert.equal(cfg.getInt('batch.size'), 2000)
  assert.throws(() => cfg.get('nope'), { message: "Unknown configuration 'nope'" })
  assert.deepEqual(cfg.originalsWithPrefix('key.converter.'), { 'schemas.enable': 'false' })
  assert.deepEqual(cfg.originalsWithPrefix('key.converter.', false), {
    'key.converter.schemas.enable': 'false',
  })
  assert.equal(cfg.originals()['key.converter'], 'JsonConverter')
  assert.deepEqual(Object.keys(cfg.values()), ['file', 'topic', 'batch.size'])
  assert.throws(() => new AbstractConfig(FILE_SOURCE, {}), ConfigError)
})
