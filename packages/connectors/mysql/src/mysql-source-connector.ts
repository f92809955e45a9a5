import {
  type ConfigDef,
  ConfigError,
  ConfigValue,
  type ConnectorProps,
  type ConnectorTransactionBoundaries,
  type ExactlyOnceSupport,
  SourceConnector,
  type SourceOffset,
  type SourcePartition,
  type TaskClass,
} from '@sluice/api'
import { MYSQL_CONFIG_DEF, MySqlConfig, validateMySqlProps } from './config.js'
import { MariaDbSourceTask, MySqlSourceTask } from './mysql-source-task.js'
import { VERSION } from './version.js'

export const MYSQL_CONNECTOR_CLASS = 'io.debezium.connector.mysql.MySqlConnector'
export const MARIADB_CONNECTOR_CLASS = 'io.debezium.connector.mariadb.MariaDbConnector'

/**
 * Debezium's MySqlConnector: one task (the binlog is one ordered stream), Debezium's config keys, records
 * and offsets. See docs/adr/0017-mysql-cdc-source.md.
 */
export class MySqlSourceConnector extends SourceConnector {
  #props: ConnectorProps = {}

  version(): string {
    return VERSION
  }

  start(props: ConnectorProps): void {
    // Fails fast with every bad key named, before any task starts.
    new MySqlConfig(props)
    this.#props = props
  }

  /**
   * KIP-618: not declared supported. Exactly-once needs the task to resume precisely from the offsets
   * committed with its last transaction (mid-transaction binlog positions, snapshot progress); that has
   * not been verified for this connector, so `exactly.once.support=required` is refused rather than
   * promised. (`requested` still runs it transactionally on an exactly-once worker.)
   */
  override exactlyOnceSupport(_props: ConnectorProps): ExactlyOnceSupport {
    return 'UNSUPPORTED'
  }

  /** The tasks do not define transaction boundaries (`transaction.boundary=connector` is refused). */
  override canDefineTransactionBoundaries(_props: ConnectorProps): ConnectorTransactionBoundaries {
    return 'UNSUPPORTED'
  }

  taskClass(): TaskClass<MySqlSourceTask> {
    return MySqlSourceTask
  }

  taskConfigs(_maxTasks: number): ConnectorProps[] {
    return [{ ...this.#props }]
  }

  stop(): void {}

  config(): ConfigDef {
    return MYSQL_CONFIG_DEF
  }

  override validate(props: ConnectorProps): ConfigValue[] {
    const values = super.validate(props)
    const extra = validateMySqlProps(props, values)
    // Problems with keys outside the ConfigDef (unimplemented Debezium keys) have no ConfigValue of their own.
    const known = new Set(values.map((v) => v.name))
    for (const msg of extra) {
      const key = msg.slice(0, msg.indexOf(':'))
      if (!known.has(key)) {
        const v = new ConfigValue(key)
        v.addErrorMessage(msg.slice(key.length + 2))
        values.push(v)
        known.add(key)
      }
    }
    return values
  }

  override alterOffsets(
    props: ConnectorProps,
    offsets: ReadonlyArray<{ partition: SourcePartition; offset: SourceOffset | null }>,
  ): boolean {
    const prefix = props['topic.prefix'] ?? props['database.server.name']
    for (const { partition, offset } of offsets) {
      if (partition.server !== prefix)
        throw new ConfigError(
          `offsets can only be altered for partition {"server":"${prefix}"}, not ${JSON.stringify(partition)}`,
        )
      if (offset !== null && (typeof offset.file !== 'string' || typeof offset.pos !== 'number'))
        throw new ConfigError('an offset needs "file" (binlog file name) and "pos" (position)')
    }
    return true
  }
}

/** Debezium's MariaDbConnector: the same connector reporting `connector: mariadb` and MariaDB GTIDs. */
export class MariaDbSourceConnector extends MySqlSourceConnector {
  override taskClass(): TaskClass<MySqlSourceTask> {
    return MariaDbSourceTask
  }
}
