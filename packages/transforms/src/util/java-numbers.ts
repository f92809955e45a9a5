/** Java's narrowing conversions and number parsing as Cast and MaskField use them. */
import { bigDecimalToString, Decimal, javaTrim } from '@sluice/api'

const INT32_MIN = -(2n ** 31n)
const INT32_MAX = 2n ** 31n - 1n
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

function saturate(d: number, min: bigint, max: bigint): bigint {
  if (Number.isNaN(d)) return 0n
  if (d <= Number(min)) return min
  if (d >= Number(max)) return max
  return BigInt(Math.trunc(d))
}

/**
 * The integral value Java's `Number.byteValue()/shortValue()/intValue()/longValue()` starts from, before
 * narrowing to `bits`: a Float/Double is truncated and saturated to int (for 8-32 bits) or long; a
 * BigDecimal is truncated; an integer is itself. The caller wraps it with `BigInt.asIntN(bits, …)`.
 */
export function javaLongValue(value: number | bigint | Decimal, floating: boolean, bits: number): bigint {
  if (value instanceof Decimal) {
    const t =
      value.scale <= 0
        ? value.unscaled * 10n ** BigInt(-value.scale)
        : value.unscaled / 10n ** BigInt(value.scale)
    return t
  }
  if (typeof value === 'bigint') return value
  if (floating || !Number.isInteger(value)) {
    return bits === 64 ? saturate(value, INT64_MIN, INT64_MAX) : saturate(value, INT32_MIN, INT32_MAX)
  }
  return BigInt(value)
}

/** Java's `Number.doubleValue()`. */
export function javaDoubleValue(value: number | bigint | Decimal): number {
  if (value instanceof Decimal) return Number(bigDecimalToString(value.unscaled, value.scale))
  return Number(value)
}

const BOUNDS: Record<number, readonly [bigint, bigint]> = {
  8: [-128n, 127n],
  16: [-32768n, 32767n],
  32: [INT32_MIN, INT32_MAX],
  64: [INT64_MIN, INT64_MAX],
}

/** Java's `Byte/Short/Integer/Long.parseX(String)`; undefined where Java throws NumberFormatException. */
export function parseJavaLong(text: string, bits: number): bigint | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined
  const n = BigInt(text)
  const [min, max] = BOUNDS[bits]!
  return n < min || n > max ? undefined : n
}

const DECIMAL = /^[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?)$/
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)[fFdD]?$/

/** Java's `Double.parseDouble(String)`; undefined where Java throws NumberFormatException. */
export function parseJavaDouble(input: string): number | undefined {
  const text = javaTrim(input)
  if (DECIMAL.test(text)) return Number(text.replace(/[fFdD]$/, ''))
  const h = HEX.exec(text)
  if (h !== null && (h[2] !== '' || h[3] !== '')) {
    const mantissa = Number.parseInt(`${h[2]}${h[3]}` || '0', 16)
    const v = mantissa * 2 ** (Number(h[4]) - 4 * (h[3]?.length ?? 0))
    return h[1] === '-' ? -v : v
  }
  return undefined
}
