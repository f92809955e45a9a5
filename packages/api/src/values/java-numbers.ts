/**
 * Java's textual number formats, reproduced exactly: `Double.toString`, `Float.toString` (the shortest
 * decimal that rounds back, as specified since JDK 19), `BigDecimal.toString`, and correctly rounded
 * decimal-to-`float` conversion (`BigDecimal.floatValue`, `(float) long`). Jackson prints `double`/`float`
 * values with `Double.toString`/`Float.toString`, so JsonConverter output depends on these.
 *
 * @packageDocumentation
 */

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)
const f64 = new Float64Array(1)
const u64 = new BigUint64Array(f64.buffer)

/** Largest finite `float`. */
const FLOAT_MAX = 3.4028234663852886e38
/** Half a `float` ulp above {@link FLOAT_MAX}: the smallest magnitude that rounds to infinity. */
const FLOAT_OVERFLOW_MIDPOINT = FLOAT_MAX + 2 ** 103

/**
 * Java's `Double.toString(d)` (JDK 19+ algorithm: the shortest decimal that uniquely identifies `d`,
 * closest to it, at least two digits): `1.0`, `0.001`, `1.0E7`, `1.0E-4`, `4.9E-324`, `-0.0`, `NaN`,
 * `Infinity`.
 */
export function javaDoubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN'
  if (d === Number.POSITIVE_INFINITY) return 'Infinity'
  if (d === Number.NEGATIVE_INFINITY) return '-Infinity'
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0'
  const a = d < 0 ? -d : d
  if (a >= 1e-3 && a < 1e7) {
    // Fast path: in this range JavaScript lays the same shortest digits out plainly, as Java does.
    const s = String(d)
    return s.includes('.') ? s : `${s}.0`
  }
  // V8's shortest round-trip digits are the closest such decimal, ties to even: Java's choice too.
  const s = a.toExponential()
  const e = s.indexOf('e')
  let digits = e === 1 ? s.slice(0, 1) : s[0] + s.slice(2, e)
  let exp = Number(s.slice(e + 1))
  if (digits.length === 1) {
    // Java never prints one significant digit: it picks the closest two-digit decimal (4.9E-324).
    const two = nearestDigits(a, 2)
    digits = two.digits
    exp = two.exp
  }
  return formatJava(d < 0, stripTrailingZeros(digits), exp)
}

/**
 * Java's `Float.toString(f)` for a `float` value given as a JS number (JDK 19+ algorithm): `1.0`,
 * `0.1` (for `Math.fround(0.1)`), `3.4028235E38`, `1.4E-45`. The argument is rounded to `float` first.
 */
export function javaFloatToString(value: number): string {
  const f = Math.fround(value)
  if (Number.isNaN(f)) return 'NaN'
  if (f === Number.POSITIVE_INFINITY) return 'Infinity'
  if (f === Number.NEGATIVE_INFINITY) return '-Infinity'
  if (f === 0) return Object.is(f, -0) ? '-0.0' : '0.0'
  const a = f < 0 ? -f : f
  for (let p = 1; p <= 9; p++) {
    const c = nearestDigits(a, p)
    if (Math.fround(Number(`${c.digits[0]}.${c.digits.slice(1)}e${c.exp}`)) === a) {
      const pick = p === 1 ? nearestDigits(a, 2) : c
      return formatJava(f < 0, stripTrailingZeros(pick.digits), pick.exp)
    }
  }
  // Unreachable: nine digits always identify a float.
  const nine = nearestDigits(a, 9)
  return formatJava(f < 0, stripTrailingZeros(nine.digits), nine.exp)
}

/**
 * Java's `BigDecimal.toString()` of `unscaled × 10^-scale`: plain notation when `scale >= 0` and the
 * adjusted exponent is at least -6, scientific otherwise (`1E+2`, `1.5E-7`, `0.000001`, `-12.50`).
 */
