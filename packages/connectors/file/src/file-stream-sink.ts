import { type FileHandle, open } from 'node:fs/promises'
import {
  AbstractConfig,
  ConfigDef,
  ConnectError,
  type ConnectorProps,
  SinkConnector,
  type SinkRecord,
  SinkTask,
  type TaskClass,
  type TopicPartitionOffset,
} from '@sluice/api'
import { javaString } from './java-string.js'
import { VERSION } from './version.js'

/** Kafka's class name of the FileStream sink, used in `connector.class`. */
export const FILE_STREAM_SINK_CLASS = 'org.apache.kafka.connect.file.FileStreamSinkConnector'

/** Config key: the file to append to; unset or empty writes standard output. */
export const SINK_FILE_CONFIG = 'file'

/**
 * The FileStream sink's own configuration, as in Kafka. `topics`/`topics.regex` belong to the
 * framework's sink config, not to this def.
 */
export const FILE_STREAM_SINK_CONFIG_DEF: ConfigDef = new ConfigDef().define({
  name: SINK_FILE_CONFIG,
  type: 'STRING',
  defaultValue: null,
  importance: 'HIGH',
  documentation: 'Destination filename. If not specified, the standard output will be used',
})

const NEWLINE = 0x0a

/** The output file, or null for standard output (unset and empty both mean stdout, as in Kafka). */
function sinkFile(props: ConnectorProps): string | null {
  const f = new AbstractConfig(FILE_STREAM_SINK_CONFIG_DEF, props).getString(SINK_FILE_CONFIG)
  return f === null || f === '' ? null : f
}

/** Options of {@link FileStreamSinkTask}; the runtime uses the defaults, tests override them. */
export interface FileStreamSinkTaskOptions {
  /** Stream written instead of standard output when `file` is unset (Kafka's test constructor). */
  readonly stdout?: NodeJS.WritableStream
}

/**
 * Kafka's `FileStreamSinkTask`: appends each record's value and a newline to a file (created if
 * missing) or to standard output. The value is printed as Java's `println(Object)` would (`null` for
 * null; see {@link javaString}), except that BYTES values are written raw.
 *
 * Each `put` renders the whole batch into one string/buffer and writes it with one call, so the data is
 * in the file (the OS page cache) when `put` resolves, as with Kafka's unbuffered `PrintStream`;
 * `flush` therefore only waits for writes still in flight and, like Kafka, does not fsync.
 */
export class FileStreamSinkTask extends SinkTask {
  /** Reported as `task.class` in task configs, as Kafka Connect names it. */
  static readonly className = 'org.apache.kafka.connect.file.FileStreamSinkTask'

  readonly #stdoutOverride: NodeJS.WritableStream | undefined
  #filename: string | null = null
  #handle: FileHandle | null = null
  #stdout: NodeJS.WritableStream | null = null
  /** The last write; writes are chained so the file sees batches in `put` order. */
  #pending: Promise<void> = Promise.resolve()

  constructor(options: FileStreamSinkTaskOptions = {}) {
    super()
    this.#stdoutOverride = options.stdout
  }

  version(): string {
    return VERSION
  }

  /**
   * Opens the file for appending (creating it) or selects standard output.
   * @throws {@link ConfigError} for an invalid configuration; {@link ConnectError} when the file cannot be
   *   opened (Kafka's message)
   */
  async start(props: ConnectorProps): Promise<void> {
    this.#filename = sinkFile(props)
    if (this.#filename === null) {
      this.#stdout = this.#stdoutOverride ?? process.stdout
      return
    }
    try {
      this.#handle = await open(this.#filename, 'a')
    } catch (err) {
      throw new ConnectError(
        'XC_CONNECT',
        `Couldn't find or create file '${this.#filename}' for FileStreamSinkTask`,
        {
          stage: 'task.start',
          cause: err,
        },
      )
    }
  }

