/**
 * `java.text.SimpleDateFormat` in UTC (how TimestampConverter and TimestampRouter configure it), for the
 * pattern letters G y Y M L d D E u a H k K h m s S w W F z Z X and quoted text. Parsing is Java's lenient
 * default for numbers (any digit count for a field unless the next field is adjacent) and exact text
 * for literals and names.
 */

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']

type Token = { readonly letter: string; readonly count: number } | { readonly text: string }

const LETTERS = /[a-zA-Z]/
const KNOWN = new Set('GyYMLdDEuaHkKhmsSwWFzZX')

function tokenize(pattern: string): Token[] {
  const out: Token[] = []
  let i = 0
  while (i < pattern.length) {
    const c = pattern[i]!
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        out.push({ text: "'" })
        i += 2
        continue
      }
      let text = ''
      i++
      for (;;) {
        if (i >= pattern.length) throw new Error(`Unterminated quote`)
        if (pattern[i] === "'") {
          if (pattern[i + 1] === "'") {
            text += "'"
            i += 2
            continue
          }
          i++
          break
        }
        text += pattern[i]
        i++
      }
      out.push({ text })
    } else if (LETTERS.test(c)) {
      if (!KNOWN.has(c)) throw new Error(`Illegal pattern character '${c}'`)
      let n = 1
      while (pattern[i + n] === c) n++
      out.push({ letter: c, count: n })
      i += n
    } else {
      out.push({ text: c })
      i++
    }
  }
  return out
}

function pad(n: number, width: number): string {
  const s = String(Math.abs(n))
  return (n < 0 ? '-' : '') + (s.length >= width ? s : '0'.repeat(width - s.length) + s)
}

function dayOfYear(d: Date): number {
  return Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1
}

/** A compiled SimpleDateFormat pattern in UTC. */
export class SimpleDateFormat {
  readonly pattern: string
  readonly #tokens: Token[]

  /** @throws Error `Illegal pattern character 'x'` like Java's `IllegalArgumentException` */
  constructor(pattern: string) {
    this.pattern = pattern
    this.#tokens = tokenize(pattern)
  }

  format(date: Date): string {
    let out = ''
    for (const t of this.#tokens) {
      if ('text' in t) {
        out += t.text
        continue
      }
      const n = t.count
      switch (t.letter) {
        case 'G':
          out += date.getUTCFullYear() > 0 ? 'AD' : 'BC'
          break
        case 'y':
        case 'Y': {
          const y = date.getUTCFullYear() > 0 ? date.getUTCFullYear() : 1 - date.getUTCFullYear()
          out += n === 2 ? pad(y % 100, 2) : pad(y, n)
          break
        }
        case 'M':
        case 'L': {
          const m = date.getUTCMonth()
          out += n >= 4 ? MONTHS[m] : n === 3 ? MONTHS[m]!.slice(0, 3) : pad(m + 1, n)
          break
        }
        case 'd':
          out += pad(date.getUTCDate(), n)
          break
        case 'D':
          out += pad(dayOfYear(date), n)
          break
        case 'E': {
          const day = DAYS[date.getUTCDay()]!
          out += n >= 4 ? day : day.slice(0, 3)
          break
        }
        case 'u':
          out += pad(date.getUTCDay() === 0 ? 7 : date.getUTCDay(), n)
          break
        case 'F':
          out += pad(Math.floor((date.getUTCDate() - 1) / 7) + 1, n)
          break
        case 'a':
          out += date.getUTCHours() < 12 ? 'AM' : 'PM'
          break
        case 'H':
          out += pad(date.getUTCHours(), n)
          break
        case 'k':
          out += pad(date.getUTCHours() === 0 ? 24 : date.getUTCHours(), n)
          break
        case 'K':
          out += pad(date.getUTCHours() % 12, n)
          break
        case 'h':
          out += pad(date.getUTCHours() % 12 === 0 ? 12 : date.getUTCHours() % 12, n)
          break
        case 'm':
          out += pad(date.getUTCMinutes(), n)
          break
        case 's':
          out += pad(date.getUTCSeconds(), n)
          break
        case 'S':
          out += pad(date.getUTCMilliseconds(), n)
          break
        case 'z':
          out += n >= 4 ? 'Coordinated Universal Time' : 'UTC'
          break
        case 'Z':
          out += '+0000'
          break
        case 'X':
          out += 'Z'
          break
        default:
          throw new Error(`pattern letter ${t.letter} is not supported`)
      }
    }
    return out
  }

