/**
 * Test plugins: connectors that fail, crash their thread, hang or run slowly on purpose. Loaded from
 * `plugin.path` by the integration tests (which also proves third-party plugin loading).
 *
 * @packageDocumentation
 */
import { readFileSync, writeFileSync } from 'node:fs'
import type { ConnectorProps, SinkRecord, SourceRecord } from '@sluice/api'
import {
  ConfigDef,
  ConnectError,
  definePlugin,
  type PluginDefinition,
  Schemas,
  SinkConnector,
  SinkTask,
  SourceConnector,
  SourceTask,
  sourceRecord,
} from '@sluice/api'

const VERSION = '0.1.0'

/** Counts failures across restarts of a task (each restart is a fresh instance, maybe on another thread). */
function bumpCounter(file: string): number {
  let n = 0
  try {
    n = Number(readFileSync(file, 'utf8')) || 0
  } catch {
    // no file yet: first failure
  }
  writeFileSync(file, String(n + 1))
  return n + 1
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
    const counter = this.#props['fail.counter.file'] ?? ''
    this.#polls++
    if (this.#polls > after) {
      const failures =
        counter === ''
          ? 0
          : Number(
              (() => {
                try {
                  return readFileSync(counter, 'utf8')
                } catch {
                  return '0'
                }
              })(),
            )
      if (times < 0 || failures < times) {
        if (counter !== '') bumpCounter(counter)
        if (mode === 'exit') process.exit(3)
        if (mode === 'hang') return new Promise(() => undefined)
        throw new ConnectError('XC_TASK_CRASHED', `deliberate failure in poll #${this.#polls}`, {
          stage: 'poll',
        })
      }
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

class SlowSinkConnector extends SinkConnector {
  #props: ConnectorProps = {}
  version(): string {
    return VERSION
  }
  start(props: ConnectorProps): void {
    this.#props = props
  }
  taskClass() {
    return SlowSinkTask
  }
  taskConfigs(maxTasks: number): ConnectorProps[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.#props }))
  }
  stop(): void {}
  config(): ConfigDef {
    return slowSinkConfig
  }
}

export const plugins: PluginDefinition[] = [
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
]
