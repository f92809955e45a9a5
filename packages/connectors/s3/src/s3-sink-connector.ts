import {
  type ConfigDef,
  type ConfigValue,
  type ConnectorProps,
  SinkConnector,
  type SinkTask,
  type TaskClass,
} from '@sluice/api'
import { S3_SINK_CONFIG_DEF, S3SinkConfig, validateS3SinkConfig } from './config.js'
import { S3SinkTask } from './s3-sink-task.js'
import { VERSION } from './version.js'

/** Confluent's class name, used in `connector.class`. */
export const S3_SINK_CLASS = 'io.confluent.connect.s3.S3SinkConnector'

/**
 * A drop-in for Confluent's `io.confluent.connect.s3.S3SinkConnector`: the same keys and defaults, object
 * names, layouts and formats. Every task gets the same config (the partitions are spread by the group).
 *
 * @example
 * ```json
 * {"name":"s3-sink","config":{"connector.class":"io.confluent.connect.s3.S3SinkConnector",
 *  "topics":"dbserver1.inventory.customers","s3.bucket.name":"my-data-lake","s3.region":"us-east-1",
 *  "format.class":"io.confluent.connect.s3.format.json.JsonFormat","flush.size":"1000",
 *  "storage.class":"io.confluent.connect.s3.storage.S3Storage"}}
 * ```
 */
export class S3SinkConnector extends SinkConnector {
  #props: ConnectorProps = {}

  version(): string {
    return VERSION
  }

  /** @throws {@link ConfigError} naming the bad key */
  start(props: ConnectorProps): void {
    new S3SinkConfig(props)
    this.#props = { ...props }
  }

  taskClass(): TaskClass<SinkTask> {
    return S3SinkTask
  }

  taskConfigs(maxTasks: number): ConnectorProps[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.#props }))
  }

  stop(): void {
    // Nothing to release: tasks own the S3 clients.
  }

  config(): ConfigDef {
    return S3_SINK_CONFIG_DEF
  }

  /** The def's checks plus Confluent's checks between keys (partitioner, rotation). */
  override validate(props: ConnectorProps): ConfigValue[] {
    return validateS3SinkConfig(props)
  }

  /** Offsets live only in Kafka (the connector never reads S3 to recover), so any alteration is fine. */
  override alterOffsets(): boolean {
    return true
  }
}
