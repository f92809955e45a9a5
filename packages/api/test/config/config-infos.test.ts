import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  ConfigDef,
  ConfigValue,
  configDocs,
  configInfos,
  configRst,
  generateConfigInfos,
  mergeConfigInfos,
  Range,
  ValidString,
} from '../../src/config/index.js'

const DEF = new ConfigDef()
  .define({
    name: 'name',
    type: 'STRING',
    importance: 'HIGH',
    documentation: 'Globally unique name.',
    group: 'Common',
    orderInGroup: 1,
    width: 'MEDIUM',
    displayName: 'Connector name',
  })
  .define({
    name: 'tasks.max',
    type: 'INT',
    defaultValue: 1,
    validator: Range.atLeast(1),
    importance: 'HIGH',
    documentation: 'Maximum number of tasks.',
    group: 'Common',
    orderInGroup: 3,
    width: 'SHORT',
    displayName: 'Tasks max',
  })
  .define({ name: 'topics', type: 'LIST', defaultValue: 'a,b', importance: 'HIGH', documentation: 'Topics.' })
  .define({ name: 'ratio', type: 'DOUBLE', defaultValue: 1, importance: 'LOW', documentation: 'Ratio.' })
  .define({
    name: 'secret',
    type: 'PASSWORD',
    defaultValue: 'dflt',
    importance: 'MEDIUM',
    documentation: 'Secret.',
  })
  .define({
    name: 'errors.tolerance',
    type: 'STRING',
    defaultValue: 'none',
    validator: ValidString.in('none', 'all'),
    importance: 'MEDIUM',
    documentation: 'Tolerance | pipes.',
    group: 'Error Handling',
  })
  .define({
    name: 'internal.thing',
    type: 'STRING',
    defaultValue: '',
    importance: 'LOW',
    documentation: 'Hidden.',
    internal: true,
  })

test("configInfos produces Kafka Connect's exact JSON shape and order", () => {
  const body = configInfos('org.example.MySink', DEF, { 'tasks.max': '0', secret: 'hunter2', topics: 'x, y' })
  assert.equal(body.name, 'org.example.MySink')
  assert.equal(body.error_count, 2)
  assert.deepEqual(body.groups, ['Common', 'Error Handling'])
  const first = body.configs[0]
  assert.deepEqual(first, {
    definition: {
      name: 'name',
      type: 'STRING',
      required: true,
      default_value: null,
      importance: 'HIGH',
      documentation: 'Globally unique name.',
      group: 'Common',
      order_in_group: 1,
      width: 'MEDIUM',
      display_name: 'Connector name',
      dependents: [],
    },
    value: {
      name: 'name',
      value: null,
      recommended_values: [],
      errors: ['Missing required configuration "name" which has no default value.'],
      visible: true,
    },
  })
  assert.deepEqual(Object.keys(first?.definition ?? {}), [
    'name',
    'type',
    'required',
    'default_value',
    'importance',
    'documentation',
    'group',
    'order_in_group',
    'width',
    'display_name',
    'dependents',
  ])
  const byName = new Map(body.configs.map((c) => [c.definition?.name, c]))
  assert.deepEqual(byName.get('tasks.max')?.value?.errors, [
    'Invalid value 0 for configuration tasks.max: Value must be at least 1',
  ])
  assert.equal(byName.get('tasks.max')?.value?.value, '0')
  assert.equal(byName.get('tasks.max')?.definition?.default_value, '1')
  assert.equal(byName.get('topics')?.value?.value, 'x,y')
  assert.equal(byName.get('topics')?.definition?.default_value, 'a,b')
  assert.equal(byName.get('ratio')?.definition?.default_value, '1.0')
  assert.equal(byName.get('secret')?.value?.value, '[hidden]')
  assert.equal(byName.get('secret')?.definition?.default_value, '[hidden]')
  assert.equal(byName.get('secret')?.definition?.type, 'PASSWORD')
  assert.equal(byName.get('ratio')?.definition?.group, null)
  assert.equal(byName.get('ratio')?.definition?.order_in_group, -1)
  assert.equal(byName.get('ratio')?.definition?.width, 'NONE')
  assert.ok(!JSON.stringify(body).includes('hunter2'))
})

test('generateConfigInfos: values without keys come first with a null definition', () => {
  const extra = new ConfigValue('producer.override.acks', 'all')
  extra.addErrorMessage('not allowed')
  const values = [...DEF.validate({ name: 'c' }), extra]
  const infos = generateConfigInfos('C', DEF.configKeys(), values, DEF.groups())
  assert.equal(infos.configs[0]?.definition, null)
  assert.deepEqual(infos.configs[0]?.value, {
    name: 'producer.override.acks',
    value: 'all',
    recommended_values: [],
    errors: ['not allowed'],
    visible: true,
  })
  assert.equal(infos.error_count, 1)
  const noValues = generateConfigInfos('C', DEF.configKeys(), [], [])
  assert.equal(noValues.configs[0]?.value, null)
  const merged = mergeConfigInfos('C', infos, null, {
    name: 'x',
    error_count: 2,
    groups: ['Common', 'Converter'],
    configs: [],
  })
  assert.equal(merged.error_count, 3)
  assert.deepEqual(merged.groups, ['Common', 'Error Handling', 'Converter'])
  assert.equal(merged.configs.length, infos.configs.length)
})

test('configDocs renders a Markdown table in docs order, skipping internal keys', () => {
  const md = configDocs(DEF)
  const lines = md.trimEnd().split('\n')
  assert.equal(lines[0], '| Name | Description | Type | Default | Valid Values | Importance |')
  assert.equal(lines[2], '| `name` | Globally unique name. | string |  |  | high |')
  assert.ok(lines.includes('| `tasks.max` | Maximum number of tasks. | int | 1 | [1,...] | high |'))
  assert.ok(
    lines.includes('| `errors.tolerance` | Tolerance \\| pipes. | string | none | [none, all] | medium |'),
  )
  assert.ok(lines.includes('| `ratio` | Ratio. | double | 1.0 |  | low |'))
  assert.ok(!md.includes('internal.thing'))
  assert.equal(lines.length, 2 + 6)
})

test('configRst renders like ConfigDef.toRst', () => {
  const rst = configRst(
    new ConfigDef().define({
      name: 'x',
      type: 'STRING',
      defaultValue: '',
      importance: 'LOW',
      documentation: 'Doc.',
    }),
  )
  assert.equal(rst, '``x``\n  Doc.\n\n  * Type: string\n  * Default: ""\n  * Importance: low\n\n')
})
