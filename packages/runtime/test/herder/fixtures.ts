import {
  ConfigDef,
  type ConfigValue,
  type ConnectorProps,
  definePlugin,
  type PluginDefinition,
  type Predicate,
  SinkConnector,
  SinkTask,
  type Transformation,
} from '@sluice/api'
import type {
  ConnectorTaskId,
  ConnectWorker,
  PluginRegistry,
  SinkOffsetEntry,
  SourceOffsetEntry,
  StatusListener,
  TargetState,
} from '../../src/index.js'
import { BUILTIN_PLUGIN_MODULES, loadPluginRegistry } from '../../src/index.js'

/**
 * Test plugins (a sink connector with cross-field validation, a transformation, a predicate) and a fake
 * worker that reports states the way the real one does, so herder logic is tested without Kafka.
 */

class TestSinkTask extends SinkTask {
  version(): string {
    return '2.0.0'
  }
  start(): void {}
  put(): void {}
  stop(): void {}
}

/** `test.tasks` tells how many task configs it generates (default: tasks.max). */
export class TestSinkConnector extends SinkConnector {
  version(): string {
    return '2.0.0'
  }
  start(): void {}
  taskClass() {
    return TestSinkTask
  }
  taskConfigs(maxTasks: number): ConnectorProps[] {
    return Array.from({ length: maxTasks }, (_, i) => ({ 'task.index': String(i) }))
  }
  stop(): void {}
  config(): ConfigDef {
    return new ConfigDef()
      .define({
        name: 'endpoint',
        type: 'STRING',
        importance: 'HIGH',
        documentation: 'Where to write.',
        group: 'Sink',
      })
      .define({
        name: 'tasks.max',
        type: 'INT',
        defaultValue: 3,
        importance: 'HIGH',
        documentation: 'Overridden.',
      })
  }
  override validate(props: ConnectorProps): ConfigValue[] {
    const values = super.validate(props)
    if (props.endpoint === 'forbidden')
      values.find((v) => v.name === 'endpoint')?.addErrorMessage('endpoint is forbidden')
    return values
  }
}

const maskConfig = new ConfigDef()
  .define({ name: 'fields', type: 'LIST', importance: 'HIGH', documentation: 'Fields to mask.' })
  .define({
    name: 'replacement',
    type: 'STRING',
    defaultValue: '*',
    importance: 'LOW',
    documentation: 'Mask.',
  })
  .define({
    name: 'negate',
    type: 'STRING',
    defaultValue: 'x',
    importance: 'LOW',
    documentation: 'Masked by the implicit key.',
  })

const maskTransform: Transformation = {
  configure() {},
  apply: (r) => r,
  config: () => maskConfig,
  close() {},
}

const bigPredicate: Predicate = {
  configure() {},
  test: () => true,
  config: () =>
    new ConfigDef().define({
      name: 'threshold',
      type: 'INT',
      defaultValue: 10,
      importance: 'LOW',
      documentation: 'Size.',
    }),
  close() {},
}

export const plugins: PluginDefinition[] = [
  definePlugin({
    kind: 'sink',
    className: 'com.example.TestSinkConnector',
    version: '2.0.0',
    create: () => new TestSinkConnector(),
  }),
  definePlugin({
    kind: 'transformation',
    className: 'com.example.Mask',
    version: '1.0.0',
    create: () => maskTransform,
  }),
  definePlugin({
    kind: 'predicate',
    className: 'com.example.IsBig',
    version: '1.0.0',
    create: () => bigPredicate,
  }),
]

/** The built-in plugins plus this module's. */
export function testRegistry(): Promise<PluginRegistry> {
  return loadPluginRegistry([], [...BUILTIN_PLUGIN_MODULES, import.meta.url])
}

/** The worker properties of the tests. */
export const WORKER_PROPS: Readonly<Record<string, string>> = {
  'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'offset.storage.file.filename': '/tmp/unused.offsets',
}

/**
 * A worker that reports states synchronously like `Worker` does: RUNNING/PAUSED/STOPPED for connectors,
 * RUNNING/PAUSED for started tasks, STOPPED for stopped tasks. `failStart` makes `startConnector` fail.
 */
