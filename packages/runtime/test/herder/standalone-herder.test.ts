import assert from 'node:assert/strict'
import { beforeEach, describe, it } from 'node:test'
import {
  AlreadyExistsError,
  BadRequestError,
  ConfigError,
  ConnectError,
  ForbiddenError,
  NotFoundError,
} from '@sluice/api'
import { type PluginRegistry, StandaloneHerder } from '../../src/index.js'
import { FakeWorker, testRegistry, WORKER_PROPS } from './fixtures.js'

const SOURCE = { 'connector.class': 'FileStreamSource', 'tasks.max': '1', file: 'in.txt', topic: 't' }
const SINK = { 'connector.class': 'FileStreamSink', 'tasks.max': '2', file: 'out.txt', topics: 't' }

let registry: PluginRegistry
let worker: FakeWorker
let herder: StandaloneHerder

async function newHerder(props: Record<string, string> = {}): Promise<void> {
  registry ??= await testRegistry()
  herder = new StandaloneHerder({
    workerProps: { ...WORKER_PROPS, ...props },
    worker: (listener) => {
      worker = new FakeWorker(registry, listener)
      return worker
    },
    logger: { info: () => {}, error: () => {} },
  })
  await herder.start()
}

const create = (
  name: string,
  config: Record<string, string>,
  initialState?: 'STARTED' | 'PAUSED' | 'STOPPED',
) =>
  herder.putConnectorConfig(
    name,
    { name, ...config },
    { allowReplace: false, ...(initialState && { initialState }) },
  )