  /** Java's `parse(String)`; throws `Unparseable date: "x"` when the text does not fit. */
  parse(text: string): Date {
    const fail = (): never => {
      throw new Error(`Unparseable date: "${text}"`)
    }
    let pos = 0
    let year = 1970
    let month = 0
    let day = 1
    let hour = 0
    let minute = 0
    let second = 0
    let milli = 0
    let pm: boolean | undefined
    let hour12: number | undefined
    let offsetMinutes = 0
    const tokens = this.#tokens
    for (let ti = 0; ti < tokens.length; ti++) {
      const t = tokens[ti]!
      if ('text' in t) {
        if (!text.startsWith(t.text, pos)) fail()
        pos += t.text.length
        continue
      }
      const next = tokens[ti + 1]
      // Adjacent numeric fields (e.g. yyyyMMdd) take exactly their width.
      const adjacent = next !== undefined && 'letter' in next
      const num = (): number => {
        const m = /^[+-]?\d+/.exec(text.slice(pos))
        if (m === null) fail()
        let digits = m![0]
        if (adjacent && t.count < digits.length) digits = digits.slice(0, t.count)
        pos += digits.length
        return Number(digits)
      }
      const name = (names: readonly string[]): number => {
        for (let i = 0; i < names.length; i++) {
          for (const cand of [names[i]!, names[i]!.slice(0, 3)]) {
            if (text.slice(pos, pos + cand.length).toLowerCase() === cand.toLowerCase()) {
              pos += cand.length
              return i
            }
          }
        }
        return fail()
      }
      switch (t.letter) {
        case 'y':
        case 'Y': {
          const start = pos
          year = num()
          if (t.count <= 2 && pos - start === 2) year += year < 50 ? 2000 : 1900
          break
        }
        case 'M':
        case 'L':
          month = t.count >= 3 ? name(MONTHS) : num() - 1
          break
        case 'd':
          day = num()
          break
        case 'E':
          name(DAYS)
          break
        case 'a': {
          const s = text.slice(pos, pos + 2).toUpperCase()
          if (s !== 'AM' && s !== 'PM') fail()
          pm = s === 'PM'
          pos += 2
          break
        }
        case 'H':
          hour = num()
          break
        case 'k':
          hour = num() % 24
          break
        case 'K':
        case 'h':
          hour12 = num() % 12
          break
        case 'm':
          minute = num()
          break
        case 's':
          second = num()
          break
        case 'S':
          milli = num()
          break
        case 'Z':
        case 'X': {
          if (text[pos] === 'Z') {
            pos++
            break
          }
          const m = /^([+-])(\d\d):?(\d\d)?/.exec(text.slice(pos))
          if (m === null) fail()
          offsetMinutes = (m![1] === '-' ? -1 : 1) * (Number(m![2]) * 60 + Number(m![3] ?? 0))
          pos += m![0].length
          break
        }
        case 'z': {
          const m = /^(UTC|GMT|Z)/.exec(text.slice(pos))
          if (m === null) fail()
          pos += m![0].length
          break
        }
        default:
          num()
      }
    }
    if (hour12 !== undefined) hour = hour12 + (pm === true ? 12 : 0)
    else if (pm === true && hour < 12) hour += 12
    const d = new Date(0)
    d.setUTCFullYear(year, month, day)
    d.setUTCHours(hour, minute, second, milli)
    return new Date(d.getTime() - offsetMinutes * 60_000)
  }
}
