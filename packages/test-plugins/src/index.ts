/**
 * Test plugins: connectors that fail, crash their thread, hang or run slowly on purpose. Loaded from
 * `plugin.path` by the integration tests (which also proves third-party plugin loading).
 *
 * @packageDocumentation
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import type {
  ConnectorProps,
  SinkRecord,
  SourceRecord,
  TopicPartition,
  TopicPartitionOffset,
} from '@sluice/api'
import {
  ConfigDef,
  ConnectError,
  definePlugin,
  type PluginDefinition,
  RetriableError,
  Schemas,
  SinkConnector,
  SinkTask,
  SourceConnector,
  SourceTask,
  sourceRecord,
  type TaskClass,
} from '@sluice/api'

const VERSION = '0.1.0'

/** Failures counted in `file` so far: 0 without a file or before the first failure. */
function failuresSoFar(file: string): number {
  if (file === '') return 0
  try {
    return Number(readFileSync(file, 'utf8')) || 0
  } catch {
    return 0 // no file yet: first failure
  }
}

/**
 * Whether the task fails now: `times` failures in total (-1: always), counted in `counterFile` across
 * restarts of the task (each restart is a fresh instance, maybe on another thread). Counts the failure.
 */
function failureDue(times: number, counterFile: string): boolean {
  const failures = failuresSoFar(counterFile)
  if (times >= 0 && failures >= times) return false
  if (counterFile !== '') writeFileSync(counterFile, String(failures + 1))
  return true
}

