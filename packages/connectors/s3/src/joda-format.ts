/**
 * The subset of Joda-Time's `DateTimeFormat` patterns that partition paths use (`path.format`), rendered
 * in a time zone and locale with `Intl`: `y`/`Y`/`x` year, `M` month (`MM` number, `MMM` short name,
 * `MMMM` full name), `d` day of month, `D` day of year, `H` hour 0–23, `k` 1–24, `h` 1–12, `K` 0–11,
 * `m` minute, `s` second, `S` fraction, `E` day name, `a` AM/PM, `'…'` literals (`''` is a quote).
 * Any other letter is refused, so a typo shows at validation instead of as a wrong path.
 */

type Token = { readonly literal: string } | { readonly letter: string; readonly count: number }

const SUPPORTED = new Set(['y', 'Y', 'x', 'M', 'd', 'D', 'H', 'k', 'h', 'K', 'm', 's', 'S', 'E', 'a'])

/** @throws Error naming the unsupported letter or the unterminated quote */
export function parseJodaPattern(pattern: string): Token[] {
  const out: Token[] = []
  let i = 0
  while (i < pattern.length) {
    const ch = pattern[i]!
    if (ch === "'") {
      if (pattern[i + 1] === "'") {
        out.push({ literal: "'" })
        i += 2
        continue
      }
      const end = pattern.indexOf("'", i + 1)
      if (end < 0) throw new Error(`unterminated quote at position ${i} of the pattern ${pattern}`)
      out.push({ literal: pattern.slice(i + 1, end) })
      i = end + 1
      continue
    }
    if (/[A-Za-z]/.test(ch)) {
      if (!SUPPORTED.has(ch))
        throw new Error(`pattern letter '${ch}' is not supported (supported: ${[...SUPPORTED].join('')})`)
      let n = 1
      while (pattern[i + n] === ch) n++
      out.push({ letter: ch, count: n })
      i += n
      continue
    }
    out.push({ literal: ch })
    i++
  }
  return out
}

interface Fields {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
  weekday: string
}

const pad = (n: number, width: number) => String(n).padStart(width, '0')

/** A compiled pattern for one zone and locale. */
export class JodaFormatter {
  readonly #tokens: Token[]
  readonly #parts: Intl.DateTimeFormat
  readonly #locale: string
  readonly #timeZone: string

  constructor(pattern: string, timeZone: string, locale: string) {
    this.#tokens = parseJodaPattern(pattern)
    this.#timeZone = timeZone
    this.#locale = locale === '' ? 'en' : locale.replace(/_/g, '-')
    this.#parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
      era: 'short',
    })
  }

  #fields(ms: number): Fields {
    const f: Record<string, string> = {}
    for (const p of this.#parts.formatToParts(new Date(ms))) f[p.type] = p.value
    const year = Number(f.year)
    return {
      year: f.era === 'BC' ? 1 - year : year,
      month: Number(f.month),
      day: Number(f.day),
      hour: Number(f.hour),
      minute: Number(f.minute),
      second: Number(f.second),
      weekday: f.weekday ?? '',
    }
  }

  #name(ms: number, opts: Intl.DateTimeFormatOptions): string {
    return new Intl.DateTimeFormat(this.#locale, { timeZone: this.#timeZone, ...opts }).format(new Date(ms))
  }

  format(ms: number): string {
    const f = this.#fields(ms)
    let out = ''
    for (const t of this.#tokens) {
      if ('literal' in t) {
        out += t.literal
        continue
      }
      const n = t.count
      switch (t.letter) {
        case 'y':
        case 'Y':
        case 'x':
          // Joda: two letters print the two-digit year; otherwise at least `n` digits.
          out += n === 2 ? pad(((f.year % 100) + 100) % 100, 2) : pad(f.year, n)
          break
        case 'M':
          out +=
            n >= 4
              ? this.#name(ms, { month: 'long' })
              : n === 3
                ? this.#name(ms, { month: 'short' })
                : pad(f.month, n)
          break
        case 'd':
          out += pad(f.day, n)
          break
        case 'D': {
          const startOfYear = Date.UTC(f.year, 0, 1)
          const today = Date.UTC(f.year, f.month - 1, f.day)
          out += pad(Math.round((today - startOfYear) / 86_400_000) + 1, n)
          break
        }
        case 'H':
          out += pad(f.hour, n)
          break
        case 'k':
          out += pad(f.hour === 0 ? 24 : f.hour, n)
          break
        case 'h':
          out += pad(f.hour % 12 === 0 ? 12 : f.hour % 12, n)
          break
        case 'K':
          out += pad(f.hour % 12, n)
          break
        case 'm':
          out += pad(f.minute, n)
          break
        case 's':
          out += pad(f.second, n)
          break
        case 'S':
          out += pad(((ms % 1000) + 1000) % 1000, 3)
            .padEnd(n, '0')
            .slice(0, n)
          break
        case 'E':
          out += this.#name(ms, { weekday: n >= 4 ? 'long' : 'short' })
          break
        case 'a':
          out += f.hour < 12 ? 'AM' : 'PM'
          break
      }
    }
    return out
  }

  /** Offset of the zone from UTC at `ms`, in milliseconds (positive east of Greenwich). */
  offsetMs(ms: number): number {
    const f = this.#fields(ms)
    const asUtc = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second)
    return asUtc - (ms - (((ms % 1000) + 1000) % 1000))
  }
}
