import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { loadPluginRegistry } from '@sluice/runtime'
import { CliError, parseStandaloneConfig, STANDALONE_CONFIG_DEF } from '../src/index.js'

const QUICKSTART = {
  'bootstrap.servers': 'localhost:9092',
  'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'key.converter.schemas.enable': 'true',
  'value.converter.schemas.enable': 'true',
  'offset.storage.file.filename': '/tmp/connect.offsets',
  'offset.flush.interval.ms': '10000',
}

describe('standalone worker config', () => {
  it("accepts Kafka's quickstart file with Kafka's defaults, passing unknown keys through", async () => {
    const plugins = await loadPluginRegistry([])
    const c = parseStandaloneConfig(
      'connect-standalone.properties',
      { ...QUICKSTART, 'producer.linger.ms': '5' },
      plugins,
    )
    assert.deepEqual(c.values['bootstrap.servers'], ['localhost:9092'])
    assert.equal(c.values['offset.flush.interval.ms'], 10000)
    assert.equal(c.values['task.shutdown.graceful.timeout.ms'], 5000)
    assert.equal(c.values['header.converter'], 'org.apache.kafka.connect.storage.SimpleHeaderConverter')
    assert.equal(c.values['topic.tracking.enable'], true)
    assert.deepEqual(c.values.listeners, ['http://:8083'])
    assert.equal(c.props['producer.linger.ms'], '5')
    assert.equal(STANDALONE_CONFIG_DEF.configKey('offset.storage.file.filename')?.hasDefault, false)
  })

  it('lists every problem with its key, Kafka message and fix, and exits 2', async () => {
    const plugins = await loadPluginRegistry([])
    assert.throws(
      () =>
        parseStandaloneConfig(
          'w.properties',
          { 'value.converter': 'Nope', 'offset.flush.interval.ms': 'abc', 'topic.tracking.enable': 'maybe' },
          plugins,
        ),
      (e: unknown) => {
        assert.ok(e instanceof CliError)
        assert.equal(e.exitCode, 2)
        const lines = e.message.split('\n')
        assert.equal(lines[0], 'invalid worker configuration in w.properties (5 errors):')
        assert.ok(
          lines.includes(
            '  - key.converter: Missing required configuration "key.converter" which has no default value.',
          ),
        )
        assert.ok(
          lines.includes(
            '    fix: add a line to w.properties, e.g. key.converter=org.apache.kafka.connect.json.JsonConverter',
          ),
        )
        assert.ok(
          lines.includes(
            '  - value.converter: Invalid value Nope for configuration value.converter: Class Nope could not be found.',
          ),
        )
        assert.ok(
          lines.some(
            (l) =>
              l.startsWith('    fix: use one of ') &&
              l.includes('org.apache.kafka.connect.json.JsonConverter'),
          ),
        )
        assert.ok(
          lines.includes(
            '  - offset.flush.interval.ms: Invalid value abc for configuration offset.flush.interval.ms: Not a number of type LONG',
          ),
        )
        assert.ok(
          lines.includes(
            '    fix: set offset.flush.interval.ms to a whole number (milliseconds for *.ms keys)',
          ),
        )
        assert.ok(lines.some((l) => l.startsWith('  - topic.tracking.enable: Invalid value maybe')))
        assert.ok(lines.some((l) => l.includes('offset.storage.file.filename=/tmp/connect.offsets')))
        return true
      },
    )
  })

  it('rejects a converter that is another kind of plugin, and an unknown override policy', async () => {
    const plugins = await loadPluginRegistry([])
    assert.throws(
      () =>
        parseStandaloneConfig(
          'w.properties',
          { ...QUICKSTART, 'header.converter': 'FileStreamSource' },
          plugins,
        ),
      /header.converter: Class class org.apache.kafka.connect.file.FileStreamSourceConnector does not implement the HeaderConverter interface/,
    )
    assert.throws(
      () =>
        parseStandaloneConfig('w.properties', {
          ...QUICKSTART,
          'connector.client.config.override.policy': 'Custom',
        }),
      /connector.client.config.override.policy: Invalid value Custom for configuration connector.client.config.override.policy: Sluice supports the policies All, None and Principal/,
    )
    const c = parseStandaloneConfig('w.properties', {
      ...QUICKSTART,
      'connector.client.config.override.policy':
        'org.apache.kafka.connect.connector.policy.PrincipalConnectorClientConfigOverridePolicy',
    })
    assert.equal(
      c.values['connector.client.config.override.policy'],
      'org.apache.kafka.connect.connector.policy.PrincipalConnectorClientConfigOverridePolicy',
    )
  })
})
