import { open } from 'node:fs/promises'
import {
  ConnectError,
  type ConnectorProps,
  Headers,
  Schemas,
  type SourceBacklog,
  type SourceOffset,
  type SourcePartition,
  type SourceRecord,
  SourceTask,
} from '@sluice/api'
import { type ByteSource, FileByteSource, StreamByteSource, stdinByteSource } from './byte-source.js'
import {
  FILENAME_FIELD,
  FileStreamSourceConfig,
  isLong,
  POSITION_FIELD,
} from './file-stream-source-config.js'
import { LineBuffer } from './line-buffer.js'
import { systemTaskClock, type TaskClock } from './task-clock.js'
import { VERSION } from './version.js'

/** Options of {@link FileStreamSourceTask}; the runtime uses the defaults, tests override them. */
export interface FileStreamSourceTaskOptions {
  /** How long an empty poll waits for the file to appear or grow (Kafka: 1000 ms). */
  readonly waitMs?: number
  /** Clock for those waits. */
  readonly clock?: TaskClock
  /** Stream read instead of standard input when `file` is unset (like Kafka's tests' `System.setIn`). */
  readonly stdin?: NodeJS.ReadableStream
  /** First size of the line buffer in bytes; it doubles whenever one line does not fit. */
  readonly bufferSize?: number
  /** Where warnings go (missing file); default `console.warn`. */
  readonly warn?: (message: string) => void
}

const VALUE_SCHEMA = Schemas.STRING

/**
 * Kafka's `FileStreamSourceTask`: turns each line of a file (or standard input) into a record with a null
 * key, a STRING value, source partition `{filename}` and source offset `{position}` — the byte position
 * just after the line, so a restart resumes with the next line. At end of input it waits (1 s, as Kafka;
 * cut short by a change of the file, the poll's `AbortSignal` or {@link stop}) and polls again, so it
 * follows a growing file and reads appended lines within milliseconds. A file that does not exist yet is
 * waited for the same way.
 *
 * Reads are large (1 MiB) and asynchronous, lines are split on bytes (see {@link LineBuffer}), and a poll
 * first returns lines already buffered before reading more, so no line waits for new input.
 */
export class FileStreamSourceTask extends SourceTask {
  /** Reported as `task.class` in task configs, as Kafka Connect names it. */
  static readonly className = 'org.apache.kafka.connect.file.FileStreamSourceTask'

  readonly #waitMs: number
  readonly #clock: TaskClock
  readonly #stdin: NodeJS.ReadableStream | undefined
  readonly #bufferSize: number
  readonly #warn: (message: string) => void
  /** Aborted by {@link stop}, so a waiting poll returns even when the caller's signal is not aborted. */
  #stopping = new AbortController()
  #filename: string | null = null
  #topic = ''
  #batchSize = 1
  #source: ByteSource | null = null
  #lines: LineBuffer
  /** Byte position after the last line returned; null for stdin, whose position is not tracked. */
  #streamOffset: number | null = null
  #partition: SourcePartition = {}
  #missingFileLogged = false

  constructor(options: FileStreamSourceTaskOptions = {}) {
    super()
    this.#waitMs = options.waitMs ?? 1000
    this.#clock = options.clock ?? systemTaskClock
    this.#stdin = options.stdin
    this.#bufferSize = options.bufferSize ?? 1 << 20
    this.#warn = options.warn ?? ((m) => console.warn(m))
    this.#lines = new LineBuffer(this.#bufferSize)
  }

  version(): string {
    return VERSION
  }

  /** @throws {@link ConfigError} for an invalid configuration, naming the key */
  start(props: ConnectorProps): void {
    const config = new FileStreamSourceConfig(props)
    this.#filename = config.file
    this.#topic = config.topic
    // Kafka returns as soon as `records.size() >= batch.size`, so 0 or less behaves like 1.
    this.#batchSize = Math.max(1, config.batchSize)
    this.#stopping = new AbortController()
    this.#lines = new LineBuffer(this.#bufferSize)
    // Frozen and shared by every record: partitions are immutable and this saves one object per line.
    this.#partition = Object.freeze({ [FILENAME_FIELD]: this.#filename })
    if (this.#filename === null) {
      this.#source = this.#stdin === undefined ? stdinByteSource() : new StreamByteSource(this.#stdin)
      this.#streamOffset = null
    }
  }

