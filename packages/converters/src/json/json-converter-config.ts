import type { ConfigDef } from '@sluice/api'
import { CaseInsensitiveValidString } from '@sluice/api'
import { newConverterConfigDef } from '../converter-config.js'

/** `schemas.enable`: wrap values in a `{"schema":…,"payload":…}` envelope. */
export const SCHEMAS_ENABLE_CONFIG = 'schemas.enable'
/** `schemas.cache.size`: schemas cached per converter instance, in each direction. */
export const SCHEMAS_CACHE_SIZE_CONFIG = 'schemas.cache.size'
/** `decimal.format`: `BASE64` or `NUMERIC`, case-insensitive. */
export const DECIMAL_FORMAT_CONFIG = 'decimal.format'
/** `replace.null.with.default`: null values of schemas with a default become the default. */
export const REPLACE_NULL_WITH_DEFAULT_CONFIG = 'replace.null.with.default'

/** JsonConverter's keys, as Kafka Connect's `JsonConverterConfig` defines them (plus `converter.type`). */
export const JSON_CONVERTER_CONFIG_DEF: ConfigDef = newConverterConfigDef()
  .define({
    name: SCHEMAS_ENABLE_CONFIG,
    type: 'BOOLEAN',
    defaultValue: true,
    importance: 'HIGH',
    documentation: 'Include schemas within each of the serialized values and keys.',
    group: 'Schemas',
    orderInGroup: 0,
    width: 'MEDIUM',
    displayName: 'Enable Schemas',
  })
  .define({
    name: SCHEMAS_CACHE_SIZE_CONFIG,
    type: 'INT',
    defaultValue: 1000,
    importance: 'HIGH',
    documentation: 'The maximum number of schemas that can be cached in this converter instance.',
    group: 'Schemas',
    orderInGroup: 1,
    width: 'MEDIUM',
    displayName: 'Schema Cache Size',
  })
  .define({
    name: DECIMAL_FORMAT_CONFIG,
    type: 'STRING',
    defaultValue: 'BASE64',
    validator: CaseInsensitiveValidString.in('BASE64', 'NUMERIC'),
    importance: 'LOW',
    documentation:
      "Controls which format this converter will serialize decimals in. This value is case insensitive and can be either 'BASE64' (default) or 'NUMERIC'",
    group: 'Serialization',
    orderInGroup: 0,
    width: 'MEDIUM',
    displayName: 'Decimal Format',
  })
  .define({
    name: REPLACE_NULL_WITH_DEFAULT_CONFIG,
    type: 'BOOLEAN',
    defaultValue: true,
    importance: 'LOW',
    documentation:
      'Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.',
    group: 'Serialization',
    orderInGroup: 1,
    width: 'MEDIUM',
    displayName: 'Replace null with default',
  })
