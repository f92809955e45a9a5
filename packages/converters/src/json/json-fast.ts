/**
 * A fast path for schemaless JSON (JsonConverter with `schemas.enable=false`): the engine's `JSON.parse`
 * is several times faster than {@link JsonReader}, and for most real messages it builds exactly the value
 * `readJson(null, reader.readRoot())` builds. Whenever the two could differ the caller is told to use the
 * reader, so results, leniencies and error messages stay the reader's.
 *
 * @packageDocumentation
 */

/** Returned by {@link readSchemalessFast} when the text must go through the full reader. */
export const NEEDS_READER: unique symbol = Symbol('needs the full JSON reader')

/** Jackson's limit on the length of a number literal (the reader refuses longer ones). */
const MAX_NUMBER_LENGTH = 1000
/**
 * A literal longer than {@link MAX_NUMBER_LENGTH} has at most four non-digits (sign, point, exponent
 * and its sign), so at least 997 digits in at most three runs: one run of this length or more.
 */
const LONG_RUN = 333

const isDigit = (c: number) => c >= 0x30 && c <= 0x39

/**
 * Whether `text` may hold a number literal too long for Jackson. Any run of {@link LONG_RUN} characters
 * covers a multiple of LONG_RUN, so only those positions are looked at: a few reads for a 1 KiB record,
 * where a regular expression scanning every character cost as much as `JSON.parse` itself.
 */
function mayHaveLongNumber(text: string): boolean {
  if (text.length <= MAX_NUMBER_LENGTH) return false
  for (let i = LONG_RUN - 1; i < text.length; i += LONG_RUN) {
    if (!isDigit(text.charCodeAt(i))) continue
    let from = i
    let to = i
    while (from > 0 && isDigit(text.charCodeAt(from - 1))) from--
    while (to + 1 < text.length && isDigit(text.charCodeAt(to + 1))) to++
    if (to - from + 1 >= LONG_RUN) return true
  }
  return false
}

/** Deeper values go to the reader, which enforces Jackson's nesting limit (1000) with its message. */
const MAX_FAST_DEPTH = 500

/**
 * The schemaless value of `text`, or {@link NEEDS_READER} for text `JSON.parse` refuses (syntax errors and
 * Jackson's leniencies: trailing content, leading zeros, empty input), text that may hold a number literal
 * past Jackson's length limit, negative zero (the reader reads `-0` as 0 but `-1e-400` as -0,
 * indistinguishable after `JSON.parse`), integral values beyond 2^53 (the reader keeps integer literals
 * exact as bigints; `JSON.parse` rounds them), and nesting past {@link MAX_FAST_DEPTH}. Objects come out as the reader's do: plain,
 * keys in document order with the last duplicate winning, `__proto__` an own key.
 */
export function readSchemalessFast(text: string): unknown {
  if (mayHaveLongNumber(text)) return NEEDS_READER
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return NEEDS_READER
  }
  return sameAsReader(value, 0) ? value : NEEDS_READER
}

function sameAsReader(v: unknown, depth: number): boolean {
  switch (typeof v) {
    case 'number':
      return Number.isInteger(v) ? Number.isSafeInteger(v) && !Object.is(v, -0) : true
    case 'object': {
      if (v === null) return true
      if (depth >= MAX_FAST_DEPTH) return false
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) if (!sameAsReader(v[i], depth + 1)) return false
        return true
      }
      const o = v as Record<string, unknown>
      // JSON.parse makes plain objects with own enumerable keys only.
      for (const k in o) if (!sameAsReader(o[k], depth + 1)) return false
      return true
    }
    default:
      return true
  }
}
