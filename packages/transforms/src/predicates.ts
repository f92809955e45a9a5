/** Kafka's predicates (KIP-585): HasHeaderKey, RecordIsTombstone, TopicNameMatches. */
import type { ConnectRecord, PluginConfigs, Predicate } from '@sluice/api'
import {
  AbstractConfig,
  CompositeValidator,
  ConfigDef,
  invalidConfigValue,
  NonEmptyString,
} from '@sluice/api'
import { compileJavaRegex } from './util/java-regex.js'
import { RegexValidator } from './util/validators.js'

export const HAS_HEADER_KEY_CONFIG_DEF = new ConfigDef().define({
  name: 'name',
  type: 'STRING',
  validator: new NonEmptyString(),
  importance: 'MEDIUM',
  documentation: 'The header name.',
})

/** True for records with at least one header of the configured name. */
export class HasHeaderKey implements Predicate {
  #name = ''
  configure(configs: PluginConfigs): void {
    this.#name = new AbstractConfig(HAS_HEADER_KEY_CONFIG_DEF, configs).getString('name') ?? ''
  }
  test(record: ConnectRecord): boolean {
    return record.headers.lastWithName(this.#name) !== undefined
  }
  config(): ConfigDef {
    return HAS_HEADER_KEY_CONFIG_DEF
  }
  close(): void {}
  toString(): string {
    return `HasHeaderKey{name='${this.#name}'}`
  }
}

export const RECORD_IS_TOMBSTONE_CONFIG_DEF = new ConfigDef()

/** True for records whose value is null. */
export class RecordIsTombstone implements Predicate {
  configure(_configs: PluginConfigs): void {}
  test(record: ConnectRecord): boolean {
    return record.value === null || record.value === undefined
  }
  config(): ConfigDef {
    return RECORD_IS_TOMBSTONE_CONFIG_DEF
  }
  close(): void {}
  toString(): string {
    return 'RecordIsTombstone{}'
  }
}

export const TOPIC_NAME_MATCHES_CONFIG_DEF = new ConfigDef().define({
  name: 'pattern',
  type: 'STRING',
  validator: CompositeValidator.of(new NonEmptyString(), new RegexValidator()),
  importance: 'MEDIUM',
  documentation: "A Java regular expression for matching against the name of a record's topic.",
})

/** True for records whose whole topic name matches the configured Java regex. */
export class TopicNameMatches implements Predicate {
  #pattern = /^$/u
  #source = ''
  configure(configs: PluginConfigs): void {
    const value = new AbstractConfig(TOPIC_NAME_MATCHES_CONFIG_DEF, configs).getString('pattern') ?? ''
    try {
      this.#pattern = compileJavaRegex(value)
    } catch (err) {
      throw invalidConfigValue(
        'pattern',
        value,
        `entry must be a Java-compatible regular expression: ${(err as Error).message}`,
      )
    }
    this.#source = value
  }
  test(record: ConnectRecord): boolean {
    return record.topic !== null && this.#pattern.test(record.topic)
  }
  config(): ConfigDef {
    return TOPIC_NAME_MATCHES_CONFIG_DEF
  }
  close(): void {}
  toString(): string {
    return `TopicNameMatches{pattern=${this.#source}}`
  }
}
