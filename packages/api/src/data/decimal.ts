import { DataError } from '../errors.js'

const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/

/**
 * An arbitrary-precision decimal number: `unscaled × 10^-scale` (the value of Kafka Connect's Decimal logical
 * type, Java's `BigDecimal`). Immutable.
 *
 * Like `BigDecimal.equals`, {@link Decimal.equals} compares unscaled value *and* scale (`1.0` ≠ `1.00`);
 * use {@link Decimal.compareTo} to compare numerically.
 *
 * @example
 * ```ts
 * const d = Decimal.fromString('-12.50')
 * d.unscaled // -1250n
 * d.scale // 2
 * d.toString() // '-12.50'
 * ```
 */
export class Decimal {
  /** The unscaled integer value. */
  readonly unscaled: bigint
  /** The number of digits after the decimal point; may be negative (then `unscaled × 10^-scale`). */
  readonly scale: number

  /**
   * @param unscaled the unscaled value
   * @param scale an integer in the Java `int` range
   * @throws {@link DataError} when `scale` is not an integer in the Java `int` range
   */
  constructor(unscaled: bigint, scale = 0) {
    if (!Number.isInteger(scale) || scale < -2147483648 || scale > 2147483647) {
      throw new DataError(`Invalid Decimal scale: ${scale}`)
    }
    this.unscaled = unscaled
    this.scale = scale
    Object.freeze(this)
  }

  /**
   * Parses a decimal string like Java's `new BigDecimal(String)`: optional sign, digits with an optional
   * fraction, optional exponent (`1.5E+3` has unscaled 15 and scale -2). The scale is the number of fraction
   * digits minus the exponent.
   * @throws {@link DataError} when `text` is not a decimal number
   */
  static fromString(text: string): Decimal {
    const m = DECIMAL_RE.exec(text.trim())
    const intPart = m?.[2] ?? ''
    const fracPart = m?.[3] ?? ''
    if (m === null || (intPart === '' && fracPart === '')) {
      throw new DataError(`Invalid decimal string: "${text}"`)
    }
    const exponent = m[4] === undefined ? 0 : Number.parseInt(m[4], 10)
    const digits = BigInt(intPart + fracPart)
    return new Decimal(m[1] === '-' ? -digits : digits, fracPart.length - exponent)
  }

  /**
   * Converts a JS number, bigint or decimal string. A number is converted through its shortest round-trip
   * string (`0.1` → unscaled 1, scale 1; `5` → unscaled 5, scale 0).
   * @throws {@link DataError} for non-finite numbers or unparsable strings
   */
  static from(value: number | bigint | string | Decimal): Decimal {
    if (value instanceof Decimal) return value
    if (typeof value === 'bigint') return new Decimal(value, 0)
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new DataError(`Cannot convert ${value} to a Decimal`)
      return Decimal.fromString(String(value))
    }
    return Decimal.fromString(value)
  }

  /**
   * Returns an equal decimal with scale `newScale`.
   * @throws {@link DataError} when the conversion would lose digits (no rounding is performed)
   */
  setScale(newScale: number): Decimal {
    if (newScale === this.scale) return this
    if (newScale > this.scale)
      return new Decimal(this.unscaled * 10n ** BigInt(newScale - this.scale), newScale)
    const divisor = 10n ** BigInt(this.scale - newScale)
    if (this.unscaled % divisor !== 0n) {
      throw new DataError(`Cannot rescale ${this.toString()} to scale ${newScale} without rounding`)
    }
    return new Decimal(this.unscaled / divisor, newScale)
  }

  /** Plain decimal notation without exponent (Java's `toPlainString`), e.g. `-0.05`, `1200`. */
  toString(): string {
    const negative = this.unscaled < 0n
    const digits = (negative ? -this.unscaled : this.unscaled).toString()
    let out: string
    if (this.scale <= 0) {
      out = this.unscaled === 0n ? '0' : digits + '0'.repeat(-this.scale)
    } else if (digits.length > this.scale) {
      out = `${digits.slice(0, digits.length - this.scale)}.${digits.slice(digits.length - this.scale)}`
    } else {
      out = `0.${'0'.repeat(this.scale - digits.length)}${digits}`
    }
    return negative ? `-${out}` : out
  }

  /** The plain string (JSON has no exact decimal type). */
  toJSON(): string {
    return this.toString()
  }

  /** The nearest JS number (may lose precision). */
  toNumber(): number {
    return Number(this.toString())
  }

  /** True when `other` is a {@link Decimal} with the same unscaled value and scale (like `BigDecimal.equals`). */
  equals(other: unknown): boolean {
    return other instanceof Decimal && other.unscaled === this.unscaled && other.scale === this.scale
  }

  /** Numeric comparison ignoring scale: negative, zero or positive (like `BigDecimal.compareTo`). */
  compareTo(other: Decimal): number {
    const scale = Math.max(this.scale, other.scale)
    const a = this.unscaled * 10n ** BigInt(scale - this.scale)
    const b = other.unscaled * 10n ** BigInt(scale - other.scale)
    return a < b ? -1 : a > b ? 1 : 0
  }
}
