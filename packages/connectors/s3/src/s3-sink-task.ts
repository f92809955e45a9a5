import {
  type ConnectorProps,
  DataError,
  type SinkRecord,
  SinkTask,
  type TopicPartition,
  type TopicPartitionOffset,
} from '@sluice/api'
import { S3SinkConfig } from './config.js'
import { createFormat } from './formats.js'
import { createPartitioner, describeRecord, type Partitioner } from './partitioner.js'
import { S3Storage } from './s3-storage.js'
import { TopicPartitionWriter, type WriterFormats } from './topic-partition-writer.js'
import { VERSION } from './version.js'

/** Options of {@link S3SinkTask}; the runtime uses the defaults, tests inject a clock or storage. */
export interface S3SinkTaskOptions {
  /** Wall-clock milliseconds (Wallclock extractor, rotate.schedule.interval.ms). */
  readonly clock?: () => number
  /** Storage to use instead of one built from the config. */
  readonly storage?: (config: S3SinkConfig) => S3Storage
}

const tpKey = (tp: TopicPartition) => `${tp.topic}\u0000${tp.partition}`

/**
 * Confluent's `S3SinkTask`: one {@link TopicPartitionWriter} per assigned partition; `put` writes and
 * commits whole files; `preCommit` reports only offsets whose records are complete objects in S3 (and
 * rotates on the schedule when no records came); `close` and `stop` abort unfinished uploads, so the
 * next owner resumes from the committed offsets and rewrites the same object names.
 */
export class S3SinkTask extends SinkTask {
  static readonly className = 'io.confluent.connect.s3.S3SinkTask'

  readonly #clock: () => number
  readonly #makeStorage: (config: S3SinkConfig) => S3Storage
  #config: S3SinkConfig | undefined
  #storage: S3Storage | undefined
  #partitioner: Partitioner | undefined
  #formats: WriterFormats | undefined
  readonly #writers = new Map<string, TopicPartitionWriter>()

  constructor(options: S3SinkTaskOptions = {}) {
    super()
    this.#clock = options.clock ?? Date.now
    this.#makeStorage = options.storage ?? ((c) => new S3Storage(c))
  }

  version(): string {
    return VERSION
  }

  /** @throws {@link ConfigError} naming the bad key; {@link ConnectError} `Non-existent S3 bucket: …` */
  async start(props: ConnectorProps): Promise<void> {
    const config = new S3SinkConfig(props)
    this.#config = config
    this.#storage = this.#makeStorage(config)
    this.#partitioner = createPartitioner(config)
    this.#formats = {
      value: createFormat(config.format, config),
      keys: config.storeKeys ? createFormat(config.keysFormat, config) : null,
      headers: config.storeHeaders ? createFormat(config.headersFormat, config) : null,
    }
    await this.#storage.checkBucket()
    for (const tp of this.context.assignment()) this.#writer(tp)
  }

  #writer(tp: TopicPartition): TopicPartitionWriter {
    const k = tpKey(tp)
    let w = this.#writers.get(k)
    if (w === undefined) {
      if (this.#config === undefined) throw new Error('S3SinkTask used before start()')
      w = new TopicPartitionWriter(
        { topic: tp.topic, partition: tp.partition },
        this.#config,
        this.#partitioner!,
        this.#formats!,
        this.#storage!,
        this.#clock(),
        (offset) => this.context.offset([{ topic: tp.topic, partition: tp.partition, offset }]),
      )
      this.#writers.set(k, w)
    }
    return w
  }

  override open(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.#writer(tp)
  }

  override async close(partitions: readonly TopicPartition[]): Promise<void> {
    for (const tp of partitions) {
      const w = this.#writers.get(tpKey(tp))
      this.#writers.delete(tpKey(tp))
      await w?.close()
    }
  }

  async put(records: readonly SinkRecord[], _signal: AbortSignal): Promise<void> {
    const config = this.#config
    if (config === undefined) throw new Error('S3SinkTask used before start()')
    const byTp = new Map<string, SinkRecord[]>()
    for (const r of records) {
      if (r.value === null || r.value === undefined) {
        if (config.nullValues === 'ignore') continue
        if (config.nullValues !== 'write')
          throw new DataError(
            `Null valued records are not writeable with current behavior.on.null.values 'settings' (record ${describeRecord(r)}); set behavior.on.null.values=ignore to skip tombstones`,
            { stage: 'put' },
          )
      }
      const k = tpKey({ topic: r.topic, partition: r.kafkaPartition })
      let list = byTp.get(k)
      if (list === undefined) {
        list = []
        byTp.set(k, list)
        this.#writer({ topic: r.topic, partition: r.kafkaPartition })
      }
      list.push(r)
    }
    const now = this.#clock()
    // Every writer, with or without new records: time-based rotation may be due (as Confluent does).
    for (const [k, w] of this.#writers) await w.write(byTp.get(k) ?? [], now)
  }

  /** Rotates what the schedule says is due, then reports the offsets of completed objects only. */
  override async preCommit(
    _currentOffsets: readonly TopicPartitionOffset[],
  ): Promise<readonly TopicPartitionOffset[]> {
    const now = this.#clock()
    const out: TopicPartitionOffset[] = []
    for (const w of this.#writers.values()) {
      await w.write([], now)
      const offset = w.offsetToCommit()
      if (offset !== null) out.push({ topic: w.tp.topic, partition: w.tp.partition, offset })
    }
    return out
  }

  async stop(): Promise<void> {
    const writers = [...this.#writers.values()]
    this.#writers.clear()
    await Promise.all(writers.map((w) => w.close()))
    this.#storage?.client.destroy()
  }
}
