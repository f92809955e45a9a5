/**
 * The validation result of one config key (Kafka's `ConfigValue`), as returned by
 * {@link ConfigDef.validate}: the parsed value, recommended values, error messages and visibility.
 * Mutable, like Java's, so connectors can add cross-field errors in `Connector.validate`.
 *
 * @example
 * ```ts
 * const values = def.validate(props)
 * const topics = values.find((v) => v.name === 'topics')
 * topics?.addErrorMessage('Must not be empty when topics.regex is unset')
 * ```
 */
export class ConfigValue {
  /** The config key. */
  readonly name: string
  /** The parsed value (`null` when unset without default or unparsable). */
  value: unknown
  /** Values a UI may offer, from the key's recommender. */
  recommendedValues: unknown[]
  /** Error messages; empty when the value is valid. */
  readonly errorMessages: string[]
  /** Whether a UI should show the key (from the key's recommender). */
  visible: boolean

  constructor(
    name: string,
    value: unknown = null,
    recommendedValues: unknown[] = [],
    errorMessages: string[] = [],
  ) {
    this.name = name
    this.value = value
    this.recommendedValues = recommendedValues
    this.errorMessages = errorMessages
    this.visible = true
  }

  /** Alias of {@link ConfigValue.errorMessages}. */
  get errors(): readonly string[] {
    return this.errorMessages
  }

  /** Records an error for this key. */
  addErrorMessage(message: string): void {
    this.errorMessages.push(message)
  }

  /** `[name,value,[recommended],[errors],visible]`, like Kafka. */
  toString(): string {
    return `[${this.name},${String(this.value)},[${this.recommendedValues.join(', ')}],[${this.errorMessages.join(', ')}],${this.visible}]`
  }
}
