const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const TWO_POW_32 = 2 ** 32

/** A small seeded PRNG (mulberry32): fast, deterministic, good enough for filler text. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / TWO_POW_32
  }
}

/** A 32-bit mix of (seed, task, seq); `seq` may exceed 2^32. */
function mix(seed: number, task: number, seq: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b)
  h = Math.imul(h ^ task ^ (h >>> 13), 0xc2b2ae35)
  h = Math.imul(h ^ (seq >>> 0) ^ (h >>> 16), 0x27d4eb2f)
  h = Math.imul(h ^ Math.floor(seq / TWO_POW_32) ^ (h >>> 15), 0x165667b1)
  return (h ^ (h >>> 16)) >>> 0
}

/**
 * Deterministic record values for the datagen source. The value of record (`task`, `seq`) is exactly
 * `recordSize` ASCII bytes: the prefix `<task>-<seq>:` followed by a window of a seeded random
 * alphanumeric pattern whose start depends on (seed, task, seq). The same inputs always give the same
 * bytes, so tests and benchmarks can verify what arrives; a prefix longer than `recordSize` is cut.
 *
 * Producing a value is O(1) for strings (a slice of one long string, which V8 shares rather than copies)
 * and one `memcpy` for bytes, so generating does not dominate a throughput benchmark.
 *
 * @example
 * ```ts
 * const content = new DatagenContent(20, 0)
 * content.valueString(0, 7) // '0-7:' followed by 16 pattern characters
 * ```
 */
export class DatagenContent {
  readonly recordSize: number
  readonly seed: number
  readonly #pattern: string
  readonly #patternBytes: Buffer

  /**
   * @param recordSize value size in bytes
   * @param seed any integer; only its low 32 bits matter
   */
  constructor(recordSize: number, seed: number | bigint) {
    this.recordSize = recordSize
    this.seed = Number(BigInt.asUintN(32, BigInt(seed)))
    const random = mulberry32(this.seed)
    // Long enough for a full value at thousands of different starts.
    const length = recordSize + 4096
    const bytes = Buffer.allocUnsafe(length)
    for (let i = 0; i < length; i++) bytes[i] = ALPHABET.charCodeAt(Math.floor(random() * ALPHABET.length))
    this.#patternBytes = bytes
    this.#pattern = bytes.toString('latin1')
  }

  /** The value of record `seq` of `task`, as a string. */
  valueString(task: number, seq: number): string {
    const prefix = `${task}-${seq}:`
    const size = this.recordSize
    if (prefix.length >= size) return prefix.slice(0, size)
    const start = this.#start(task, seq, size - prefix.length)
    return prefix + this.#pattern.substring(start, start + size - prefix.length)
  }

  /** Writes the value of record `seq` of `task` into `target` at `at` (exactly `recordSize` bytes). */
  writeValue(task: number, seq: number, target: Buffer, at: number): void {
    const prefix = `${task}-${seq}:`
    const size = this.recordSize
    const written = target.write(prefix, at, Math.min(prefix.length, size), 'latin1')
    if (written >= size) return
    const body = size - written
    const start = this.#start(task, seq, body)
    this.#patternBytes.copy(target, at + written, start, start + body)
  }

  #start(task: number, seq: number, body: number): number {
    return mix(this.seed, task, seq) % (this.#pattern.length - body + 1)
  }
}
