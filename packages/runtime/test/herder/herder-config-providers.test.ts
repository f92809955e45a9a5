// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests are about literal ${provider:path:key} references
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import {
  ConfigDef,
  type ConnectorProps,
  definePlugin,
  type PluginDefinition,
  SinkConnector,
  SinkTask,
} from '@sluice/api'
import {
  BUILTIN_PLUGIN_MODULES,
  type ConnectorTaskId,
  loadPluginRegistry,
  ManualClock,
  StandaloneHerder,
  type TargetState,
  WorkerConfigTransformer,
} from '../../src/index.js'
import { FakeWorker, WORKER_PROPS } from './fixtures.js'

class DbSinkTask extends SinkTask {
  version = () => '1.0.0'
  start(): void {}
  put(): void {}
  stop(): void {}
}

/** A sink with a PASSWORD key, as JDBC sinks have. */
class DbSinkConnector extends SinkConnector {
  version = () => '1.0.0'
  start(): void {}
  taskClass = () => DbSinkTask
  taskConfigs = (): ConnectorProps[] => [{}]
  stop(): void {}
  config(): ConfigDef {
    return new ConfigDef()
      .define({ name: 'connection.user', type: 'STRING', importance: 'HIGH', documentation: 'User.' })
      .define({
        name: 'connection.password',
        type: 'PASSWORD',
        importance: 'HIGH',
        documentation: 'Password.',
      })
  }
}

export const plugins: PluginDefinition[] = [
  definePlugin({
    kind: 'sink',
    className: 'com.example.DbSink',
    version: '1.0.0',
    create: () => new DbSinkConnector(),
  }),
]

const testRegistry = () => loadPluginRegistry([], [...BUILTIN_PLUGIN_MODULES, import.meta.url])

/** Records the connector and task configs the worker was given. */
class RecordingWorker extends FakeWorker {
  readonly taskStarts: Array<{ id: string; connector: ConnectorProps; task: ConnectorProps }> = []
  override async startTask(id: ConnectorTaskId, c: ConnectorProps, t: ConnectorProps, target: TargetState) {
    this.taskStarts.push({ id: `${id.connector}-${id.task}`, connector: c, task: t })
    return super.startTask(id, c, t, target)
  }
}

async function setup(extra: Record<string, { data: Record<string, string>; ttl?: number }> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-herder-cp-'))
  const secrets = path.join(dir, 'sink.properties')
  writeFileSync(secrets, `file=${path.join(dir, 'out.txt')}\ntopics=t\nuser=alice\npassword=TOPSECRET\n`)
  const registry = await testRegistry()
  const clock = new ManualClock()
  const providers = WorkerConfigTransformer.create(
    { 'config.providers': 'file', 'config.providers.file.class': 'FileConfigProvider' },
    registry,
    { clock },
  )
  let worker: RecordingWorker | undefined
  const transformer =
    Object.keys(extra).length === 0
      ? providers
      : new WorkerConfigTransformer(
          new Map([
            [
              'ttl',
              {
                config: () => ({ names: () => [] }) as never,
                configure() {},
                get: (p: string) => extra[p] ?? { data: {} },
              },
            ],
          ]),
          { clock },
        )
  const herder = new StandaloneHerder({
    workerProps: WORKER_PROPS,
    worker: (listener) => {
      worker = new RecordingWorker(registry, listener)
      return worker
    },
    logger: { info: () => {}, error: () => {} },
    configTransformer: transformer,
  })
  await herder.start()
  return { herder, worker: worker as RecordingWorker, secrets, out: path.join(dir, 'out.txt'), clock }
}

