import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs'
import { open } from 'node:fs/promises'
import path from 'node:path'
import type { SourceOffset, SourcePartition } from '@sluice/api'
import { ConfigError } from '@sluice/api'
import { canonicalJson } from '../storage/offset-records.js'
import { OffsetFileError, readJavaByteArrayMap, writeJavaByteArrayMap } from './java-serialized-map.js'

interface Entry {
  /** Key bytes as stored: `["<connector>",{partition}]`, the JsonConverter (schemaless) form. */
  readonly key: Buffer
  readonly connector: string
  readonly partition: SourcePartition
  offset: SourceOffset | null
}

const lookupKey = (connector: string, partition: SourcePartition) => canonicalJson([connector, partition])

/**
 * Standalone source-offset store (`offset.storage.file.filename`), in the exact file format of Kafka
 * Connect's `FileOffsetBackingStore` so a Java worker's offsets carry over. Writes are atomic: the
 * new content goes to a temporary file that is fsynced and renamed over the old one, so a crash
 * leaves either the previous or the next complete state, never a torn file.
 */
export class FileOffsetStore {
  readonly #file: string
  readonly #entries = new Map<string, Entry>()
  #dirty = false
  #writing: Promise<void> = Promise.resolve()

  constructor(file: string) {
    this.#file = path.resolve(file)
  }

  get file(): string {
    return this.#file
  }

  /** Loads the file if it exists; a missing file is an empty store (as Kafka's). */
  async load(): Promise<void> {
    this.#entries.clear()
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
      this.#entries.set(lookupKey(parsed[0], partition), { key, connector: parsed[0], partition, offset })
    }
  }

  get(connector: string, partition: SourcePartition): SourceOffset | null {
    return this.#entries.get(lookupKey(connector, partition))?.offset ?? null
  }

  getAll(connector: string): Array<{ partition: SourcePartition; offset: SourceOffset | null }> {
    const out: Array<{ partition: SourcePartition; offset: SourceOffset | null }> = []
    for (const e of this.#entries.values())
      if (e.connector === connector) out.push({ partition: e.partition, offset: e.offset })
    return out
  }

  /** Records offsets (in memory); a `null` offset removes the partition, as Kafka's memory store does. */
  set(
    connector: string,
    entries: ReadonlyArray<{ partition: SourcePartition; offset: SourceOffset | null }>,
  ): void {
    for (const { partition, offset } of entries) {
      const k = lookupKey(connector, partition)
      const existing = this.#entries.get(k)
      if (offset === null) this.#entries.delete(k)
      else if (existing !== undefined) existing.offset = offset
      else
        this.#entries.set(k, {
          key: Buffer.from(JSON.stringify([connector, partition])),
          connector,
          partition,
          offset,
        })
      this.#dirty = true
    }
  }

  /** Writes the store to disk if anything changed since the last flush. */
  flush(): Promise<void> {
    this.#writing = this.#writing.then(() => this.#write())
    return this.#writing
  }

  async #write(): Promise<void> {
    if (!this.#dirty) return
    this.#dirty = false
    const data = writeJavaByteArrayMap(
      [...this.#entries.values()].map(
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
      this.#dirty = true
      throw new ConfigError(
        `cannot write offsets to ${this.#file}: ${(err as Error).message}. Check that offset.storage.file.filename points into a writable directory.`,
        { 'offset.storage.file.filename': [(err as Error).message] },
        { cause: err },
      )
    }
  }
}
