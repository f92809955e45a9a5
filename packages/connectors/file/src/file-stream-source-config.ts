import {
  AbstractConfig,
  CompositeValidator,
  ConfigDef,
  invalidConfigValue,
  LambdaValidator,
  NonEmptyString,
} from '@sluice/api'

/** Config key: the file to read; unset or empty reads standard input. */
export const FILE_CONFIG = 'file'
/** Config key: the one topic records go to. */
export const TOPIC_CONFIG = 'topic'
/** Config key: the most records one `poll` returns. */
export const TASK_BATCH_SIZE_CONFIG = 'batch.size'
/** Default of {@link TASK_BATCH_SIZE_CONFIG}, as in Kafka. */
export const DEFAULT_TASK_BATCH_SIZE = 2000

/** Source partition key holding the file name (`{filename: <file>}`). */
export const FILENAME_FIELD = 'filename'
/** Source offset key holding the byte position after the last line read (`{position: <n>}`). */
export const POSITION_FIELD = 'position'

/**
 * Kafka 4.x defines `topic` as a STRING, so `a,b` would pass validation and fail later at the broker;
 * a comma can never be part of a topic name, so Sluice refuses it up front with the message Kafka used
 * when `topic` was a list.
 */
const singleTopic = LambdaValidator.with(
  (name, value) => {
    if (typeof value === 'string' && value.includes(',')) {
      throw invalidConfigValue(
        name,
        value,
        `'${TOPIC_CONFIG}' in FileStreamSourceConnector configuration requires definition of a single topic`,
      )
    }
  },
  () => 'a single topic name',
)

/** The FileStream source's configuration, as data (keys, defaults and docs as in Kafka). */
export const FILE_STREAM_SOURCE_CONFIG_DEF: ConfigDef = new ConfigDef()
  .define({
    name: FILE_CONFIG,
    type: 'STRING',
    defaultValue: null,
    importance: 'HIGH',
    documentation: 'Source filename. If not specified, the standard input will be used',
  })
  .define({
    name: TOPIC_CONFIG,
    type: 'STRING',
    validator: CompositeValidator.of(new NonEmptyString(), singleTopic),
    importance: 'HIGH',
    documentation: 'The topic to publish data to',
  })
  .define({
    name: TASK_BATCH_SIZE_CONFIG,
    type: 'INT',
    defaultValue: DEFAULT_TASK_BATCH_SIZE,
    importance: 'LOW',
    documentation:
      'The maximum number of records the source task can read from the file each time it is polled',
  })

/** The parsed FileStream source configuration. */
export class FileStreamSourceConfig extends AbstractConfig {
  /** @throws {@link ConfigError} naming every bad key */
  constructor(props: Readonly<Record<string, unknown>>) {
    super(FILE_STREAM_SOURCE_CONFIG_DEF, props)
  }

  /** The file to read, or null for standard input (unset and empty both mean stdin, as in Kafka). */
  get file(): string | null {
    const f = this.getString(FILE_CONFIG)
    return f === null || f === '' ? null : f
  }

  /** The one topic records go to. */
  get topic(): string {
    return this.getString(TOPIC_CONFIG) ?? ''
  }

  /** `batch.size` as configured (the task treats values below 1 as 1, as Kafka does). */
  get batchSize(): number {
    return this.getInt(TASK_BATCH_SIZE_CONFIG) ?? DEFAULT_TASK_BATCH_SIZE
  }
}

/** Java's `instanceof Long` for JSON-sourced offsets: an integral number in the int64 range, or a bigint. */
export function isLong(value: unknown): value is number | bigint {
  if (typeof value === 'bigint') return value >= -(2n ** 63n) && value < 2n ** 63n
  return typeof value === 'number' && Number.isInteger(value)
}
