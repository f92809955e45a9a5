import type { PluginConfigs, Stage } from '@sluice/api'
import { ConfigDef, ValidString } from '@sluice/api'

/** How a converter instance is used (Kafka Connect's `ConverterType`). */
export type ConverterType = 'key' | 'value' | 'header'

/** `converter.type` (Kafka Connect's `ConverterConfig.TYPE_CONFIG`), set by the worker. */
export const CONVERTER_TYPE_CONFIG = 'converter.type'

/**
 * A new def holding `converter.type` (Kafka Connect's `ConverterConfig.newConfigDef()`): a required
 * `STRING`, one of `key`, `value`, `header`. Converters add their own keys to it.
 */
export function newConverterConfigDef(): ConfigDef {
  return new ConfigDef().define({
    name: CONVERTER_TYPE_CONFIG,
    type: 'STRING',
    validator: ValidString.in('key', 'value', 'header'),
    importance: 'LOW',
    documentation: 'How this converter will be used.',
  })
}

/**
 * The configs a converter parses: like Kafka's `configure(configs, isKey)`, `isKey` decides
 * `converter.type`; without it (a header converter's `configure(configs)`), a missing `converter.type`
 * means `header`, since the Sluice runtime configures header converters without one.
 */
export function withConverterType(
  configs: PluginConfigs,
  isKey: boolean | undefined,
): Record<string, unknown> {
  if (isKey !== undefined) return { ...configs, [CONVERTER_TYPE_CONFIG]: isKey ? 'key' : 'value' }
  if (configs[CONVERTER_TYPE_CONFIG] === undefined) return { ...configs, [CONVERTER_TYPE_CONFIG]: 'header' }
  return { ...configs }
}

/** The parsed `converter.type` (Kafka matches it case-insensitively). */
export function converterTypeOf(parsed: Readonly<Record<string, unknown>>): ConverterType {
  const raw = String(parsed[CONVERTER_TYPE_CONFIG] ?? 'value').toLowerCase()
  return raw === 'key' || raw === 'header' ? raw : 'value'
}

/** The pipeline stage errors of a converter of this type belong to. */
export function stageOf(type: ConverterType): Stage {
  return type === 'key' ? 'convert.key' : type === 'header' ? 'convert.header' : 'convert.value'
}