export function bigDecimalToString(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n
  const coeff = (negative ? -unscaled : unscaled).toString()
  const adjusted = -scale + (coeff.length - 1)
  let out: string
  if (scale >= 0 && adjusted >= -6) {
    if (scale === 0) out = coeff
    else if (coeff.length > scale)
      out = `${coeff.slice(0, coeff.length - scale)}.${coeff.slice(coeff.length - scale)}`
    else out = `0.${'0'.repeat(scale - coeff.length)}${coeff}`
  } else {
    out = coeff.length > 1 ? `${coeff[0]}.${coeff.slice(1)}` : coeff
    out += adjusted > 0 ? `E+${adjusted}` : `E${adjusted}`
  }
  return negative ? `-${out}` : out
}

/**
 * The `float` nearest to the exact value of a decimal literal (Java's `BigDecimal.floatValue()`,
 * `Float.parseFloat`, `(float) long`): correctly rounded, ties to even, without the double rounding of
 * `Math.fround(Number(text))`. `text` must be a JSON/Java decimal number.
 */
export function decimalTextToFloat(text: string): number {
  const d = Number(text)
  const f = Math.fround(d)
  if (d === f || Number.isNaN(d)) return f
  const a = Math.abs(d)
  // Only a double that lies exactly half-way between two floats can be rounded the wrong way.
  let lo: number
  let hi: number
  const fa = Math.abs(f)
  if (fa === Number.POSITIVE_INFINITY) {
    lo = FLOAT_MAX
    hi = Number.POSITIVE_INFINITY
  } else if (fa < a) {
    lo = fa
    hi = nextFloatUp(fa)
  } else {
    hi = fa
    lo = nextFloatDown(fa)
  }
  const mid = hi === Number.POSITIVE_INFINITY ? FLOAT_OVERFLOW_MIDPOINT : (lo + hi) / 2
  if (a !== mid) return f
  const cmp = compareDecimalWithDouble(text.startsWith('-') ? text.slice(1) : text, mid)
  const r = cmp > 0 ? hi : cmp < 0 ? lo : fa
  return d < 0 ? -r : r
}

/** Rounds an integer given as bigint to `float` like Java's `(float) long` / `BigInteger.floatValue()`. */
export function bigintToFloat(n: bigint): number {
  return decimalTextToFloat(n.toString())
}

/** The next `float` above a positive finite float. */
function nextFloatUp(f: number): number {
  f32[0] = f
  u32[0] = (u32[0] ?? 0) + 1
  return f32[0] ?? 0
}

/** The next `float` below a positive float (0 stays 0). */
function nextFloatDown(f: number): number {
  if (f === 0) return 0
  f32[0] = f
  u32[0] = (u32[0] ?? 0) - 1
  return f32[0] ?? 0
}

/** Compares a non-negative decimal literal with a positive finite double exactly: -1, 0 or 1. */
function compareDecimalWithDouble(text: string, d: number): number {
  const m = /^0*(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text)
  if (m === null) return 0
  const intDigits = m[1] ?? ''
  const fracDigits = m[2] ?? ''
  const e10 = (m[3] === undefined ? 0 : Number(m[3])) - fracDigits.length
  const coeff = BigInt(`0${intDigits}${fracDigits}`)
  const { mantissa, exp2 } = decomposeDouble(d)
  // Compare coeff × 10^e10 with mantissa × 2^exp2 using integers only.
  let left = coeff
  let right = mantissa
  if (e10 >= 0) left *= 10n ** BigInt(e10)
  else right *= 10n ** BigInt(-e10)
  if (exp2 >= 0) right <<= BigInt(exp2)
  else left <<= BigInt(-exp2)
  return left > right ? 1 : left < right ? -1 : 0
}

/** `d = mantissa × 2^exp2` exactly, for a positive finite double. */
function decomposeDouble(d: number): { mantissa: bigint; exp2: number } {
  f64[0] = d
  const bits = u64[0] ?? 0n
  const biased = Number((bits >> 52n) & 0x7ffn)
  const fraction = bits & 0xfffffffffffffn
  if (biased === 0) return { mantissa: fraction, exp2: -1074 }
  return { mantissa: fraction | (1n << 52n), exp2: biased - 1075 }
}

