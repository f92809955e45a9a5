import { closeSync, type FSWatcher, read as fsRead, fstatSync, openSync, watch } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import { Socket } from 'node:net'
import { ReadStream as TtyReadStream } from 'node:tty'
import { isMainThread } from 'node:worker_threads'
import type { TaskClock } from './task-clock.js'

/**
 * Where a {@link FileStreamSourceTask} reads its bytes from: a file at an explicit position, or standard
 * input. `read` never blocks waiting for input: it returns 0 when nothing is available right now, and
 * the caller waits with {@link waitForData}.
 */
export interface ByteSource {
  /** Copies up to `length` available bytes into `buffer` at `offset`; 0 = nothing available now. */
  read(buffer: Buffer, offset: number, length: number): Promise<number>
  /**
   * Waits up to `ms` for more input; sources that can tell when data arrives return earlier. Resolves
   * early when any of `signals` aborts.
   */
  waitForData(ms: number, clock: TaskClock, signals: readonly AbortSignal[]): Promise<void>
  /** Releases the source; a pending `read` resolves (with 0) rather than rejects. */
  close(): Promise<void>
}

/**
 * Reads a regular file from a byte position, following it as it grows. At the end of the file the caller
 * waits (Kafka: 1 s); when `path` is given a file watch (inotify on Linux) ends that wait as soon as the
 * file changes, so appended lines are read within milliseconds instead of after the rest of the second.
 * The watch exists only during a wait: a writer appending while the source is busy costs nothing. Where
 * the watch is unavailable the wait runs its full length, as Kafka's does.
 */
export class FileByteSource implements ByteSource {
  /** After a change, how long to let more lines arrive before reading (see {@link waitForData}). */
  static readonly COALESCE_MS = 20
  readonly #handle: FileHandle
  readonly #path: string | undefined
  #position: number
  #closed = false
  /** The file's size when last looked at (the backlog's end). */
  #size = 0
  #statAt = Number.NEGATIVE_INFINITY
  #watchFailed = false

  /** `size`: the file's size at open, if the caller knows it; `path`: to watch it at end of file. */
  constructor(handle: FileHandle, position: number, size = 0, path?: string) {
    this.#handle = handle
    this.#position = position
    this.#size = size
    this.#path = path
  }

