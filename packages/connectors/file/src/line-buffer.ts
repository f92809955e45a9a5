const LF = 0x0a
const CR = 0x0d

/** Where the next read should put its bytes (see {@link LineBuffer.writable}). */
export interface WritableRegion {
  readonly buffer: Buffer
  readonly offset: number
  readonly length: number
}

/**
 * Splits a byte stream into lines the way Kafka's `FileStreamSourceTask` does: a line ends at `\n`, `\r\n`
 * or a lone `\r`; a `\r` that is the last byte seen so far is not a terminator yet, because the next byte
 * may be `\n` (so the line waits for more data, even at end of file). A final line without a terminator is
 * never returned.
 *
 * Unlike Kafka, which splits decoded `char`s, this works on bytes: the terminators are ASCII and cannot
 * occur inside a UTF-8 multi-byte sequence, so a line is decoded only once it is complete and a character
 * split across two reads is never seen half. Positions therefore count bytes (Kafka counts UTF-16 chars
 * but skips bytes when it resumes, which disagree on non-ASCII input).
 *
 * Reads go straight into the buffer ({@link writable} then {@link commit}); lines are found with
 * `Buffer.indexOf` and the positions of the next `\n` and `\r` are cached, so every byte is scanned at
 * most once per terminator kind. Decoded lines are copies: the buffer is reused and compacted freely.
 *
 * @example
 * ```ts
 * const lines = new LineBuffer()
 * const w = lines.writable()
 * const n = Buffer.from('a\r\nb\n').copy(w.buffer, w.offset)
 * lines.commit(n)
 * lines.next() // 'a' (lines.lastLineBytes === 3)
 * lines.next() // 'b'
 * lines.next() // null: no complete line left
 * ```
 */
export class LineBuffer {
  #buf: Buffer
  /** `#buf` limited to the filled bytes, so `indexOf` never sees stale bytes past `#end`. */
  #view: Buffer
  #start = 0
  #end = 0
  /** Cached index of the next `\n` at or after `#start`, or -1 when none was found below `#lfFrom`. */
  #lf = -1
  #lfFrom = 0
  #cr = -1
  #crFrom = 0
  #lastLineBytes = 0

  /** @param initialSize first buffer size in bytes; the buffer doubles when one line does not fit */
  constructor(initialSize = 1 << 20) {
    this.#buf = Buffer.allocUnsafe(Math.max(2, initialSize))
    this.#view = this.#buf.subarray(0, 0)
  }

  /** Bytes received but not yet returned as lines (a partial line, or lines not taken yet). */
  get pendingBytes(): number {
    return this.#end - this.#start
  }

  /** Current buffer capacity in bytes. */
  get capacity(): number {
    return this.#buf.length
  }

  /** Bytes consumed by the last {@link next} that returned a line: the line plus its terminator. */
  get lastLineBytes(): number {
    return this.#lastLineBytes
  }

  /**
   * Free space for the next read, compacting or growing the buffer as needed. Call it only after
   * {@link next} returned null, so a full buffer means one line is longer than the buffer.
   */
  writable(): WritableRegion {
    const size = this.#buf.length
    const free = size - this.#end
    // Keep reads large: compact once less than a quarter is free, grow only when one line fills it all.
    if (free === 0 || free < size >>> 2) {
      if (this.#start > 0) this.#compact()
      else if (free === 0) this.#grow()
    }
    return { buffer: this.#buf, offset: this.#end, length: this.#buf.length - this.#end }
  }

  /** Marks `n` bytes written into the region returned by {@link writable} as received. */
  commit(n: number): void {
    if (n <= 0) return
    this.#end += n
    this.#view = this.#buf.subarray(0, this.#end)
  }

  /** Appends a copy of `bytes` (convenience for stream sources and tests). */
  push(bytes: Uint8Array): void {
    let at = 0
    while (at < bytes.length) {
      const w = this.writable()
      const n = Math.min(w.length, bytes.length - at)
      w.buffer.set(bytes.subarray(at, at + n), w.offset)
      this.commit(n)
      at += n
    }
  }

  /** The next complete line (UTF-8 decoded, without terminator), or null when there is none yet. */
  next(): string | null {
    const start = this.#start
    const lf = this.#findLf()
    const cr = this.#findCr()
    let until: number
    let newStart: number
    if (cr !== -1 && (lf === -1 || cr < lf)) {
      // A trailing \r might be the first half of \r\n: wait until the following byte is known.
      if (cr + 1 >= this.#end) return null
      until = cr
      newStart = this.#buf[cr + 1] === LF ? cr + 2 : cr + 1
    } else if (lf !== -1) {
      until = lf
      newStart = lf + 1
    } else {
      return null
    }
    this.#start = newStart
    this.#lastLineBytes = newStart - start
    return until === start ? '' : this.#buf.toString('utf8', start, until)
  }

  /** Drops everything pending (used when a source is closed). */
  clear(): void {
    this.#start = this.#end = 0
    this.#lf = this.#cr = -1
    this.#lfFrom = this.#crFrom = 0
    this.#view = this.#buf.subarray(0, 0)
  }

  #findLf(): number {
    let lf = this.#lf
    if (lf >= this.#start) return lf
    lf = this.#view.indexOf(LF, lf === -1 ? Math.max(this.#start, this.#lfFrom) : this.#start)
    if (lf === -1) this.#lfFrom = this.#end
    this.#lf = lf
    return lf
  }

  #findCr(): number {
    let cr = this.#cr
    if (cr >= this.#start) return cr
    cr = this.#view.indexOf(CR, cr === -1 ? Math.max(this.#start, this.#crFrom) : this.#start)
    if (cr === -1) this.#crFrom = this.#end
    this.#cr = cr
    return cr
  }

  #compact(): void {
    const shift = this.#start
    this.#buf.copyWithin(0, shift, this.#end)
    this.#end -= shift
    this.#start = 0
    if (this.#lf >= 0) this.#lf -= shift
    if (this.#cr >= 0) this.#cr -= shift
    this.#lfFrom = Math.max(0, this.#lfFrom - shift)
    this.#crFrom = Math.max(0, this.#crFrom - shift)
    this.#view = this.#buf.subarray(0, this.#end)
  }

  #grow(): void {
    const bigger = Buffer.allocUnsafe(this.#buf.length * 2)
    this.#buf.copy(bigger, 0, 0, this.#end)
    this.#buf = bigger
    this.#view = bigger.subarray(0, this.#end)
  }
}
