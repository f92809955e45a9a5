import type { ConnectorProps, Converter, HeaderConverter, PluginKind } from '@sluice/api'
import type { PluginRegistry } from '@sluice/runtime'

type Role = 'key' | 'value' | 'header'

/**
 * The key, value and header converters a task of this connector uses, built the way the worker builds
 * them (a connector-level `key.converter` with its `key.converter.*` settings wins over the worker's), so
 * the suite reads and writes topics exactly as the connector's tasks do.
 */
export class ConverterSet {
  readonly key: Converter
  readonly value: Converter
  readonly header: HeaderConverter

  constructor(plugins: PluginRegistry, workerProps: ConnectorProps, connectorProps: ConnectorProps) {
    this.key = create(plugins, 'key', workerProps, connectorProps) as Converter
    this.value = create(plugins, 'value', workerProps, connectorProps) as Converter
    this.header = create(plugins, 'header', workerProps, connectorProps) as HeaderConverter
  }
}

function create(
  plugins: PluginRegistry,
  role: Role,
  workerProps: ConnectorProps,
  connectorProps: ConnectorProps,
): Converter | HeaderConverter {
  const key = `${role}.converter`
  const fromConnector = connectorProps[key]?.trim()
  const source = fromConnector !== undefined && fromConnector !== '' ? connectorProps : workerProps
  const className =
    source[key]?.trim() || (role === 'header' ? 'org.apache.kafka.connect.storage.SimpleHeaderConverter' : '')
  if (className === '')
    throw new Error(`${key} is set neither in the worker properties nor in the connector config`)
  const kind: PluginKind = role === 'header' ? 'header_converter' : 'converter'
  const instance = plugins.resolve(className, kind).definition.create() as Converter | HeaderConverter
  const configs: Record<string, unknown> = { 'converter.type': role }
  for (const [k, v] of Object.entries(source))
    if (k.startsWith(`${key}.`)) configs[k.slice(key.length + 1)] = v
  if (role === 'header') (instance as HeaderConverter).configure(configs)
  else (instance as Converter).configure(configs, role === 'key')
  return instance
}