  /**
   * Up to `batch.size` records, or null after waiting when there is no complete line (or no file yet).
   * @throws {@link ConnectError} when the file cannot be opened or read, or its stored offset is not a
   *   non-negative integer
   */
  async poll(signal: AbortSignal): Promise<SourceRecord[] | null> {
    const stopping = this.#stopping.signal
    if (signal.aborted || stopping.aborted) return null
    if (this.#source === null && !(await this.#open(signal))) return null
    const source = this.#source
    if (source === null) return null

    const records: SourceRecord[] = []
    const lines = this.#lines
    const batchSize = this.#batchSize
    const topic = this.#topic
    const partition = this.#partition
    // One timestamp per poll: Kafka stamps each record with the time it was read, and a poll's lines are
    // read together.
    const timestamp = Date.now()
    for (;;) {
      let line = lines.next()
      while (line !== null) {
        let offset: SourceOffset
        if (this.#streamOffset === null) offset = { [POSITION_FIELD]: null }
        else {
          this.#streamOffset += lines.lastLineBytes
          offset = { [POSITION_FIELD]: this.#streamOffset }
        }
        records.push({
          sourcePartition: partition,
          sourceOffset: offset,
          topic,
          kafkaPartition: null,
          keySchema: null,
          key: null,
          valueSchema: VALUE_SCHEMA,
          value: line,
          timestamp,
          headers: new Headers(),
        })
        if (records.length >= batchSize) return records
        line = lines.next()
      }
      const w = lines.writable()
      let n: number
      try {
        n = await source.read(w.buffer, w.offset, w.length)
      } catch (err) {
        // Closed under us by stop(): end the poll quietly, as Kafka does when its stream is closed.
        if (stopping.aborted || signal.aborted) return records.length > 0 ? records : null
        throw new ConnectError(
          'XC_CONNECT',
          `Error while reading ${this.#logName()}: ${(err as Error).message}`,
          {
            stage: 'poll',
            cause: err,
          },
        )
      }
      if (n > 0) {
        lines.commit(n)
        continue
      }
      if (records.length > 0) return records
      // Nothing new: wait like Kafka (1 s), but return at once when stopping.
      await source.waitForData(this.#waitMs, this.#clock, [signal, stopping])
      return null
    }
  }

  /**
   * The bytes of the file after the last line returned (buffered bytes included): what is left to read
   * (undefined for standard input, whose end is unknown).
   */
  override backlog(): SourceBacklog | undefined {
    const source = this.#source
    if (!(source instanceof FileByteSource) || this.#streamOffset === null) return undefined
    return { bytes: source.unread(this.#clock.now()) + (source.position - this.#streamOffset) }
  }

  /** Unblocks a waiting poll and closes the file (standard input is left open, as in Kafka). */
  async stop(): Promise<void> {
    this.#stopping.abort()
    const source = this.#source
    this.#source = null
    this.#lines.clear()
    await source?.close()
  }

  /** Opens the file and skips to the stored offset; false (after waiting) while the file does not exist. */
  async #open(signal: AbortSignal): Promise<boolean> {
    const filename = this.#filename
    if (filename === null) return false
    let handle: Awaited<ReturnType<typeof open>>
    try {
      handle = await open(filename, 'r')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        // Kafka warns on every attempt; once per absence is enough to explain the silence.
        if (!this.#missingFileLogged) {
          this.#warn(
            `Couldn't find file ${filename} for FileStreamSourceTask, sleeping to wait for it to be created`,
          )
          this.#missingFileLogged = true
        }
        await this.#clock.sleep(this.#waitMs, signal, this.#stopping.signal)
        return false
      }
      throw new ConnectError(
        'XC_CONNECT',
        `Error while trying to open file ${filename}: ${(err as Error).message}`,
        {
          stage: 'poll',
          cause: err,
        },
      )
    }
    this.#missingFileLogged = false
    let position = 0
    try {
      const stored = await this.context.offsetStorageReader.offset(this.#partition)
      const last = stored?.[POSITION_FIELD]
      if (last !== null && last !== undefined) {
        if (!isLong(last)) throw new ConnectError('XC_CONNECT', 'Offset position is the incorrect type')
        // Kafka would silently start a negative stored position at that negative number.
        if (last < 0) throw new ConnectError('XC_CONNECT', `Offset position ${last} is negative`)
        position = Number(last)
      }
    } catch (err) {
      await handle.close()
      throw err
    }
    if (this.#stopping.signal.aborted) {
      // stop() ran while we were opening: do not leak the descriptor.
      await handle.close()
      return false
    }
    // A position past the end (the file was truncated or replaced) reads nothing until the file grows
    // past it. Kafka's skip loop never finishes in that case; waiting is the closest safe behaviour,
    // and the warning says why nothing arrives.
    const size = await handle.stat().then(
      (st) => st.size,
      () => position,
    )
    if (position > size) {
      this.#warn(
        `Stored position ${position} is beyond the end of ${filename} (${size} bytes); ` +
          'waiting for the file to grow past it (reset the connector offsets to read it from the start)',
      )
    }
    this.#source = new FileByteSource(handle, position, size, filename)
    this.#streamOffset = position
    return true
  }

  #logName(): string {
    return this.#filename ?? 'stdin'
  }
}