  /** Writes the batch with one write call; resolves when the bytes were handed to the OS. */
  put(records: readonly SinkRecord[], _signal: AbortSignal): Promise<void> {
    if (records.length === 0) return this.#pending
    const payload = render(records)
    const write = this.#pending.then(() => this.#write(payload))
    // Later writes must not run after a failed one, and the failure must reach the caller once.
    this.#pending = write.catch(() => undefined)
    return write
  }

  /** Waits for writes in flight (Kafka's `flush` flushes its stream; no fsync either). */
  override async flush(_currentOffsets: readonly TopicPartitionOffset[] = []): Promise<void> {
    await this.#pending
  }

  /** Closes the file after pending writes; standard output stays open. */
  async stop(): Promise<void> {
    await this.#pending
    const handle = this.#handle
    this.#handle = null
    await handle?.close()
  }

  async #write(payload: string | Buffer): Promise<void> {
    const handle = this.#handle
    if (handle !== null) {
      let buf = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload
      try {
        // The file is in append mode, so the position is ignored; loop on short writes.
        while (buf.length > 0) {
          const { bytesWritten } = await handle.write(buf, 0, buf.length, null)
          buf = buf.subarray(bytesWritten)
        }
      } catch (err) {
        // Kafka's PrintStream swallows write errors; losing data silently is worse than failing the task.
        throw new ConnectError(
          'XC_CONNECT',
          `Error writing to ${this.#filename}: ${(err as Error).message}`,
          {
            stage: 'put',
            cause: err,
          },
        )
      }
      return
    }
    const out = this.#stdout
    if (out === null) throw new ConnectError('XC_ILLEGAL_STATE', 'FileStreamSinkTask used before start()')
    await new Promise<void>((resolve, reject) => {
      out.write(payload, (err?: Error | null) => (err ? reject(err) : resolve()))
    })
  }
}

/**
 * One payload for a batch: a string while every value is text (the common case, encoded once), a
 * Buffer when raw BYTES values are mixed in.
 */
function render(records: readonly SinkRecord[]): string | Buffer {
  let text = ''
  let parts: Buffer[] | null = null
  for (const r of records) {
    const v = r.value
    if (typeof v === 'string') text += `${v}\n`
    else if (v instanceof Uint8Array) {
      parts ??= []
      if (text !== '') parts.push(Buffer.from(text, 'utf8'))
      text = ''
      parts.push(Buffer.from(v.buffer, v.byteOffset, v.byteLength), Buffer.of(NEWLINE))
    } else text += `${javaString(v, r.valueSchema)}\n`
  }
  if (parts === null) return text
  if (text !== '') parts.push(Buffer.from(text, 'utf8'))
  return Buffer.concat(parts)
}

/**
 * Kafka's `FileStreamSinkConnector`: writes the values of the records of `topics` (or `topics.regex`) to
 * a file, one per line. Every task gets the same config, so several tasks append to the same file.
 *
 * @example
 * ```properties
 * name=local-file-sink
 * connector.class=FileStreamSink
 * tasks.max=1
 * file=test.sink.txt
 * topics=connect-test
 * ```
 */
export class FileStreamSinkConnector extends SinkConnector {
  #props: ConnectorProps = {}

  version(): string {
    return VERSION
  }

  /** @throws {@link ConfigError} for an invalid configuration, naming the key */
  start(props: ConnectorProps): void {
    sinkFile(props)
    this.#props = { ...props }
  }

  taskClass(): TaskClass<SinkTask> {
    return FileStreamSinkTask
  }

  /** `maxTasks` identical configs, as Kafka does. */
  taskConfigs(maxTasks: number): ConnectorProps[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.#props }))
  }

  stop(): void {
    // Nothing to release: the connector has no background work.
  }

  config(): ConfigDef {
    return FILE_STREAM_SINK_CONFIG_DEF
  }

  /** Always true, as in Kafka: offsets live only in Kafka and need no connector-side checks. */
  override alterOffsets(): boolean {
    return true
  }
}
