import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs'
import { open } from 'node:fs/promises'
import path from 'node:path'
import type { SourceOffset, SourcePartition } from '@sluice/api'
import { ConfigError } from '@sluice/api'
import { MemoryOffsetStore } from '../storage/memory-stores.js'
import { OffsetFileError, readJavaByteArrayMap, writeJavaByteArrayMap } from './java-serialized-map.js'

/**
 * Standalone source-offset store (`offset.storage.file.filename`), in the exact file format of Kafka
 * Connect's `FileOffsetBackingStore` so a Java worker's offsets carry over. Like Java's, it is the memory
 * store plus a file: writes are atomic — the new content goes to a temporary file that is fsynced and
 * renamed over the old one, so a crash leaves either the previous or the next complete state, never a
 * torn file.
 */
export class FileOffsetStore extends MemoryOffsetStore {
  readonly #file: string
  #writing: Promise<void> = Promise.resolve()

  constructor(file: string) {
    super()
    this.#file = path.resolve(file)
  }

  get file(): string {
    return this.#file
  }

  /** Loads the file if it exists; a missing file is an empty store (as Kafka's). */
  async load(): Promise<void> {
    this.entries.clear()
    if (!existsSync(this.#file)) return
    const raw = readFileSync(this.#file)
    if (raw.length === 0) return
    for (const [key, value] of readJavaByteArrayMap(raw, this.#file)) {
      let parsed: unknown
      try {
        parsed = JSON.parse(key.toString('utf8'))
      } catch {
        throw new OffsetFileError(
          this.#file,
          `an offset key is not JSON: ${key.toString('utf8').slice(0, 80)}`,
        )
      }
      // Kafka skips keys that are not [connector, partition] with a warning; so do we.
      if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== 'string') continue
      const partition = (parsed[1] ?? {}) as SourcePartition
      const offset = value === null ? null : (JSON.parse(value.toString('utf8')) as SourceOffset | null)
      this.restore({ key, connector: parsed[0], partition, offset })
    }
  }

  /** Writes the store to disk if anything changed since the last flush. */
  override flush(): Promise<void> {
    this.#writing = this.#writing.then(() => this.#write())
    return this.#writing
  }

  async #write(): Promise<void> {
    if (!this.dirty) return
    this.dirty = false
    const data = writeJavaByteArrayMap(
      [...this.entries.values()].map(
        (e) => [e.key, e.offset === null ? null : Buffer.from(JSON.stringify(e.offset))] as const,
      ),
    )
    const dir = path.dirname(this.#file)
    mkdirSync(dir, { recursive: true })
    const tmp = `${this.#file}.tmp-${process.pid}`
    try {
      // One handle writes and fsyncs the new content before the rename makes it the offsets file.
      const fh = await open(tmp, 'w')
      try {
        await fh.writeFile(data)
        await fh.sync()
      } finally {
        await fh.close()
      }
      renameSync(tmp, this.#file)
    } catch (err) {
      this.dirty = true
      throw new ConfigError(
        `cannot write offsets to ${this.#file}: ${(err as Error).message}. Check that offset.storage.file.filename points into a writable directory.`,
        { 'offset.storage.file.filename': [(err as Error).message] },
        { cause: err },
      )
    }
  }
}