/** The exact decimal expansion of a positive finite double: all its significant digits and exponent. */
function exactDecimal(d: number): { digits: string; exp: number } {
  const { mantissa, exp2 } = decomposeDouble(d)
  let digits: string
  let pointShift: number
  if (exp2 >= 0) {
    digits = (mantissa << BigInt(exp2)).toString()
    pointShift = 0
  } else {
    // m / 2^k = m × 5^k / 10^k
    digits = (mantissa * 5n ** BigInt(-exp2)).toString()
    pointShift = -exp2
  }
  const exp = digits.length - 1 - pointShift
  return { digits: stripTrailingZeros(digits), exp }
}

/**
 * The `p`-digit decimal closest to `a` (positive, finite), ties to the even digit as Java does
 * (JavaScript's `toExponential` rounds ties away from zero).
 */
function nearestDigits(a: number, p: number): { digits: string; exp: number } {
  const s = a.toExponential(p - 1)
  const e = s.indexOf('e')
  const digits = p === 1 ? s.slice(0, 1) : s[0] + s.slice(2, e)
  const exp = Number(s.slice(e + 1))
  const longer = a.toExponential(p)
  const e2 = longer.indexOf('e')
  if (longer[e2 - 1] !== '5') return { digits, exp }
  // Possibly an exact tie: check with the exact expansion.
  const exact = exactDecimal(a)
  if (exact.digits.length !== p + 1 || exact.digits[p] !== '5') return { digits, exp }
  const last = digits.charCodeAt(p - 1) - 48
  if (last % 2 === 0) return { digits, exp }
  // The rounded-up candidate is odd: the truncated one is the even neighbour.
  return { digits: exact.digits.slice(0, p), exp: exact.exp }
}

function stripTrailingZeros(digits: string): string {
  let end = digits.length
  while (end > 1 && digits.charCodeAt(end - 1) === 48) end--
  return end === digits.length ? digits : digits.slice(0, end)
}

/** Lays out significant digits the way `Double.toString` does (plain in [1e-3, 1e7), else `d.dddEn`). */
function formatJava(negative: boolean, digits: string, exp: number): string {
  let out: string
  if (exp >= -3 && exp < 7) {
    if (exp >= 0) {
      const intLen = exp + 1
      const intPart = digits.length >= intLen ? digits.slice(0, intLen) : digits.padEnd(intLen, '0')
      const frac = digits.length > intLen ? digits.slice(intLen) : '0'
      out = `${intPart}.${frac}`
    } else {
      out = `0.${'0'.repeat(-exp - 1)}${digits}`
    }
  } else {
    out = `${digits[0]}.${digits.length > 1 ? digits.slice(1) : '0'}E${exp}`
  }
  return negative ? `-${out}` : out
}

/**
 * The integer value of `unscaled × 10^-scale` when it has one and fits in `maxDigits` digits: `'fraction'`
 * when it is not an integer, `'overflow'` when it is too large. Never computes a power of ten beyond the
 * value's own size, so a literal like `1e999999999` costs nothing.
 */
export function decimalToInteger(
  unscaled: bigint,
  scale: number,
  maxDigits = 20,
): bigint | 'fraction' | 'overflow' {
  if (unscaled === 0n) return 0n
  const digits = (unscaled < 0n ? -unscaled : unscaled).toString().length
  if (scale <= 0) return digits - scale > maxDigits ? 'overflow' : unscaled * 10n ** BigInt(-scale)
  // A non-zero value with fewer digits than its scale lies strictly between -1 and 1.
  if (scale >= digits) return 'fraction'
  const div = 10n ** BigInt(scale)
  if (unscaled % div !== 0n) return 'fraction'
  const n = unscaled / div
  return (n < 0n ? -n : n).toString().length > maxDigits ? 'overflow' : n
}

/** `BigDecimal.longValue()`-style truncation toward zero to an integer (then to 64 bits by the caller). */
export function decimalTruncate(unscaled: bigint, scale: number): bigint {
  if (unscaled === 0n) return 0n
  const digits = (unscaled < 0n ? -unscaled : unscaled).toString().length
  if (scale > 0) return scale >= digits ? 0n : unscaled / 10n ** BigInt(scale)
  // Beyond 2^64 only the low bits matter to the caller, and 10^k for k >= 64 is a multiple of 2^64.
  return -scale >= 64 ? 0n : unscaled * 10n ** BigInt(-scale)
}
