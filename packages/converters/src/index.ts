/**
 * `@sluice/converters`: Kafka Connect's converters for Sluice, with Kafka's class names and config keys.
 * JsonConverter is byte-compatible with Kafka Connect's (see `test/java-compat.test.ts`).
 *
 * The runtime loads {@link plugins}; each converter that Kafka also uses as a header converter is
 * registered under both kinds, as Kafka's plugin listing shows it.
 *
 * @packageDocumentation
 */
import type { Converter, HeaderConverter, PluginDefinition } from '@sluice/api'
import { definePlugin } from '@sluice/api'
import { ByteArrayConverter } from './byte-array-converter.js'
import { JsonConverter } from './json/json-converter.js'
import {
  BooleanConverter,
  DoubleConverter,
  FloatConverter,
  IntegerConverter,
  LongConverter,
  ShortConverter,
} from './number-converters.js'
import { SimpleHeaderConverter } from './simple-header-converter.js'
import { StringConverter } from './string-converter.js'

export {
  bigDecimalToString,
  decimalTextToFloat,
  javaDoubleToString,
  javaFloatToString,
  parseString,
  valuesConvertToString as convertToString,
} from '@sluice/api'
export { ByteArrayConverter } from './byte-array-converter.js'
export type { JavaCharset } from './charsets.js'
export { javaCharset } from './charsets.js'
export type { ConverterType } from './converter-config.js'
export { CONVERTER_TYPE_CONFIG, newConverterConfigDef } from './converter-config.js'
export { JsonConverter } from './json/json-converter.js'
export {
  DECIMAL_FORMAT_CONFIG,
  JSON_CONVERTER_CONFIG_DEF,
  REPLACE_NULL_WITH_DEFAULT_CONFIG,
  SCHEMAS_CACHE_SIZE_CONFIG,
  SCHEMAS_ENABLE_CONFIG,
} from './json/json-converter-config.js'
export {
  BooleanConverter,
  DoubleConverter,
  FloatConverter,
  IntegerConverter,
  LongConverter,
  ShortConverter,
} from './number-converters.js'
export { SimpleHeaderConverter } from './simple-header-converter.js'
export { ENCODING_CONFIG, STRING_CONVERTER_CONFIG_DEF, StringConverter } from './string-converter.js'

/** Version reported for these plugins. */
export const VERSION = '0.1.0'

/** A converter Kafka also lists as a header converter: one definition per kind. */
function both(className: string, create: () => Converter & HeaderConverter): PluginDefinition[] {
  const aliases = [className.slice(className.lastIndexOf('.') + 1)]
  return [
    definePlugin({ kind: 'converter', className, aliases, version: VERSION, create }),
    definePlugin({ kind: 'header_converter', className, aliases, version: VERSION, create }),
  ]
}

/** Every converter of this package, by Kafka class name with the simple class name as alias. */
export const plugins: PluginDefinition[] = [
  ...both('org.apache.kafka.connect.json.JsonConverter', () => new JsonConverter()),
  ...both('org.apache.kafka.connect.storage.StringConverter', () => new StringConverter()),
  ...both('org.apache.kafka.connect.converters.ByteArrayConverter', () => new ByteArrayConverter()),
  ...both('org.apache.kafka.connect.converters.ShortConverter', () => new ShortConverter()),
  ...both('org.apache.kafka.connect.converters.IntegerConverter', () => new IntegerConverter()),
  ...both('org.apache.kafka.connect.converters.LongConverter', () => new LongConverter()),
  ...both('org.apache.kafka.connect.converters.FloatConverter', () => new FloatConverter()),
  ...both('org.apache.kafka.connect.converters.DoubleConverter', () => new DoubleConverter()),
  ...both('org.apache.kafka.connect.converters.BooleanConverter', () => new BooleanConverter()),
  definePlugin({
    kind: 'header_converter',
    className: 'org.apache.kafka.connect.storage.SimpleHeaderConverter',
    aliases: ['SimpleHeaderConverter'],
    version: VERSION,
    create: () => new SimpleHeaderConverter(),
  }),
]
