import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { BadRequestError, type ConfigInfos, type Connector } from '@sluice/api'
import {
  invalidConnectorConfigError,
  type PluginEntry,
  type PluginRegistry,
  sinkConnectorConfigDef,
  sourceConnectorConfigDef,
  type ValidationContext,
  validateConnectorConfig,
} from '../../src/index.js'
import { testRegistry, WORKER_PROPS } from './fixtures.js'

let ctx: ValidationContext

before(async () => {
  const plugins: PluginRegistry = await testRegistry()
  ctx = {
    plugins,
    workerProps: WORKER_PROPS,
    connectorInstance: (e: PluginEntry) => e.definition.create() as Connector,
  }
})

const validate = (props: Record<string, string | null>): ConfigInfos => validateConnectorConfig(ctx, props)
const find = (infos: ConfigInfos, name: string) =>
  infos.configs.find((c) => (c.definition?.name ?? c.value?.name) === name)
const errorsOf = (infos: ConfigInfos, name: string) => find(infos, name)?.value?.errors ?? []

// Expected outputs below were checked against Java Kafka Connect 4.1.2's PUT /connector-plugins/…/config/validate.
describe('validateConnectorConfig', () => {
  it('reports the sink keys with Kafka groups, orders and every error', () => {
    const infos = validate({
      'connector.class': 'FileStreamSink',
      name: 'x',
      'tasks.max': '0',
      'key.converter': 'StringConverter',
      transforms: 'a,b',
      'transforms.a.type': 'Nope',
      'transforms.a.negate': 'true',
      'errors.deadletterqueue.topic.name': 't1',
      topics: 't1,t2',
    })
    assert.equal(infos.name, 'FileStreamSink')
    assert.equal(infos.error_count, 5)
    assert.deepEqual(infos.groups, [
      'Common',
      'Transforms',
      'Predicates',
      'Error Handling',
      'Transforms: a',
      'Transforms: b',
    ])
    const names = infos.configs.map((c) => c.definition?.name)
    assert.deepEqual(names.slice(0, 6), [
      'name',
      'connector.class',
      'connector.plugin.version',
      'tasks.max',
      'tasks.max.enforce',
      'key.converter',
    ])
    assert.deepEqual(find(infos, 'tasks.max')?.definition, {
      name: 'tasks.max',
      type: 'INT',
      required: false,
      default_value: '1',
      importance: 'HIGH',
      documentation: 'Maximum number of tasks to use for this connector.',
      group: 'Common',
      order_in_group: 4,
      width: 'SHORT',
      display_name: 'Tasks max',
      dependents: [],
    })
    assert.deepEqual(errorsOf(infos, 'tasks.max'), [
      'Invalid value 0 for configuration tasks.max: Value must be at least 1',
    ])
    assert.deepEqual(errorsOf(infos, 'topics'), [
      "The DLQ topic 't1' may not be included in the list of topics ('topics=[t1, t2]') consumed by the connector",
    ])
    assert.deepEqual(errorsOf(infos, 'transforms.a.type'), [
      'Invalid value Nope for configuration transforms.a.type: Class Nope could not be found.',
      "Config 'transforms.a.negate' was provided but there is no config 'transforms.a.predicate' defining a predicate to be negated.",
    ])
    assert.deepEqual(errorsOf(infos, 'transforms.b.type'), [
      'Missing required configuration "transforms.b.type" which has no default value.',
    ])
    // An alias resolves to the class name, as Java's Class.getName() prints it.
    assert.equal(
      find(infos, 'key.converter')?.value?.value,
      'org.apache.kafka.connect.storage.StringConverter',
    )
    // The worker's converter is the default of the connector's.
    assert.equal(
      find(infos, 'value.converter')?.definition?.default_value,
      'org.apache.kafka.connect.json.JsonConverter',
    )
    // The key converter's own keys follow, prefixed, in Java hash order.
    const tail = infos.configs.slice(-2).map((c) => c.value?.name)
    assert.deepEqual(tail, ['key.converter.converter.type', 'key.converter.converter.encoding'])
    assert.equal(find(infos, 'key.converter.converter.type')?.value?.value, 'key')
  })

  it('embeds transform and predicate keys under their alias, with the implicit predicate/negate keys', () => {
    const infos = validate({
      'connector.class': 'com.example.TestSinkConnector',
      name: 'x',
      topics: 't',
      endpoint: 'e',
      transforms: 'm',
      'transforms.m.type': 'com.example.Mask',
      'transforms.m.predicate': 'big',
      predicates: 'big',
      'predicates.big.type': 'com.example.IsBig',
      'predicates.big.threshold': 'many',
    })
    const names = infos.configs
      .map((c) => c.definition?.name)
      .filter((n) => n?.startsWith('transforms.m.') || n?.startsWith('predicates.big.'))
    assert.deepEqual(names, [
      'transforms.m.type',
      'transforms.m.plugin.version',
      'transforms.m.fields',
      // Embedded keys follow ConfigDef.sortedConfigs: required first, then importance, then name.
      'transforms.m.negate',
      'transforms.m.predicate',
      'transforms.m.replacement',
      'predicates.big.type',
      'predicates.big.plugin.version',
      'predicates.big.threshold',
    ])
    assert.equal(find(infos, 'transforms.m.negate')?.definition?.type, 'BOOLEAN')
    assert.equal(find(infos, 'transforms.m.fields')?.definition?.group, 'Transforms: m')
    assert.equal(find(infos, 'transforms.m.plugin.version')?.definition?.default_value, '1.0.0')
    assert.deepEqual(errorsOf(infos, 'transforms.m.fields'), [
      'Missing required configuration "transforms.m.fields" which has no default value.',
    ])
    assert.deepEqual(errorsOf(infos, 'predicates.big.threshold'), [
      'Invalid value many for configuration predicates.big.threshold: Not a number of type INT',
    ])
    assert.ok(infos.groups.includes('Transforms: m') && infos.groups.includes('Predicates: big'))
    // The connector's own definitions are merged in; its redefinition of tasks.max keeps the position.
    assert.equal(find(infos, 'tasks.max')?.definition?.default_value, '3')
    assert.equal(find(infos, 'endpoint')?.definition?.group, 'Sink')
    assert.equal(infos.error_count, 2)
  })

  it('reports a plugin of the wrong kind and duplicate aliases', () => {
    const infos = validate({
      'connector.class': 'FileStreamSink',
      name: 'n',
      topics: 'a',
      'topics.regex': 'a.*',
      predicates: 'p,p',
      transforms: 't',
      'transforms.t.type': 'FileStreamSink',
      'header.converter': 'FileStreamSink',
    })
    assert.deepEqual(errorsOf(infos, 'transforms.t.type'), [
      'Class class org.apache.kafka.connect.file.FileStreamSinkConnector does not implement the Transformation interface',
    ])
    assert.deepEqual(errorsOf(infos, 'header.converter'), [
      'Class class org.apache.kafka.connect.file.FileStreamSinkConnector does not implement the HeaderConverter interface',
    ])
    assert.deepEqual(errorsOf(infos, 'predicates'), [
      'Invalid value [p, p] for configuration predicates: Duplicate alias provided.',
    ])
    assert.deepEqual(errorsOf(infos, 'topics'), [
      'topics and topics.regex are mutually exclusive options, but both are set.',
    ])
    assert.deepEqual(errorsOf(infos, 'topics.regex'), [
      'topics and topics.regex are mutually exclusive options, but both are set.',
    ])
  })

  it('reports null values, the client override policy and the connector own validate()', () => {
    const policyCtx = {
      ...ctx,
      workerProps: { ...WORKER_PROPS, 'connector.client.config.override.policy': 'None' },
    }
    const infos = validateConnectorConfig(policyCtx, {
      'connector.class': 'com.example.TestSinkConnector',
      name: null,
      topics: 'a',
      endpoint: 'forbidden',
      'consumer.override.max.poll.records': '10',
      extra: null,
    })
    assert.deepEqual(errorsOf(infos, 'name'), ['Null value can not be supplied as the configuration value.'])
    assert.deepEqual(errorsOf(infos, 'extra'), ['Null value can not be supplied as the configuration value.'])
    assert.equal(infos.configs[0]?.definition, null, 'values without a definition come first')
    assert.deepEqual(errorsOf(infos, 'consumer.override.max.poll.records'), [
      "The 'None' policy does not allow 'max.poll.records' to be overridden in the connector configuration.",
    ])
    assert.deepEqual(errorsOf(infos, 'endpoint'), ['endpoint is forbidden'])
    assert.equal(infos.error_count, 4)
  })

  it('validates the source keys: topic creation groups, exactly-once keys, offsets topic', () => {
    const infos = validate({
      'connector.class': 'FileStreamSource',
      name: 's',
      topic: 't',
      'exactly.once.support': 'maybe',
      'offsets.storage.topic': '',
      'topic.creation.groups': 'g,g',
    })
    assert.deepEqual(infos.groups.slice(4, 7), ['Topic Creation', 'Exactly Once Support', 'offsets.topic'])
    assert.deepEqual(errorsOf(infos, 'exactly.once.support'), [
      'Invalid value maybe for configuration exactly.once.support: String must be one of (case insensitive): REQUESTED, REQUIRED',
    ])
    assert.deepEqual(errorsOf(infos, 'offsets.storage.topic'), [
      'Invalid value  for configuration offsets.storage.topic: String must be non-empty',
    ])
    assert.deepEqual(errorsOf(infos, 'topic.creation.groups'), [
      'Invalid value [g, g] for configuration topic.creation.groups: Duplicate alias provided.',
    ])
  })

  it('reports a connector version that is not installed on connector.class and connector.plugin.version', () => {
    const infos = validate({
      'connector.class': 'FileStreamSink',
      'connector.plugin.version': '[9.0,)',
      name: 'v',
      topics: 'a',
    })
    const msg =
      'Plugin org.apache.kafka.connect.file.FileStreamSinkConnector not found that matches the version range [9.0,), available versions: [0.1.0]'
    assert.deepEqual(errorsOf(infos, 'connector.class'), [msg])
    assert.deepEqual(errorsOf(infos, 'connector.plugin.version'), [msg])
    assert.deepEqual(find(infos, 'connector.plugin.version')?.value?.recommended_values, ['0.1.0'])
    assert.equal(infos.error_count, 2)
  })

  it("throws Kafka's BadRequest messages for a missing or unknown connector class", () => {
    assert.throws(
      () => validate({ name: 'v', topics: 'a' }),
      (e: unknown) =>
        e instanceof BadRequestError && e.message === 'Connector config contains no connector type',
    )
    assert.throws(
      () => validate({ 'connector.class': 'Nope' }),
      (e: unknown) =>
        e instanceof BadRequestError &&
        e.message.startsWith(
          "Failed to find any class that implements Connector and which name matches Nope, available connectors are: PluginDesc{klass=class com.example.TestSinkConnector, name='com.example.TestSinkConnector', version='2.0.0'",
        ),
    )
    assert.throws(
      () => validate({ 'connector.class': 'FileStreamSink', 'connector.plugin.version': '(1.0)' }),
      {
        message: 'Single version must be surrounded by []: (1.0)',
      },
    )
  })

  it('builds the create/update error from a validate result, or null when valid', () => {
    const ok = validate({ 'connector.class': 'FileStreamSink', name: 'x', topics: 't' })
    assert.equal(ok.error_count, 0)
    assert.equal(invalidConnectorConfigError(ok), null)
    const err = invalidConnectorConfigError(validate({ 'connector.class': 'FileStreamSink', name: 'x' }))
    assert.ok(err)
    assert.match(
      err.message,
      /^Connector configuration is invalid and contains the following 2 error\(s\):\n/,
    )
    assert.deepEqual(err.errors, {
      topics: ['Must configure one of topics or topics.regex'],
      'topics.regex': ['Must configure one of topics or topics.regex'],
    })
  })
})

describe('connector config definitions', () => {
  it('have the keys, groups and orders of Kafka', () => {
    const sink = sinkConnectorConfigDef()
    assert.deepEqual(sink.groups(), ['Common', 'Transforms', 'Predicates', 'Error Handling'])
    assert.deepEqual(sink.names().slice(-5), [
      'topics',
      'topics.regex',
      'errors.deadletterqueue.topic.name',
      'errors.deadletterqueue.topic.replication.factor',
      'errors.deadletterqueue.context.headers.enable',
    ])
    const source = sourceConnectorConfigDef()
    assert.deepEqual(source.groups(), [
      'Common',
      'Transforms',
      'Predicates',
      'Error Handling',
      'Topic Creation',
      'Exactly Once Support',
      'offsets.topic',
    ])
    assert.equal(source.configKey('config.action.reload')?.orderInGroup, 14)
    assert.equal(source.configKey('errors.log.include.messages')?.orderInGroup, 5)
    assert.equal(source.configKey('name')?.hasDefault, false)
    assert.equal(source.configKey('transaction.boundary')?.defaultValue, 'poll')
  })
})
