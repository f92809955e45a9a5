import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Connector, ConnectorProps } from '@sluice/api'
import { KafkaAdmin } from '@sluice/kafka'
import { type ConnectorTaskId, createWorker, type TargetState, type Worker } from '@sluice/runtime'
import { ConverterSet } from './converters.js'
import type { ConformanceContext, ConformanceSpecBase } from './spec.js'
import { StatusRecorder } from './status-recorder.js'
import { waitFor } from './wait.js'

/** Worker settings the suite relies on (the spec's `workerProps` may override any of them). */
export const SUITE_WORKER_DEFAULTS: Readonly<Record<string, string>> = {
  // Kafka's quickstart converters: schemas travel with the data, so the suite sees the connector's schemas.
  'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'key.converter.schemas.enable': 'true',
  'value.converter.schemas.enable': 'true',
  // Frequent flushes keep the tests short; the crash tests need some flushed and some unflushed offsets.
  'offset.flush.interval.ms': '500',
  'task.pool.threads': '2',
  // A task that fails (the bad-config cases) is restarted once, quickly, then FAILED.
  'task.restart.backoff.initial.ms': '100',
  'task.restart.backoff.max.ms': '1000',
  'task.restart.max.attempts': '1',
}

/** A worker of the suite and the statuses it reported. */
export interface SuiteWorker {
  readonly worker: Worker
  readonly status: StatusRecorder
  readonly offsetsFile: string
}

/** A connector started on a worker: its full config and its tasks. */
export interface RunningConnector {
  readonly name: string
  readonly props: ConnectorProps
  readonly tasks: ReadonlyArray<{ readonly id: ConnectorTaskId; readonly props: ConnectorProps }>
}

/** Writes a `plugin.path` directory whose one package is the offset-header transform of this package. */
function writeOffsetHeaderPluginDir(root: string): string {
  const dir = path.join(root, 'plugins')
  const pkg = path.join(dir, 'sluice-testkit-offset-header')
  mkdirSync(pkg, { recursive: true })
  const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'offset-header-plugin.js')
  // The manifest points at the compiled module where it is: the registry resolves `exports` against the
  // package directory, and an absolute path resolves to itself.
  writeFileSync(
    path.join(pkg, 'package.json'),
    JSON.stringify({
      name: 'sluice-testkit-offset-header',
      private: true,
      sluice: { plugins: true },
      exports: entry,
    }),
  )
  return dir
}

/**
 * What one conformance `describe` block shares: the broker, an admin client, a temporary directory, the
 * worker most tests run on, and everything to clean up in `after`.
 */
export class ConformanceEnvironment {
  readonly spec: ConformanceSpecBase
  bootstrapServers = ''
  admin: KafkaAdmin | undefined
  root = ''
  #pluginDir = ''
  #shared: SuiteWorker | undefined
  readonly #workers = new Set<Worker>()
  readonly #topics: string[] = []
  readonly #cleanups: Array<() => unknown> = []
  #counter = 0
  readonly #run = Math.random().toString(36).slice(2, 8)

  constructor(spec: ConformanceSpecBase) {
    this.spec = spec
  }

  get timeoutMs(): number {
    return this.spec.timeoutMs ?? 30_000
  }

  get recordsPerPhase(): number {
    return this.spec.recordsPerPhase ?? 300
  }

  async open(): Promise<void> {
    this.bootstrapServers = await this.spec.bootstrapServers()
    this.admin = KafkaAdmin.create({ 'bootstrap.servers': this.bootstrapServers })
    this.root = mkdtempSync(path.join(tmpdir(), 'sluice-conformance-'))
    this.#pluginDir = writeOffsetHeaderPluginDir(this.root)
  }

