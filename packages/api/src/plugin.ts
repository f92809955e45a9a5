import type { ConfigProvider } from './config-provider.js'
import type { SinkConnector, SourceConnector } from './connector.js'
import type { Converter, HeaderConverter } from './converter.js'
import type { Predicate, Transformation } from './transformation.js'

/**
 * The kinds of plugins, named as `GET /connector-plugins` names them (`config_provider` is not listed there,
 * as in Kafka Connect).
 */
export type PluginKind =
  | 'source'
  | 'sink'
  | 'converter'
  | 'header_converter'
  | 'transformation'
  | 'predicate'
  | 'config_provider'

/** The instance type each plugin kind creates. */
export interface PluginKinds {
  source: SourceConnector
  sink: SinkConnector
  converter: Converter
  header_converter: HeaderConverter
  transformation: Transformation
  predicate: Predicate
  config_provider: ConfigProvider
}

/**
 * How a package declares one plugin. A plugin package's main module exports
 * `plugins: PluginDefinition[]`, and its package.json has a `"sluice": { "plugins": true }` field so the
 * runtime finds it under `plugin.path` (see docs/plugins.md).
 *
 * `className` is the name users put in `connector.class` / `*.converter` / `transforms.*.type`; keep
 * Kafka Connect's class names for drop-in compatibility (e.g.
 * `org.apache.kafka.connect.file.FileStreamSourceConnector`) and list short names in `aliases`.
 *
 * @example
 * ```ts
 * export const plugins: PluginDefinition[] = [
 *   definePlugin({ kind: 'source', className: 'com.example.MySource', aliases: ['MySource'],
 *     version: '1.0.0', create: () => new MySourceConnector() }),
 * ]
 * ```
 */
export interface PluginDefinition<K extends PluginKind = PluginKind> {
  readonly kind: K
  readonly className: string
  readonly aliases?: readonly string[]
  readonly version: string
  /** Creates a fresh instance; called once per connector/task/converter/transform instance. */
  readonly create: () => PluginKinds[K]
}

/** Identity helper that checks a plugin definition's types. */
export function definePlugin<K extends PluginKind>(def: PluginDefinition<K>): PluginDefinition<K> {
  return def
}
