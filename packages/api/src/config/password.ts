/**
 * A secret config value (Kafka's `types.Password`). It prints as `[hidden]` everywhere (`toString`, JSON,
 * `util.inspect`); read the secret with {@link Password.value}.
 *
 * @example
 * ```ts
 * const p = new Password('s3cr3t')
 * `${p}` // '[hidden]'
 * JSON.stringify({ p }) // '{"p":"[hidden]"}'
 * p.value() // 's3cr3t'
 * ```
 */
export class Password {
  /** What a password prints as: `[hidden]`. */
  static readonly HIDDEN = '[hidden]'
  readonly #value: string

  constructor(value: string) {
    this.#value = value
    Object.freeze(this)
  }

  /** The secret. */
  value(): string {
    return this.#value
  }

  /** True when `other` is a {@link Password} with the same secret. */
  equals(other: unknown): boolean {
    return other instanceof Password && other.#value === this.#value
  }

  /** `[hidden]` */
  toString(): string {
    return Password.HIDDEN
  }

  /** `[hidden]` */
  toJSON(): string {
    return Password.HIDDEN
  }

  /** `[hidden]` also in `console.log` / `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Password(${Password.HIDDEN})`
  }
}
