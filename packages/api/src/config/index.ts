/**
 * Configuration definitions as data (Kafka's `org.apache.kafka.common.config.ConfigDef`): typed parsing with
 * Kafka's rules and messages, REST validation (`ConfigInfos`), validators, passwords and docs.
 *
 * @packageDocumentation
 */

// Definitions, parsing and validation.
export { ConfigDef, convertToString, parseConfigValue } from './config-def.js'
export type { ConfigKey, ConfigKeyDefinition, DuplicateKeyPolicy, Recommender } from './config-def.js'
export { ConfigValue } from './config-value.js'
export { CONFIG_TYPES, NO_DEFAULT_VALUE } from './types.js'
export type { ConfigType, Importance, NoDefaultValue, ParsedConfig, Width } from './types.js'
export { AbstractConfig } from './abstract-config.js'

// Values and errors.
export { Password } from './password.js'
export { formatConfigValue, invalidConfigValue, invalidValueMessage } from './config-exception.js'

// Validators.
export {
  CaseInsensitiveValidString,
  CompositeValidator,
  LambdaValidator,
  ListSize,
  NonEmptyString,
  NonEmptyStringWithoutControlChars,
  NonNullValidator,
  Range,
  ValidList,
  ValidString,
} from './validators.js'
export type { Validator } from './validators.js'

// REST validate body and docs.
export { configInfos, configKeyInfo, configValueInfo, generateConfigInfos, mergeConfigInfos } from './config-infos.js'
export type { ConfigInfo, ConfigInfos, ConfigKeyInfo, ConfigValueInfo } from './config-infos.js'
export { configDocs, configRst } from './config-docs.js'
