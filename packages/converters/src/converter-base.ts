import type {
  ConfigDef,
  Converter,
  HeaderConverter,
  Headers,
  PluginConfigs,
  Schema,
  SchemaAndValue,
} from '@sluice/api'

/**
 * The shared shape of a converter that is also a {@link HeaderConverter}: the data and header methods
 * both delegate to {@link fromConnectValue}/{@link toConnectValue}, with `headerKey` `undefined` for data;
 * `close` does nothing.
 */
export abstract class ConverterBase implements Converter, HeaderConverter {
  abstract configure(configs: PluginConfigs, isKey?: boolean): void

  abstract config(): ConfigDef

  /** Serializes a data value (`headerKey` `undefined`) or a header value. */
  protected abstract fromConnectValue(
    topic: string,
    schema: Schema | null,
    value: unknown,
    headerKey: string | undefined,
  ): Uint8Array | null

  /** Deserializes a data value (`headerKey` `undefined`) or a header value. */
  protected abstract toConnectValue(
    topic: string,
    value: Uint8Array | null,
    headerKey: string | undefined,
  ): SchemaAndValue

  fromConnectData(
    topic: string,
    _headers: Headers | undefined,
    schema: Schema | null,
    value: unknown,
  ): Uint8Array | null {
    return this.fromConnectValue(topic, schema, value, undefined)
  }

  toConnectData(topic: string, _headers: Headers | undefined, value: Uint8Array | null): SchemaAndValue {
    return this.toConnectValue(topic, value, undefined)
  }

  fromConnectHeader(
    topic: string,
    headerKey: string,
    schema: Schema | null,
    value: unknown,
  ): Uint8Array | null {
    return this.fromConnectValue(topic, schema, value, headerKey)
  }

  toConnectHeader(topic: string, headerKey: string, value: Uint8Array | null): SchemaAndValue {
    return this.toConnectValue(topic, value, headerKey)
  }

  close(): void {}
}
