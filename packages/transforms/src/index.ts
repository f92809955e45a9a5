/**
 * `@sluice/transforms`: every single message transform and predicate of Kafka's connect-transforms,
 * under Kafka's class names (`org.apache.kafka.connect.transforms.MaskField$Value`, …), with Kafka's
 * configs, messages and output (see test/test/transforms-java-compat.test.ts for the differential corpus).
 * The runtime finds them through the `plugins` export (package.json `"sluice": { "plugins": true }`).
 *
 * @packageDocumentation
 */
import type { PluginDefinition, Predicate, Transformation } from '@sluice/api'
import { definePlugin } from '@sluice/api'
import { CastKey, CastValue } from './cast.js'
import {
  HeaderFromKey,
  HeaderFromValue,
  InsertFieldKey,
  InsertFieldValue,
  MaskFieldKey,
  MaskFieldValue,
} from './fields.js'
import { HasHeaderKey, RecordIsTombstone, TopicNameMatches } from './predicates.js'
import { DropHeaders, Filter, InsertHeader, RegexRouter, TimestampRouter } from './simple.js'
import {
  ExtractFieldKey,
  ExtractFieldValue,
  FlattenKey,
  FlattenValue,
  HoistFieldKey,
  HoistFieldValue,
  ReplaceFieldKey,
  ReplaceFieldValue,
  SetSchemaMetadataKey,
  SetSchemaMetadataValue,
  ValueToKey,
} from './structure.js'
import { TimestampConverterKey, TimestampConverterValue } from './timestamp-converter.js'

export { CAST_CONFIG_DEF, CastKey, CastValue, castValueToType } from './cast.js'
export * from './fields.js'
export * from './predicates.js'
export * from './simple.js'
export * from './structure.js'
export * from './timestamp-converter.js'
export { SimpleDateFormat } from './util/simple-date-format.js'

/** Version reported for these plugins. */
export const VERSION = '0.1.0'

const PACKAGE = 'org.apache.kafka.connect.transforms'

function transform(name: string, create: () => Transformation): PluginDefinition {
  // Kafka aliases a plugin by its simple class name only when unique; nested `$Key`/`$Value` classes
  // (simple names `Key`, `Value`) get none, so they are named by their full class names.
  const aliases = name.includes('$') ? [] : [name]
  return definePlugin({
    kind: 'transformation',
    className: `${PACKAGE}.${name}`,
    aliases,
    version: VERSION,
    create,
  })
}

function keyValue(name: string, key: () => Transformation, value: () => Transformation): PluginDefinition[] {
  return [transform(`${name}$Key`, key), transform(`${name}$Value`, value)]
}

function predicate(name: string, create: () => Predicate): PluginDefinition {
  return definePlugin({
    kind: 'predicate',
    className: `${PACKAGE}.predicates.${name}`,
    aliases: [name],
    version: VERSION,
    create,
  })
}

/** Every transformation and predicate Kafka 4.4 ships, by Kafka class name. */
export const plugins: PluginDefinition[] = [
  ...keyValue(
    'Cast',
    () => new CastKey(),
    () => new CastValue(),
  ),
  transform('DropHeaders', () => new DropHeaders()),
  ...keyValue(
    'ExtractField',
    () => new ExtractFieldKey(),
    () => new ExtractFieldValue(),
  ),
  transform('Filter', () => new Filter()),
  ...keyValue(
    'Flatten',
    () => new FlattenKey(),
    () => new FlattenValue(),
  ),
  ...keyValue(
    'HeaderFrom',
    () => new HeaderFromKey(),
    () => new HeaderFromValue(),
  ),
  ...keyValue(
    'HoistField',
    () => new HoistFieldKey(),
    () => new HoistFieldValue(),
  ),
  ...keyValue(
    'InsertField',
    () => new InsertFieldKey(),
    () => new InsertFieldValue(),
  ),
  transform('InsertHeader', () => new InsertHeader()),
  ...keyValue(
    'MaskField',
    () => new MaskFieldKey(),
    () => new MaskFieldValue(),
  ),
  transform('RegexRouter', () => new RegexRouter()),
  ...keyValue(
    'ReplaceField',
    () => new ReplaceFieldKey(),
    () => new ReplaceFieldValue(),
  ),
  ...keyValue(
    'SetSchemaMetadata',
    () => new SetSchemaMetadataKey(),
    () => new SetSchemaMetadataValue(),
  ),
  ...keyValue(
    'TimestampConverter',
    () => new TimestampConverterKey(),
    () => new TimestampConverterValue(),
  ),
  transform('TimestampRouter', () => new TimestampRouter()),
  transform('ValueToKey', () => new ValueToKey()),
  predicate('HasHeaderKey', () => new HasHeaderKey()),
  predicate('RecordIsTombstone', () => new RecordIsTombstone()),
  predicate('TopicNameMatches', () => new TopicNameMatches()),
]
