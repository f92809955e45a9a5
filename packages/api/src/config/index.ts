/**
 * Configuration definitions as data (Kafka's `org.apache.kafka.common.config.ConfigDef`): typed parsing with
 * Kafka's rules and messages, REST validation (`ConfigInfos`), validators, passwords and docs.
 *
 * @packageDocumentation
 */

export { AbstractConfig } from './abstract-config.js'
export type { ConfigKey, ConfigKeyDefinition, DuplicateKeyPolicy, Recommender } from './config-def.js'
// Definitions, parsing and validation.
export { ConfigDef, convertToString, parseConfigValue } from './config-def.js'
export { configDocs, configRst } from './config-docs.js'
export { formatConfigValue, invalidConfigValue, invalidValueMessage } from './config-exception.js'
export type { ConfigInfo, ConfigInfos, ConfigKeyInfo, ConfigValueInfo } from './config-infos.js'
// REST validate body and docs.
export {
  configInfos,
  configKeyInfo,
  configValueInfo,
  generateConfigInfos,
  mergeConfigInfos,
} from './config-infos.js'
export { ConfigValue } from './config-value.js'
// Values and errors.
export { Password } from './password.js'
export type { ConfigType, Importance, NoDefaultValue, ParsedConfig, Width } from './types.js'
export { CONFIG_TYPES, NO_DEFAULT_VALUE } from './types.js'
export type { Validator } from './validators.js'
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
