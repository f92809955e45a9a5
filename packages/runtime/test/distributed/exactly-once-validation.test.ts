import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  type ConfigDef,
  type ConfigInfos,
  type ConnectorProps,
  type ConnectorTransactionBoundaries,
  type ExactlyOnceSupport,
  SourceConnector,
  type SourceTask,
  type TaskClass,
} from '@sluice/api'
import { parseDistributedSettings } from '../../src/distributed/distributed-config.js'
import { clientIdBase, taskTransactionalId } from '../../src/distributed/exactly-once.js'
import { exactlyOnceErrors, withErrors } from '../../src/distributed/exactly-once-validation.js'

class Probe extends SourceConnector {
  constructor(
    readonly eos: ExactlyOnceSupport | null | 'throw',
    readonly boundaries: ConnectorTransactionBoundaries | null = 'UNSUPPORTED',
  ) {
    super()
  }
  version() {
    return '1'
  }
  start() {}
  stop() {}
  taskClass(): TaskClass<SourceTask> {
    throw new Error('unused')
  }
  taskConfigs(): ConnectorProps[] {
    return []
  }
  config(): ConfigDef {
    throw new Error('unused')
  }
  override exactlyOnceSupport(): ExactlyOnceSupport | null {
    if (this.eos === 'throw') throw new Error('  cannot tell  ')
    return this.eos
  }
  override canDefineTransactionBoundaries(): ConnectorTransactionBoundaries {
    return this.boundaries as ConnectorTransactionBoundaries
  }
}

describe('KIP-618 connector validation (Java messages)', () => {
  test('exactly.once.support=required: worker disabled, and each connector answer', () => {
    const required = { 'exactly.once.support': 'REQUIRED' }
    assert.deepEqual(exactlyOnceErrors(required, new Probe('SUPPORTED'), true), new Map())
    assert.deepEqual(exactlyOnceErrors({}, new Probe('UNSUPPORTED'), false), new Map(), 'requested: no check')
    assert.deepEqual(exactlyOnceErrors(required, new Probe('SUPPORTED'), false).get('exactly.once.support'), [
      'This worker does not have exactly-once source support enabled.',
    ])
    assert.deepEqual(
      exactlyOnceErrors(required, new Probe('UNSUPPORTED'), true).get('exactly.once.support'),
      ['The connector does not support exactly-once semantics with the provided configuration.'],
    )
    assert.match(
      exactlyOnceErrors(required, new Probe(null), true).get('exactly.once.support')?.[0] ?? '',
      /^The connector does not implement the API required for preflight validation of exactly-once source support\. .*use the value "requested" for this property/,
    )
    assert.deepEqual(exactlyOnceErrors(required, new Probe('throw'), true).get('exactly.once.support'), [
      'An unexpected error occurred during validation: cannot tell',
    ])
  })

  test('transaction.boundary=connector needs canDefineTransactionBoundaries SUPPORTED; offsets.storage.topic is refused', () => {
    const connector = { 'transaction.boundary': 'Connector' }
    assert.deepEqual(exactlyOnceErrors(connector, new Probe('SUPPORTED', 'SUPPORTED'), true), new Map())
    assert.deepEqual(exactlyOnceErrors(connector, new Probe('SUPPORTED'), true).get('transaction.boundary'), [
      'The connector does not support connector-defined transaction boundaries with the given configuration. Please reconfigure it to use a different transaction boundary definition.',
    ])
    assert.match(
      exactlyOnceErrors(connector, new Probe('SUPPORTED', null), true).get('transaction.boundary')?.[0] ?? '',
      /returned a null value from its canDefineTransactionBoundaries method/,
    )
    assert.match(
      exactlyOnceErrors({ 'offsets.storage.topic': 'mine' }, new Probe('SUPPORTED'), true).get(
        'offsets.storage.topic',
      )?.[0] ?? '',
      /Sluice does not implement per-connector offsets topics yet/,
    )
  })

  test('withErrors adds messages to error-free values only and recounts error_count', () => {
    const value = (name: string, errors: string[]) => ({
      definition: null,
      value: { name, value: null, recommended_values: [], errors, visible: true },
    })
    const infos: ConfigInfos = {
      name: 'X',
      error_count: 1,
      groups: [],
      configs: [
        value('exactly.once.support', []),
        value('transaction.boundary', ['bad value']),
        value('a', []),
      ],
    }
    const out = withErrors(
      infos,
      new Map([
        ['exactly.once.support', ['e1']],
        ['transaction.boundary', ['e2']],
      ]),
    )
    assert.equal(out.error_count, 2)
    assert.deepEqual(out.configs[0]?.value?.errors, ['e1'])
    assert.deepEqual(out.configs[1]?.value?.errors, ['bad value'], 'Java keeps only the first failure')
  })

  test('transactional ids and client ids as Java', () => {
    const base = {
      'group.id': 'connect-eos',
      'config.storage.topic': 'c',
      'offset.storage.topic': 'o',
      'status.storage.topic': 's',
    }
    assert.equal(
      taskTransactionalId('connect-eos', { connector: 'eos-src', task: 0 }),
      'connect-eos-eos-src-0',
    )
    assert.equal(clientIdBase(parseDistributedSettings(base)), 'connect-eos-')
    assert.equal(clientIdBase(parseDistributedSettings({ ...base, 'client.id': 'w1' })), 'connect-eos-w1-')
  })
})