  /**
   * Stops the workers (a test that failed may have left a connector running), runs every registered
   * cleanup (latest first: child workers, readers, fixtures, groups), deletes the topics and the directory.
   */
  async close(): Promise<void> {
    const errors: unknown[] = []
    for (const w of this.#workers) await w.stop().catch((err: unknown) => errors.push(err))
    for (const fn of this.#cleanups.reverse()) {
      try {
        await fn()
      } catch (err) {
        errors.push(err)
      }
    }
    for (const t of this.#topics) await this.admin?.deleteTopic(t).catch(() => undefined)
    this.admin?.close()
    if (this.root !== '') rmSync(this.root, { recursive: true, force: true })
    if (errors.length > 0) throw new AggregateError(errors, 'conformance cleanup failed')
  }

  /** Registers a cleanup for `after` (runs even when the test failed). */
  onClose(fn: () => unknown): void {
    this.#cleanups.push(fn)
  }

  /** Worker properties: the suite's defaults, the spec's, and the offset-header plugin on `plugin.path`. */
  workerProps(offsetsFile: string, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
    const props: Record<string, string> = {
      ...SUITE_WORKER_DEFAULTS,
      ...this.spec.workerProps,
      ...extra,
      'bootstrap.servers': this.bootstrapServers,
      'offset.storage.file.filename': offsetsFile,
    }
    const own = props['plugin.path']?.trim()
    props['plugin.path'] = own === undefined || own === '' ? this.#pluginDir : `${own},${this.#pluginDir}`
    return props
  }

  /** A new worker with its own offsets file (or `offsetsFile`, to restart on another worker's offsets). */
  async newWorker(offsetsFile?: string): Promise<SuiteWorker> {
    const file = offsetsFile ?? path.join(this.root, `offsets-${++this.#counter}.bin`)
    const status = new StatusRecorder()
    const worker = await createWorker({ props: this.workerProps(file), listener: status })
    this.#workers.add(worker)
    return { worker, status, offsetsFile: file }
  }

  /** Stops a worker gracefully (as on SIGTERM). */
  async stopWorker(w: SuiteWorker): Promise<void> {
    this.#workers.delete(w.worker)
    await w.worker.stop()
  }

  /** The worker most tests share; bad configs run on it first, so later tests prove it survived them. */
  async sharedWorker(): Promise<SuiteWorker> {
    this.#shared ??= await this.newWorker()
    return this.#shared
  }

  /** A fresh connector instance of the class under test (for `validate`). */
  async connectorInstance(): Promise<Connector> {
    const { worker } = await this.sharedWorker()
    return worker.plugins.resolve(this.spec.connectorClass).definition.create() as Connector
  }

  /** A unique connector name, topic (created now, deleted in `after`) and directory for one test. */
  async newContext(
    label: string,
    partitions: number,
  ): Promise<ConformanceContext & { topic: string; name: string }> {
    const id = `${label}-${this.#run}-${++this.#counter}`
    const dir = path.join(this.root, id)
    mkdirSync(dir, { recursive: true })
    const topic = `conformance-${id}`
    await this.createTopic(topic, partitions)
    // The group `connect-<name>` of a sink; deleting a missing group is not an error.
    const name = `conformance-${id}`
    this.onClose(() => this.admin?.deleteGroupOffsets(`connect-${name}`).catch(() => undefined))
    return { id, dir, bootstrapServers: this.bootstrapServers, topic, name }
  }

  /** A fresh context (see {@link newContext}) and the fixture `create` makes for it, cleaned up in `after`. */
  async newFixture<F extends { cleanup?(): void | Promise<void> }>(
    label: string,
    partitions: number,
    create: (ctx: ConformanceContext & { topic: string }) => F | Promise<F>,
  ): Promise<{ ctx: ConformanceContext & { topic: string; name: string }; fixture: F }> {
    const ctx = await this.newContext(label, partitions)
    const fixture = await create(ctx)
    this.onClose(() => fixture.cleanup?.())
    return { ctx, fixture }
  }

  /** The converters the tasks of connector `name` with `config` use on the shared worker. */
  async converters(name: string, config: ConnectorProps): Promise<ConverterSet> {
    const { worker } = await this.sharedWorker()
    return new ConverterSet(worker.plugins, this.workerProps(''), this.connectorProps(name, config))
  }

  /** Creates a topic (deleted in `after`) and waits until the broker serves all its partitions. */
  async createTopic(topic: string, partitions: number): Promise<void> {
    const admin = this.admin!
    await admin.createTopic({ topic, partitions, replicationFactor: 1 })
    this.#topics.push(topic)
    // A client that asks for the topic's metadata before every partition has a leader sees no partitions
    // and looks again only at its next metadata refresh (seconds): wait until the broker serves them.
    await waitFor(
      () =>
        admin.endOffsets(topic).then(
          (ends) => ends.size === partitions,
          () => false,
        ),
      `topic ${topic} to be ready`,
      this.timeoutMs,
    )
  }

  /** The connector's config for the worker: the fixture's, plus `name` and `connector.class`. */
  connectorProps(name: string, config: ConnectorProps): ConnectorProps {
    return { ...config, name, 'connector.class': this.spec.connectorClass }
  }
}

/** Starts a connector and its tasks on `w` as a herder does: connector, task configs, then each task. */
export async function startConnector(
  w: SuiteWorker,
  name: string,
  props: ConnectorProps,
  target: TargetState = 'STARTED',
): Promise<RunningConnector> {
  await w.worker.startConnector(name, props, target)
  const configs = await w.worker.connectorTaskConfigs(name)
  const tasks = configs.map((taskProps, task) => ({ id: { connector: name, task }, props: taskProps }))
  for (const t of tasks) await w.worker.startTask(t.id, props, t.props, target)
  return { name, props, tasks }
}

/** Stops a connector's tasks (flushing offsets) and then the connector, as a herder does on delete. */
export async function stopConnector(w: SuiteWorker, c: RunningConnector): Promise<void> {
  await w.worker.stopTasks(c.tasks.map((t) => t.id))
  await w.worker.stopConnector(c.name)
}

/** Waits until the connector and every task report `state`. */
export async function waitForState(
  w: SuiteWorker,
  c: RunningConnector,
  state: 'RUNNING' | 'PAUSED',
  timeoutMs: number,
): Promise<void> {
  await waitFor(
    () =>
      w.status.latest(c.name, null)?.state === state &&
      c.tasks.every((t) => w.status.latest(c.name, t.id.task)?.state === state),
    `${c.name} and its ${c.tasks.length} task(s) to be ${state}`,
    timeoutMs,
    () => w.status.describe(c.name),
  )
}