describe('StandaloneHerder', () => {
  beforeEach(() => newHerder())

  it('creates a connector, its task configs and tasks, and reports RUNNING with the worker id and version', async () => {
    const result = await create('src', SOURCE)
    assert.equal(result.created, true)
    assert.deepEqual(result.info.tasks, [{ connector: 'src', task: 0 }])
    assert.equal(result.info.type, 'source')
    const status = await herder.connectorStatus('src')
    assert.deepEqual(status.connector, { state: 'RUNNING', worker_id: '127.0.0.1:8083', version: '0.1.0' })
    assert.deepEqual(
      status.tasks.map((t) => [t.id, t.state]),
      [[0, 'RUNNING']],
    )
    assert.deepEqual((await herder.taskConfigs('src'))[0]?.id, { connector: 'src', task: 0 })
    assert.equal(herder.ready, true)
  })

  it('rejects a second create with AlreadyExists, but validates first (invalid wins over exists)', async () => {
    await create('src', SOURCE)
    await assert.rejects(create('src', SOURCE), (e: unknown) => {
      assert.ok(e instanceof AlreadyExistsError)
      assert.equal(e.message, 'Connector src already exists')
      return true
    })
    await assert.rejects(create('src', { ...SOURCE, 'tasks.max': '0' }), ConfigError)
  })

  it("fails an invalid create with Kafka's message listing every error, and stores nothing", async () => {
    await assert.rejects(
      create('bad', { 'connector.class': 'FileStreamSink', 'tasks.max': '0' }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError)
        assert.equal(
          e.message,
          'Connector configuration is invalid and contains the following 3 error(s):\n' +
            'Invalid value 0 for configuration tasks.max: Value must be at least 1\n' +
            'Must configure one of topics or topics.regex\n' +
            'Must configure one of topics or topics.regex\n' +
            'You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`',
        )
        assert.deepEqual(Object.keys(e.errors), ['tasks.max', 'topics', 'topics.regex'])
        return true
      },
    )
    assert.deepEqual(await herder.connectors(), [])
  })

  it('names the config in Java HashMap order when connector.class is missing', async () => {
    await assert.rejects(
      herder.putConnectorConfig('x', { 'tasks.max': '0', name: 'x' }, { allowReplace: false }),
      (e: unknown) =>
        e instanceof BadRequestError && e.message === 'Connector config contains no connector type',
    )
  })

  it('creates in the initial state: PAUSED and STOPPED get no tasks until resumed', async () => {
    await create('p', SOURCE, 'PAUSED')
    await create('s', SINK, 'STOPPED')
    assert.equal((await herder.connectorStatus('p')).connector.state, 'PAUSED')
    assert.equal((await herder.connectorStatus('s')).connector.state, 'STOPPED')
    assert.deepEqual((await herder.connectorInfo('s')).tasks, [])
    await herder.resumeConnector('s')
    const status = await herder.connectorStatus('s')
    assert.equal(status.connector.state, 'RUNNING')
    assert.deepEqual(
      status.tasks.map((t) => t.state),
      ['RUNNING', 'RUNNING'],
    )
  })

  it('pauses and resumes; only a change reaches the worker', async () => {
    await create('src', SOURCE)
    await herder.pauseConnector('src')
    await herder.pauseConnector('src')
    assert.equal(worker.calls.filter((c) => c === 'setTargetState src PAUSED').length, 1)
    const paused = await herder.connectorStatus('src')
    assert.deepEqual([paused.connector.state, paused.tasks[0]?.state], ['PAUSED', 'PAUSED'])
    await herder.resumeConnector('src')
    assert.equal((await herder.connectorStatus('src')).connector.state, 'RUNNING')
    await assert.rejects(
      herder.pauseConnector('nope'),
      (e: unknown) => e instanceof NotFoundError && e.message === 'Unknown connector nope',
    )
    await assert.rejects(herder.resumeConnector('nope'), NotFoundError)
  })

  it('stop removes the tasks (STOPPED = no tasks); stop of an unknown connector is a 500 as in Kafka', async () => {
    await create('snk', SINK)
    await herder.stopConnector('snk')
    const status = await herder.connectorStatus('snk')
    assert.equal(status.connector.state, 'STOPPED')
    assert.deepEqual(status.tasks, [])
    assert.deepEqual((await herder.connectorInfo('snk')).tasks, [])
    await assert.rejects(
      herder.taskStatus({ connector: 'snk', task: 0 }),
      (e: unknown) => e instanceof NotFoundError && e.message === 'No status found for task snk-0',
    )
    await herder.stopConnector('snk')
    await assert.rejects(herder.stopConnector('nope'), (e: unknown) => {
      assert.ok(ConnectError.is(e))
      assert.equal(e.code, 'XC_CONNECT')
      assert.equal(e.message, 'No connector `nope` configured')
      return true
    })
  })

  it('modifies offsets only when STOPPED, with Kafka messages', async () => {
    await create('src', SOURCE)
    const offsets = [{ partition: { filename: 'in.txt' }, offset: { position: 3 } }]
    await assert.rejects(
      herder.modifyConnectorOffsets('src', offsets),
      (e: unknown) =>
        e instanceof BadRequestError &&
        e.message ===
          "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/src/stop' endpoint",
    )
    await assert.rejects(
      herder.modifyConnectorOffsets('src', []),
      /The offsets to be altered may not be null or empty/,
    )
    await assert.rejects(
      herder.modifyConnectorOffsets('nope', null),
      (e: unknown) => e instanceof NotFoundError && e.message === 'Connector nope not found',
    )
    await herder.stopConnector('src')
    assert.equal(await herder.modifyConnectorOffsets('src', offsets), 'altered')
    assert.equal(await herder.modifyConnectorOffsets('src', null), 'reset')
    assert.deepEqual(worker.altered, [offsets, null])
    assert.deepEqual((await herder.connectorOffsets('src')).offsets, [
      { partition: { filename: 'a.txt' }, offset: { position: 7 } },
    ])
  })

  it('plain restart restarts the connector only and returns null', async () => {
    await create('snk', SINK)
    worker.calls.length = 0
    assert.equal(
      await herder.restartConnector({ connector: 'snk', includeTasks: false, onlyFailed: false }),
      null,
    )
    assert.deepEqual(worker.calls, ['stopConnector snk', 'startConnector snk STARTED'])
    await assert.rejects(
      herder.restartConnector({ connector: 'nope', includeTasks: false, onlyFailed: false }),
      (e: unknown) => e instanceof NotFoundError && e.message === 'Connector nope not found',
    )
  })

  it('KIP-745 restart marks what it restarts RESTARTING and restarts exactly that', async () => {
    await create('snk', SINK)
    worker.listener.onTaskState({ connector: 'snk', task: 1 }, 'FAILED', 'Error: task died')
    worker.calls.length = 0
    const onlyFailed = await herder.restartConnector({
      connector: 'snk',
      includeTasks: true,
      onlyFailed: true,
    })
    assert.ok(onlyFailed)
    assert.equal(onlyFailed.connector.state, 'RUNNING')
    assert.deepEqual(
      onlyFailed.tasks.map((t) => [t.id, t.state]),
      [
        [0, 'RUNNING'],
        [1, 'RESTARTING'],
      ],
    )
    assert.equal(onlyFailed.tasks[1]?.trace, 'Error: task died')
    assert.deepEqual(worker.calls, ['stopTask snk-1', 'startTask snk-1 STARTED'])
    assert.equal((await herder.taskStatus({ connector: 'snk', task: 1 })).state, 'RUNNING')

    worker.calls.length = 0
    const all = await herder.restartConnector({ connector: 'snk', includeTasks: true, onlyFailed: false })
    assert.deepEqual(
      [all?.connector.state, ...(all?.tasks.map((t) => t.state) ?? [])],
      ['RESTARTING', 'RESTARTING', 'RESTARTING'],
    )
    assert.deepEqual(worker.calls, [
      'stopConnector snk',
      'stopTask snk-0',
      'stopTask snk-1',
      'startConnector snk STARTED',
      'startTask snk-0 STARTED',
      'startTask snk-1 STARTED',
    ])
    await assert.rejects(
      herder.restartConnector({ connector: 'nope', includeTasks: true, onlyFailed: false }),
      (e: unknown) => e instanceof NotFoundError && e.message === 'Unknown connector: nope',
    )
  })

  it('restarts one task; unknown connector and task have their own messages', async () => {
    await create('snk', SINK)
    worker.calls.length = 0
    await herder.restartTask({ connector: 'snk', task: 1 })
    assert.deepEqual(worker.calls, ['stopTask snk-1', 'startTask snk-1 STARTED'])
    await assert.rejects(herder.restartTask({ connector: 'x', task: 0 }), {
      message: 'Connector x not found',
    })
    await assert.rejects(herder.restartTask({ connector: 'snk', task: 9 }), {
      message: 'Task snk-9 not found',
    })
  })

  it('deletes: config and statuses go, late worker reports do not bring them back', async () => {
    await create('src', SOURCE)
    await herder.deleteConnector('src')
    worker.listener.onConnectorState('src', 'UNASSIGNED')
    worker.listener.onTaskState({ connector: 'src', task: 0 }, 'RUNNING')
    await assert.rejects(herder.connectorStatus('src'), { message: 'No status found for connector src' })
    await assert.rejects(herder.connectorInfo('src'), { message: 'Connector src not found' })
    await assert.rejects(herder.deleteConnector('src'), NotFoundError)
    assert.deepEqual(await herder.connectors(), [])
  })

  it('reports a stopped task as UNASSIGNED (STOPPED is a connector state)', async () => {
    await create('src', SOURCE)
    worker.listener.onTaskState({ connector: 'src', task: 0 }, 'STOPPED')
    assert.equal((await herder.taskStatus({ connector: 'src', task: 0 })).state, 'UNASSIGNED')
  })

  it('updates: PUT replaces the config and regenerates tasks; PATCH removes null keys', async () => {
    await create('snk', SINK)
    const updated = await herder.putConnectorConfig(
      'snk',
      { name: 'snk', ...SINK, 'tasks.max': '3' },
      { allowReplace: true },
    )
    assert.equal(updated.created, false)
    assert.equal(updated.info.tasks.length, 3)
    const patched = await herder.patchConnectorConfig('snk', { file: null, 'tasks.max': '1' })
    assert.equal(patched.config.file, undefined)
    assert.equal(patched.config['tasks.max'], '1')
    assert.equal(patched.tasks.length, 1)
    await assert.rejects(herder.patchConnectorConfig('nope', {}), { message: 'Connector nope not found' })
  })

  it('keeps tasks when neither their configs nor the connector config changed', async () => {
    await create('snk', SINK)
    worker.calls.length = 0
    await herder.putConnectorConfig('snk', { name: 'snk', ...SINK }, { allowReplace: true })
    assert.deepEqual(worker.calls, ['stopConnector snk', 'startConnector snk STARTED'])
  })

  it('regenerates tasks when the connector asks for it', async () => {
    await create('snk', SINK)
    worker.taskCount = () => 1
    worker.onTaskReconfigurationRequest?.('snk')
    await herder.connectors()
    // The request runs on the herder's queue; a queued request after it observes the result.
    await herder.pauseConnector('snk').then(() => herder.resumeConnector('snk'))
    assert.equal((await herder.connectorInfo('snk')).tasks.length, 1)
  })

  it('fails a connector that generates more tasks than tasks.max', async () => {
    worker.taskCount = () => 2
    await assert.rejects(create('src', SOURCE), /has generated 2 tasks, which is greater than 1/)
    const status = await herder.connectorStatus('src')
    assert.equal(status.connector.state, 'FAILED')
    assert.match(status.connector.trace ?? '', /tasks.max.enforce/)
    worker.taskCount = () => 2
    const lenient = await create('lenient', { ...SOURCE, 'tasks.max.enforce': 'false' })
    assert.equal(lenient.info.tasks.length, 2)
  })

  it('reports a connector whose start fails as FAILED and the request as a failure to transition', async () => {
    worker.failStart = true
    await assert.rejects(create('src', SOURCE), {
      message: 'Failed to transition connector src to state STARTED',
    })
    const status = await herder.connectorStatus('src')
    assert.equal(status.connector.state, 'FAILED')
    assert.equal(status.connector.trace, 'Error: boom\n    at start')
  })

  it('lists connectors in Java HashMap order', async () => {
    for (const n of ['snk', 'src', 'a-long-name']) await create(n, n === 'snk' ? SINK : SOURCE)
    // Java: new HashSet<>(List.of("snk", "src", "a-long-name")).toString() is [a-long-name, snk, src]
    assert.deepEqual(await herder.connectors(), ['a-long-name', 'snk', 'src'])
  })

  it('lists plugins sinks, sources, transformations, predicates, converters, header converters', async () => {
    const all = herder.plugins(false)
    const kinds = [...new Set(all.map((p) => p.type))]
    assert.deepEqual(kinds, [
      'sink',
      'source',
      'transformation',
      'predicate',
      'converter',
      'header_converter',
    ])
    const sinks = all.filter((p) => p.type === 'sink').map((p) => p.class)
    assert.deepEqual(sinks, [
      'com.example.TestSinkConnector',
      'org.apache.kafka.connect.file.FileStreamSinkConnector',
    ])
    assert.ok(herder.plugins(true).every((p) => p.type === 'sink' || p.type === 'source'))
  })

  it('serves plugin config definitions: the plugin keys first, then the framework keys', () => {
    const keys = herder.pluginConfig('TestSinkConnector').map((k) => k.name)
    assert.deepEqual(keys.slice(0, 3), ['endpoint', 'tasks.max', 'name'])
    assert.ok(keys.includes('topics') && keys.includes('errors.deadletterqueue.topic.name'))
    assert.equal(keys.filter((k) => k === 'tasks.max').length, 1)
    const version = herder
      .pluginConfig('com.example.TestSinkConnector')
      .find((k) => k.name === 'connector.plugin.version')
    assert.equal(version?.default_value, '2.0.0')
    assert.deepEqual(
      herder.pluginConfig('com.example.Mask').map((k) => k.name),
      ['fields', 'replacement', 'negate'],
    )
    assert.throws(
      () => herder.pluginConfig('Nope'),
      (e: unknown) => e instanceof NotFoundError && e.message === 'Unknown plugin Nope.',
    )
    assert.throws(
      () => herder.pluginConfig('com.example.Mask', '[3.0,)'),
      (e: unknown) =>
        e instanceof BadRequestError &&
        e.message ===
          'Plugin com.example.Mask not found that matches the version range [3.0,), available versions: [1.0.0]',
    )
    assert.throws(() => herder.pluginConfig('com.example.Mask', '[1.0'), {
      message: 'Invalid version specification: [1.0',
    })
    assert.equal(herder.pluginConfig('com.example.Mask', '1.0.0').length, 3)
  })
})