describe('StandaloneHerder with config providers', () => {
  it('connector and tasks get resolved values; config, task configs and info keep the ${...} text', async () => {
    const { herder, worker, secrets, out } = await setup()
    const raw = {
      name: 'sink',
      'connector.class': 'FileStreamSink',
      'tasks.max': '2',
      file: `\${file:${secrets}:file}`,
      topics: `\${file:${secrets}:topics}`,
    }
    const created = await herder.putConnectorConfig('sink', raw, { allowReplace: false })
    assert.equal(worker.running.get('sink')?.file, out)
    assert.equal(worker.running.get('sink')?.topics, 't')
    assert.deepEqual(
      worker.taskStarts.map((s) => [s.id, s.connector.file, s.task.file]),
      [
        ['sink-0', out, out],
        ['sink-1', out, out],
      ],
    )
    assert.deepEqual(created.info.config, raw)
    assert.deepEqual(await herder.connectorConfig('sink'), raw)
    assert.deepEqual((await herder.connectorInfo('sink')).config, raw)
    for (const t of await herder.taskConfigs('sink')) assert.equal(t.config.file, raw.file)
    // A task restart resolves again from the stored raw configs.
    await herder.restartTask({ connector: 'sink', task: 1 })
    assert.deepEqual(worker.taskStarts.at(-1)?.task.file, out)
    // Unchanged raw config: a second PUT keeps the tasks (the stored task configs are raw too).
    const before = worker.taskStarts.length
    await herder.putConnectorConfig('sink', raw, { allowReplace: true })
    assert.equal(worker.taskStarts.length, before)
  })

  it('a reference that cannot be resolved fails the connector with the reason in /status, never silently', async () => {
    const { herder, worker, secrets } = await setup()
    const raw = {
      name: 'src',
      'connector.class': 'FileStreamSource',
      topic: 't',
      file: `\${file:${secrets}.gone:file}`,
    }
    // Validation resolves first, so the request itself fails with the provider's message.
    await assert.rejects(
      herder.putConnectorConfig('src', raw, { allowReplace: false }),
      /Cannot resolve the config providers' references of connector config: Could not read properties from file .*sink\.properties\.gone/,
    )
    assert.equal(worker.running.has('src'), false)
    // A file that disappears after the connector was created fails the restart, visibly.
    const ok = { ...raw, file: `\${file:${secrets}:file}` }
    await herder.putConnectorConfig('src', ok, { allowReplace: false })
    rmSync(secrets)
    await herder.restartConnector({ connector: 'src', includeTasks: true, onlyFailed: false })
    const status = await herder.connectorStatus('src')
    assert.equal(status.connector.state, 'FAILED')
    assert.match(status.connector.trace ?? '', /Could not read properties from file/)
    assert.equal(status.tasks[0]?.state, 'FAILED')
  })

  it('validation shows a resolved PASSWORD as [hidden] and never the secret', async () => {
    const { herder, secrets } = await setup()
    const infos = await herder.validateConnectorConfig({
      name: 'db',
      'connector.class': 'com.example.DbSink',
      topics: 't',
      'connection.user': `\${file:${secrets}:user}`,
      'connection.password': `\${file:${secrets}:password}`,
    })
    const value = (k: string) => infos.configs.find((c) => c.value?.name === k)?.value?.value
    assert.equal(value('connection.user'), 'alice')
    assert.equal(value('connection.password'), '[hidden]')
    assert.ok(!JSON.stringify(infos).includes('TOPSECRET'))
  })

  it('validates the resolved config, as Kafka does', async () => {
    const { herder, secrets } = await setup()
    const infos = await herder.validateConnectorConfig({
      name: 'v',
      'connector.class': 'FileStreamSink',
      topics: `\${file:${secrets}:topics}`,
      'topics.regex': '',
    })
    assert.equal(infos.error_count, 0)
    assert.equal(infos.configs.find((c) => c.value?.name === 'topics')?.value?.value, 't')
    const bad = await herder.validateConnectorConfig({
      name: 'v',
      'connector.class': 'FileStreamSink',
      topics: `\${file:${secrets}:topics}`,
      'topics.regex': `\${file:${secrets}:topics}`,
    })
    assert.equal(bad.error_count, 2)
  })

  it('restarts the connector when a TTL expires (config.action.reload=restart by default)', async () => {
    const { herder, worker, clock } = await setup({ p: { data: { f: '/tmp/ttl.txt' }, ttl: 5000 } })
    await herder.putConnectorConfig(
      'src',
      { name: 'src', 'connector.class': 'FileStreamSource', topic: 't', file: '${ttl:p:f}' },
      { allowReplace: false },
    )
    assert.equal(worker.running.get('src')?.file, '/tmp/ttl.txt')
    const starts = worker.calls.filter((c) => c.startsWith('startConnector src')).length
    clock.advance(5000)
    await new Promise((r) => setTimeout(r, 20))
    assert.equal(worker.calls.filter((c) => c.startsWith('startConnector src')).length, starts + 1)
    await herder.stop()
  })
})