export class FakeWorker implements ConnectWorker {
  readonly workerId = '127.0.0.1:8083'
  readonly calls: string[] = []
  readonly running = new Map<string, ConnectorProps>()
  readonly tasks = new Map<string, TargetState>()
  readonly topics = new Map<string, string[]>()
  /** Overrides the number of task configs generated. */
  taskCount: ((name: string, props: ConnectorProps) => number) | undefined
  failStart = false
  onTaskReconfigurationRequest: ((connector: string) => void) | undefined
  altered: Array<ReadonlyArray<SourceOffsetEntry | SinkOffsetEntry> | null> = []

  constructor(
    readonly plugins: PluginRegistry,
    readonly listener: StatusListener,
  ) {}

  async startConnector(name: string, props: ConnectorProps, target: TargetState): Promise<void> {
    this.calls.push(`startConnector ${name} ${target}`)
    if (this.failStart) {
      this.listener.onConnectorState(name, 'FAILED', 'Error: boom\n    at start')
      throw new Error('boom')
    }
    this.running.set(name, props)
    this.listener.onConnectorState(name, target === 'STARTED' ? 'RUNNING' : target)
  }

  async connectorTaskConfigs(name: string): Promise<ConnectorProps[]> {
    const props = this.running.get(name)
    if (props === undefined) throw new Error(`${name} not running`)
    const n = this.taskCount?.(name, props) ?? Number(props['tasks.max'] ?? '1')
    return Array.from({ length: n }, (_, i) => ({
      'task.class': 'T',
      index: String(i),
      file: props.file ?? '',
    }))
  }

  async startTask(
    id: ConnectorTaskId,
    _c: ConnectorProps,
    _t: ConnectorProps,
    target: TargetState,
  ): Promise<void> {
    this.calls.push(`startTask ${id.connector}-${id.task} ${target}`)
    this.tasks.set(`${id.connector}-${id.task}`, target)
    this.listener.onTaskState(id, target === 'PAUSED' ? 'PAUSED' : 'RUNNING')
  }

  async stopConnector(name: string): Promise<void> {
    this.calls.push(`stopConnector ${name}`)
    this.running.delete(name)
  }

  async stopTasks(ids: readonly ConnectorTaskId[]): Promise<void> {
    for (const id of ids) {
      this.calls.push(`stopTask ${id.connector}-${id.task}`)
      this.tasks.delete(`${id.connector}-${id.task}`)
      this.listener.onTaskState(id, 'STOPPED')
    }
  }

  async setTargetState(name: string, state: TargetState): Promise<void> {
    this.calls.push(`setTargetState ${name} ${state}`)
    for (const key of this.tasks.keys()) if (key.startsWith(`${name}-`)) this.tasks.set(key, state)
    this.listener.onConnectorState(name, state === 'STARTED' ? 'RUNNING' : state)
    for (const [key] of this.tasks) {
      if (key.startsWith(`${name}-`) && state !== 'STOPPED') {
        this.listener.onTaskState(
          { connector: name, task: Number(key.slice(name.length + 1)) },
          state === 'PAUSED' ? 'PAUSED' : 'RUNNING',
        )
      }
    }
  }

  isSinkConnector(props: ConnectorProps): boolean {
    return this.plugins.resolve(props['connector.class'] ?? '').kind === 'sink'
  }

  async connectorOffsets(): Promise<Array<SourceOffsetEntry | SinkOffsetEntry>> {
    return [{ partition: { filename: 'a.txt' }, offset: { position: 7 } }]
  }

  async modifyConnectorOffsets(
    _name: string,
    _props: ConnectorProps,
    offsets: ReadonlyArray<SourceOffsetEntry | SinkOffsetEntry> | null,
  ): Promise<string> {
    this.altered.push(offsets)
    return offsets === null ? 'reset' : 'altered'
  }

  activeTopics(name: string): readonly string[] {
    return this.topics.get(name) ?? []
  }

  resetActiveTopics(name: string): void {
    this.topics.delete(name)
  }

  async stop(): Promise<void> {
    this.calls.push('stop')
  }
}