describe('StandaloneHerder topic tracking', () => {
  it('answers from the worker, in hash order, for any connector name', async () => {
    await newHerder()
    worker.topics.set('src', ['b', 'a'])
    assert.deepEqual(await herder.connectorActiveTopics('src'), ['a', 'b'])
    assert.deepEqual(await herder.connectorActiveTopics('unknown'), [])
    await herder.resetConnectorActiveTopics('src')
    assert.deepEqual(await herder.connectorActiveTopics('src'), [])
  })

  it('is forbidden when disabled, and reset separately', async () => {
    await newHerder({ 'topic.tracking.enable': 'false' })
    await assert.rejects(
      herder.connectorActiveTopics('x'),
      (e: unknown) => e instanceof ForbiddenError && e.message === 'Topic tracking is disabled.',
    )
    await assert.rejects(herder.resetConnectorActiveTopics('x'), { message: 'Topic tracking is disabled.' })
    await newHerder({ 'topic.tracking.allow.reset': 'false' })
    assert.deepEqual(await herder.connectorActiveTopics('x'), [])
    await assert.rejects(herder.resetConnectorActiveTopics('x'), {
      message: 'Topic tracking reset is disabled.',
    })
  })
})

describe('StandaloneHerder lifecycle', () => {
  it('is not ready until marked when readyOnStart is false, and stop stops tasks, connectors and the worker', async () => {
    registry ??= await testRegistry()
    let w: FakeWorker | undefined
    const h = new StandaloneHerder({
      workerProps: WORKER_PROPS,
      worker: (listener) => {
        w = new FakeWorker(registry, listener)
        return w
      },
      readyOnStart: false,
      workerId: 'host:1234',
    })
    assert.throws(() => h.plugins(true), /Worker is still starting up/)
    await h.start()
    assert.equal(h.ready, false)
    h.markReady()
    assert.equal(h.ready, true)
    await h.putConnectorConfig('src', { name: 'src', ...SOURCE }, { allowReplace: false })
    assert.equal((await h.connectorStatus('src')).connector.worker_id, 'host:1234')
    await h.stop()
    assert.deepEqual(w?.calls.slice(-3), ['stopTask src-0', 'stopConnector src', 'stop'])
    assert.equal(h.ready, false)
  })

  it('looks the Kafka cluster id up once', async () => {
    let lookups = 0
    const h = new StandaloneHerder({
      workerProps: WORKER_PROPS,
      worker: (listener) => new FakeWorker(registry, listener),
      kafkaClusterId: async () => {
        lookups++
        return 'cluster-1'
      },
    })
    assert.equal(await h.kafkaClusterId(), 'cluster-1')
    assert.equal(await h.kafkaClusterId(), 'cluster-1')
    assert.equal(lookups, 1)
  })
})