/** A sink connector whose `maxTasks` tasks each get the connector's own properties. */
function copyingSinkConnector(task: TaskClass<SinkTask>, config: ConfigDef) {
  return class extends SinkConnector {
    #props: ConnectorProps = {}
    version(): string {
      return VERSION
    }
    start(props: ConnectorProps): void {
      this.#props = props
    }
    taskClass() {
      return task
    }
    taskConfigs(maxTasks: number): ConnectorProps[] {
      return Array.from({ length: maxTasks }, () => ({ ...this.#props }))
    }
    stop(): void {}
    config(): ConfigDef {
      return config
    }
  }
}

const failingConfig = new ConfigDef()
  .define({ name: 'topic', type: 'STRING', importance: 'HIGH', documentation: 'Topic to write to.' })
  .define({
    name: 'fail.mode',
    type: 'STRING',
    defaultValue: 'throw',
    importance: 'HIGH',
    documentation: 'throw: poll throws; exit: the thread exits; hang: poll and stop never return.',
  })
  .define({
    name: 'fail.after.polls',
    type: 'INT',
    defaultValue: 3,
    importance: 'MEDIUM',
    documentation: 'Polls that succeed before failing.',
  })
  .define({
    name: 'fail.times',
    type: 'INT',
    defaultValue: -1,
    importance: 'MEDIUM',
    documentation: 'How many failures in total (across restarts) before the task behaves; -1 = always fail.',
  })
  .define({
    name: 'fail.counter.file',
    type: 'STRING',
    defaultValue: '',
    importance: 'LOW',
    documentation: 'File counting failures across restarts.',
  })

class FailingSourceTask extends SourceTask {
  #props: ConnectorProps = {}
  #polls = 0
  #seq = 0

  version(): string {
    return VERSION
  }

  start(props: ConnectorProps): void {
    this.#props = props
  }

  async poll(signal: AbortSignal): Promise<SourceRecord[] | null> {
    const mode = this.#props['fail.mode'] ?? 'throw'
    const after = Number(this.#props['fail.after.polls'] ?? '3')
    const times = Number(this.#props['fail.times'] ?? '-1')
    this.#polls++
    if (this.#polls > after && failureDue(times, this.#props['fail.counter.file'] ?? '')) {
      if (mode === 'exit') process.exit(3)
      if (mode === 'hang') return new Promise(() => undefined)
      throw new ConnectError('XC_TASK_CRASHED', `deliberate failure in poll #${this.#polls}`, {
        stage: 'poll',
      })
    }
    await new Promise((r) => setTimeout(r, 10))
    if (signal.aborted) return null
    return [
      sourceRecord({
        sourcePartition: { p: 0 },
        sourceOffset: { seq: ++this.#seq },
        topic: this.#props.topic ?? 'test',
        valueSchema: Schemas.STRING,
        value: `v${this.#seq}`,
      }),
    ]
  }

  stop(): Promise<void> | void {
    if (this.#props['fail.mode'] === 'hang') return new Promise(() => undefined)
  }
}

class FailingSourceConnector extends SourceConnector {
  #props: ConnectorProps = {}
  version(): string {
    return VERSION
  }
  start(props: ConnectorProps): void {
    this.#props = props
  }
  taskClass() {
    return FailingSourceTask
  }
  taskConfigs(): ConnectorProps[] {
    return [{ ...this.#props }]
  }
  stop(): void {}
  config(): ConfigDef {
    return failingConfig
  }
}

const slowSinkConfig = new ConfigDef()
  .define({
    name: 'put.delay.ms',
    type: 'INT',
    defaultValue: 100,
    importance: 'HIGH',
    documentation: 'How long each put takes.',
  })
  .define({
    name: 'count.file',
    type: 'STRING',
    defaultValue: '',
    importance: 'LOW',
    documentation: 'File the task writes its record count to.',
  })

class SlowSinkTask extends SinkTask {
  #delay = 100
  #countFile = ''
  #count = 0
  version(): string {
    return VERSION
  }
  start(props: ConnectorProps): void {
    this.#delay = Number(props['put.delay.ms'] ?? '100')
    this.#countFile = props['count.file'] ?? ''
  }
  async put(records: readonly SinkRecord[], signal: AbortSignal): Promise<void> {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, this.#delay)
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(t)
          resolve()
        },
        { once: true },
      )
    })
    this.#count += records.length
    if (this.#countFile !== '') writeFileSync(this.#countFile, String(this.#count))
  }
  stop(): void {}
}

class SlowSinkConnector extends copyingSinkConnector(SlowSinkTask, slowSinkConfig) {}

const flakySinkConfig = new ConfigDef()
  .define({
    name: 'record.file',
    type: 'STRING',
    defaultValue: '',
    importance: 'HIGH',
    documentation: 'File each put record is appended to, as "topic/partition/offset value" lines.',
  })
  .define({
    name: 'calls.file',
    type: 'STRING',
    defaultValue: '',
    importance: 'MEDIUM',
    documentation: 'File the lifecycle calls (open, put, preCommit, close) are appended to, one per line.',
  })
  .define({
    name: 'fail.mode',
    type: 'STRING',
    defaultValue: 'none',
    importance: 'HIGH',
    documentation:
      'none; throw: put throws a plain error; retriable: put throws RetriableError; exit: the thread exits in put.',
  })
  .define({
    name: 'fail.on.put',
    type: 'INT',
    defaultValue: 2,
    importance: 'MEDIUM',
    documentation:
      'From which put call on (1-based, per task instance) puts fail, until fail.times failures happened.',
  })
  .define({
    name: 'fail.times',
    type: 'INT',
    defaultValue: 1,
    importance: 'MEDIUM',
    documentation: 'How many failures in total (across restarts; -1 = always).',
  })
  .define({
    name: 'fail.counter.file',
    type: 'STRING',
    defaultValue: '',
    importance: 'LOW',
    documentation: 'File counting failures across restarts.',
  })
  .define({
    name: 'precommit.mode',
    type: 'STRING',
    defaultValue: 'default',
    importance: 'MEDIUM',
    documentation: 'default: approve what was put; empty: a buffering sink that approves nothing ({}).',
  })
  .define({
    name: 'put.delay.ms',
    type: 'INT',
    defaultValue: 0,
    importance: 'LOW',
    documentation: 'How long each put takes.',
  })
  .define({
    name: 'report.every',
    type: 'INT',
    defaultValue: 0,
    importance: 'LOW',
    documentation:
      'Report records whose offset is a multiple of this to the errant record reporter (0 = none).',
  })

const tpList = (ps: readonly TopicPartition[]): string => ps.map((p) => `${p.topic}-${p.partition}`).join(',')

/**
 * A sink that records every record and lifecycle call to files (they outlive the task's thread) and
 * fails one chosen `put` in one of several ways: the subject of the delivery and revoke tests.
 */
class FlakySinkTask extends SinkTask {
  #props: ConnectorProps = {}
  #puts = 0
  version(): string {
    return VERSION
  }
  #call(line: string): void {
    const f = this.#props['calls.file'] ?? ''
    if (f !== '') appendFileSync(f, `${line}\n`)
  }
  start(props: ConnectorProps): void {
    this.#props = props
    this.#call('start')
  }
  override open(partitions: readonly TopicPartition[]): void {
    this.#call(`open ${tpList(partitions)}`)
  }
  override close(partitions: readonly TopicPartition[]): void {
    this.#call(`close ${tpList(partitions)}`)
  }
  async put(input: readonly SinkRecord[], signal: AbortSignal): Promise<void> {
    let records = input
    this.#puts++
    const delay = Number(this.#props['put.delay.ms'] ?? '0')
    if (delay > 0) await new Promise((r) => setTimeout(r, delay))
    const mode = this.#props['fail.mode'] ?? 'none'
    if (
      mode !== 'none' &&
      this.#puts >= Number(this.#props['fail.on.put'] ?? '2') &&
      failureDue(Number(this.#props['fail.times'] ?? '1'), this.#props['fail.counter.file'] ?? '')
    ) {
      this.#call(`put-fails ${records.length}`)
      if (mode === 'exit') process.exit(3)
      if (mode === 'retriable') throw new RetriableError(`deliberate retriable failure in put #${this.#puts}`)
      throw new Error(`deliberate failure in put #${this.#puts}`)
    }
    if (signal.aborted) return
    const every = Number(this.#props['report.every'] ?? '0')
    if (every > 0) {
      const reporter = this.context.errantRecordReporter()
      if (reporter === null) throw new Error('no errant record reporter although errors.* asks for one')
      const bad = records.filter((r) => r.kafkaOffset % every === 0)
      await Promise.all(
        bad.map((r) => reporter.report(r, new Error(`record at offset ${r.kafkaOffset} rejected`))),
      )
      records = records.filter((r) => r.kafkaOffset % every !== 0)
    }
    const f = this.#props['record.file'] ?? ''
    if (f !== '') {
      let out = ''
      for (const r of records) out += `${r.topic}/${r.kafkaPartition}/${r.kafkaOffset} ${String(r.value)}\n`
      appendFileSync(f, out)
    }
    this.#call(`put ${records.length}`)
  }
  override async preCommit(
    current: readonly TopicPartitionOffset[],
  ): Promise<readonly TopicPartitionOffset[]> {
    const approved = this.#props['precommit.mode'] === 'empty' ? [] : current
    this.#call(
      `precommit ${current.map((o) => `${o.topic}-${o.partition}@${o.offset}`).join(',')} -> ${approved.length}`,
    )
    return approved
  }
  stop(): void {
    this.#call('stop')
  }
}

class FlakySinkConnector extends copyingSinkConnector(FlakySinkTask, flakySinkConfig) {}

const listSourceConfig = new ConfigDef()
  .define({ name: 'topic', type: 'STRING', importance: 'HIGH', documentation: 'Topic to write to.' })
  .define({
    name: 'records',
    type: 'STRING',
    importance: 'HIGH',
    documentation:
      'Comma-separated values to emit, one per poll, then nothing; `big:N` is a value of N letters x.',
  })
  .define({
    name: 'poll.interval.ms',
    type: 'INT',
    defaultValue: 50,
    importance: 'LOW',
    documentation: 'Pause before each poll (keeps each record in its own producer batch).',
  })
  .define({
    name: 'records.per.poll',
    type: 'INT',
    defaultValue: 1,
    importance: 'LOW',
    documentation: 'Records returned by one poll (one producer batch).',
  })

/** Emits a fixed list of string values, `records.per.poll` per poll, with source offset `{i}` (then idles). */
class ListSourceTask extends SourceTask {
  #values: string[] = []
  #topic = 'test'
  #interval = 50
  #perPoll = 1
  #next = 0

  version(): string {
    return VERSION
  }

  async start(props: ConnectorProps): Promise<void> {
    this.#topic = props.topic ?? 'test'
    this.#interval = Number(props['poll.interval.ms'] ?? '50')
    this.#perPoll = Number(props['records.per.poll'] ?? '1')
    this.#values = (props.records ?? '').split(',').map((v) => {
      const big = /^big:(\d+)$/.exec(v)
      return big === null ? v : 'x'.repeat(Number(big[1]))
    })
    const stored = await this.context.offsetStorageReader.offset({ list: this.#topic })
    this.#next = stored === null ? 0 : Number(stored.i) + 1
  }

  async poll(signal: AbortSignal): Promise<SourceRecord[] | null> {
    await new Promise((r) => setTimeout(r, this.#interval))
    if (signal.aborted || this.#next >= this.#values.length) return null
    const out: SourceRecord[] = []
    while (out.length < this.#perPoll && this.#next < this.#values.length) {
      const i = this.#next++
      out.push(
        sourceRecord({
          sourcePartition: { list: this.#topic },
          sourceOffset: { i },
          topic: this.#topic,
          valueSchema: Schemas.STRING,
          value: this.#values[i]!,
        }),
      )
    }
    return out
  }

  stop(): void {}
}

class ListSourceConnector extends SourceConnector {
  #props: ConnectorProps = {}
  version(): string {
    return VERSION
  }
  start(props: ConnectorProps): void {
    this.#props = props
  }
  taskClass() {
    return ListSourceTask
  }
  taskConfigs(): ConnectorProps[] {
    return [{ ...this.#props }]
  }
  stop(): void {}
  config(): ConfigDef {
    return listSourceConfig
  }
}

export const plugins: PluginDefinition[] = [
  definePlugin({
    kind: 'source',
    className: 'io.sluice.test.ListSourceConnector',
    aliases: ['ListSource'],
    version: VERSION,
    create: () => new ListSourceConnector(),
  }),
  definePlugin({
    kind: 'source',
    className: 'io.sluice.test.FailingSourceConnector',
    aliases: ['FailingSource'],
    version: VERSION,
    create: () => new FailingSourceConnector(),
  }),
  definePlugin({
    kind: 'sink',
    className: 'io.sluice.test.SlowSinkConnector',
    aliases: ['SlowSink'],
    version: VERSION,
    create: () => new SlowSinkConnector(),
  }),
  definePlugin({
    kind: 'sink',
    className: 'io.sluice.test.FlakySinkConnector',
    aliases: ['FlakySink'],
    version: VERSION,
    create: () => new FlakySinkConnector(),
  }),
]