  async read(buffer: Buffer, offset: number, length: number): Promise<number> {
    if (this.#closed || length === 0) return 0
    // Explicit positions: the handle's own file position is never used, so a stop racing a read is
    // harmless and resuming needs no seek.
    const { bytesRead } = await this.#handle.read(buffer, offset, length, this.#position)
    this.#position += bytesRead
    return bytesRead
  }

  /**
   * Bytes of the file not read yet, as far as known: a stat of the open file at most once a second
   * (`now` from the task's clock), in the background, so the answer never waits for I/O and may lag a
   * growing file by that second.
   */
  unread(now: number): number {
    if (!this.#closed && now - this.#statAt >= 1000) {
      this.#statAt = now
      this.#handle.stat().then(
        (st) => {
          this.#size = st.size
        },
        () => undefined, // closed meanwhile: the figure stays as it was
      )
    }
    return Math.max(0, this.#size - this.#position)
  }

  /** The read position (the next byte `read` copies). */
  get position(): number {
    return this.#position
  }

  async waitForData(ms: number, clock: TaskClock, signals: readonly AbortSignal[]): Promise<void> {
    const changed = new AbortController()
    const watcher = this.#closed ? undefined : this.#watch(() => changed.abort())
    if (watcher === undefined) return clock.sleep(ms, ...signals)
    try {
      // Bytes written after the last read but before the watch began raise no event: the size tells.
      if (this.#sizeNow() <= this.#position) await clock.sleep(ms, ...signals, changed.signal)
      else changed.abort()
    } finally {
      watcher.close()
    }
    // Changed: lines that come within a few milliseconds are read together, so a writer appending a
    // line at a time makes a few larger batches rather than one per write (each batch costs the runtime
    // a fixed amount of CPU); the latency added is at most this.
    if (changed.signal.aborted && !signals.some((s) => s.aborted))
      await clock.sleep(FileByteSource.COALESCE_MS, ...signals)
  }

  #watch(onChange: () => void): FSWatcher | undefined {
    if (this.#watchFailed || this.#path === undefined) return undefined
    try {
      // Not persistent: the watch alone never keeps the thread alive.
      const w = watch(this.#path, { persistent: false }, onChange)
      // A failing watch (the file went away) ends the wait; the next one falls back to sleeping.
      w.on('error', () => {
        this.#watchFailed = true
        onChange()
      })
      return w
    } catch {
      this.#watchFailed = true
      return undefined
    }
  }

  #sizeNow(): number {
    try {
      return fstatSync(this.#handle.fd).size
    } catch {
      return this.#position
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    // FileHandle.close waits for an in-flight read before closing the descriptor.
    await this.#handle.close()
  }
}

/** A chunk queue fed by a background reader; shared by the stdin variants. */
abstract class QueuedByteSource implements ByteSource {
  /** Stop pulling more input while this much is queued (backpressure towards the writer of stdin). */
  static readonly HIGH_WATER = 1 << 20
  #chunks: Buffer[] = []
  #queued = 0
  #head = 0
  #waiters = new Set<() => void>()
  protected closed = false

  /** Starts or resumes pulling input. */
  protected abstract resumeInput(): void
  /** Pauses pulling input. */
  protected abstract pauseInput(): void

  protected enqueue(chunk: Buffer): void {
    if (this.closed || chunk.length === 0) return
    this.#chunks.push(chunk)
    this.#queued += chunk.length
    if (this.#queued >= QueuedByteSource.HIGH_WATER) this.pauseInput()
    this.wake()
  }

  protected wake(): void {
    for (const w of this.#waiters) w()
    this.#waiters.clear()
  }

  async read(buffer: Buffer, offset: number, length: number): Promise<number> {
    let copied = 0
    while (copied < length && this.#chunks.length > 0) {
      const chunk = this.#chunks[0]!
      const n = chunk.copy(
        buffer,
        offset + copied,
        this.#head,
        Math.min(chunk.length, this.#head + length - copied),
      )
      copied += n
      this.#head += n
      if (this.#head === chunk.length) {
        this.#chunks.shift()
        this.#head = 0
      }
    }
    this.#queued -= copied
    if (this.#queued < QueuedByteSource.HIGH_WATER / 2 && !this.closed) this.resumeInput()
    return copied
  }

  async waitForData(ms: number, clock: TaskClock, signals: readonly AbortSignal[]): Promise<void> {
    if (this.#queued > 0) return
    // Wake on arrival instead of sleeping the whole interval: stdin is interactive.
    const arrived = new AbortController()
    const waiter = (): void => arrived.abort()
    this.#waiters.add(waiter)
    try {
      await clock.sleep(ms, arrived.signal, ...signals)
    } finally {
      this.#waiters.delete(waiter)
    }
  }

  async close(): Promise<void> {
    this.closed = true
    this.pauseInput()
    this.#chunks = []
    this.#queued = 0
    this.wake()
  }
}

/** Standard input (or any readable stream) consumed through stream events. */
export class StreamByteSource extends QueuedByteSource {
  readonly #stream: NodeJS.ReadableStream
  readonly #release: (stream: NodeJS.ReadableStream) => void
  readonly #onData = (chunk: Buffer | string): void => {
    this.enqueue(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk)
  }
  readonly #onError = (): void => {
    // Kafka treats a dead input stream like end of input: poll keeps returning nothing.
    this.wake()
  }

  /**
   * @param release what {@link close} does with the stream: by default it is only paused (right for
   *   shared streams such as `process.stdin`); a stream opened for this source should be destroyed
   */
  constructor(
    stream: NodeJS.ReadableStream,
    release: (stream: NodeJS.ReadableStream) => void = (s) => s.pause(),
  ) {
    super()
    this.#stream = stream
    this.#release = release
    stream.on('data', this.#onData)
    stream.on('error', this.#onError)
    stream.resume()
  }

  protected resumeInput(): void {
    if (this.#stream.isPaused()) this.#stream.resume()
  }

  protected pauseInput(): void {
    this.#stream.pause()
  }

  override async close(): Promise<void> {
    this.#stream.off('data', this.#onData)
    await super.close()
    this.#release(this.#stream)
    this.#stream.off('error', this.#onError)
  }
}

/**
 * A file descriptor read with `fs.read` on the libuv thread pool. Used for standard input redirected from
 * a regular file (reads never block for long), and as a last resort for a descriptor that cannot be
 * watched (a read on a pipe or terminal then stays in the pool until input arrives and cannot be
 * cancelled). One read is in flight at a time.
 */
export class FdByteSource extends QueuedByteSource {
  readonly #fd: number
  readonly #owned: boolean
  #reading = false
  #paused = false
  #ended = false

  /** @param owned close `fd` on {@link close} (never for descriptor 0 itself) */
  constructor(fd: number, owned = false) {
    super()
    this.#fd = fd
    this.#owned = owned
    this.resumeInput()
  }

  protected resumeInput(): void {
    this.#paused = false
    this.#pump()
  }

  protected pauseInput(): void {
    this.#paused = true
  }

  override async close(): Promise<void> {
    await super.close()
    // A read still in flight holds the descriptor number; close once it returned.
    if (this.#owned && !this.#reading) closeQuietly(this.#fd)
  }

  #pump(): void {
    if (this.#reading || this.#paused || this.#ended || this.closed) return
    this.#reading = true
    const chunk = Buffer.allocUnsafe(64 * 1024)
    fsRead(this.#fd, chunk, 0, chunk.length, null, (err, n) => {
      this.#reading = false
      if (this.closed) {
        if (this.#owned) closeQuietly(this.#fd)
        return
      }
      if (err !== null) {
        // EAGAIN: a non-blocking descriptor with nothing to read yet: try again shortly.
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') setTimeout(() => this.#pump(), 100).unref()
        else this.#ended = true
        return
      }
      if (n === 0) {
        this.#ended = true
        this.wake()
        return
      }
      this.enqueue(chunk.subarray(0, n))
      this.#pump()
    })
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd)
  } catch {
    // Already closed: nothing to release.
  }
}

/**
 * Descriptor 0 as a socket handle on this thread's event loop, for when it is a socket (stdio pipes made
 * by Node's `child_process` are socket pairs, which cannot be reopened). One per thread, never closed:
 * closing the handle would close descriptor 0 itself; between uses it is paused and unref'd so it
 * neither reads nor keeps the thread alive.
 */
let sharedStdinSocket: Socket | undefined

function stdinSocket(): StreamByteSource {
  sharedStdinSocket ??= new Socket({ fd: 0, readable: true, writable: false })
  const socket = sharedStdinSocket
  socket.ref()
  return new StreamByteSource(socket, () => {
    socket.pause()
    socket.unref()
  })
}

const destroy = (s: NodeJS.ReadableStream): void => {
  ;(s as NodeJS.ReadableStream & { destroy(): void }).destroy()
}

/**
 * Standard input as a {@link ByteSource}, the right way for the current thread.
 *
 * On the main thread it is `process.stdin`. On a worker thread (where the runtime runs tasks)
 * `process.stdin` receives nothing unless the thread was created with `stdin: true`, and a blocking
 * `fs.read` of descriptor 0 could never be cancelled: it would keep the thread (and process exit)
 * waiting for input. So the task watches the input on the thread's own event loop instead: it reopens
 * `/dev/stdin` (Linux, macOS) as a private descriptor — a socket handle for a FIFO, a TTY stream for a
 * terminal, plain reads for a regular file — and, when the input is a socket that cannot be reopened,
 * uses one shared socket handle on descriptor 0 (see {@link stdinSocket}). Closing a private descriptor
 * never closes the process's descriptor 0.
 */
export function stdinByteSource(): ByteSource {
  if (isMainThread) return new StreamByteSource(process.stdin)
  let fd: number
  try {
    fd = openSync('/dev/stdin', 'r')
  } catch {
    return fstatSync(0).isSocket() ? stdinSocket() : new FdByteSource(0)
  }
  try {
    const stat = fstatSync(fd)
    if (stat.isFIFO())
      return new StreamByteSource(new Socket({ fd, readable: true, writable: false }), destroy)
    if (stat.isCharacterDevice()) return new StreamByteSource(new TtyReadStream(fd), destroy)
  } catch {
    // Not watchable after all: fall back to plain reads of the private descriptor.
  }
  return new FdByteSource(fd, true)
}
