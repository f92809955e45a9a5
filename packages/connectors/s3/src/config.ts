import {
  AbstractConfig,
  ConfigDef,
  type ConfigValue,
  type ConnectorProps,
  invalidConfigValue,
  LambdaValidator,
  NonEmptyString,
  Range,
  type Validator,
  ValidString,
} from '@sluice/api'

/** Confluent's class names (values of `format.class`, `partitioner.class`, `storage.class`). */
export const FORMATS = {
  json: 'io.confluent.connect.s3.format.json.JsonFormat',
  avro: 'io.confluent.connect.s3.format.avro.AvroFormat',
  parquet: 'io.confluent.connect.s3.format.parquet.ParquetFormat',
  bytearray: 'io.confluent.connect.s3.format.bytearray.ByteArrayFormat',
} as const
export type FormatName = keyof typeof FORMATS

const PARTITIONER_PACKAGE = 'io.confluent.connect.storage.partitioner.'
export const PARTITIONERS = {
  default: `${PARTITIONER_PACKAGE}DefaultPartitioner`,
  field: `${PARTITIONER_PACKAGE}FieldPartitioner`,
  time: `${PARTITIONER_PACKAGE}TimeBasedPartitioner`,
  daily: `${PARTITIONER_PACKAGE}DailyPartitioner`,
  hourly: `${PARTITIONER_PACKAGE}HourlyPartitioner`,
} as const
export type PartitionerName = keyof typeof PARTITIONERS

export const S3_STORAGE_CLASS = 'io.confluent.connect.s3.storage.S3Storage'

/** Credentials provider classes that mean "the AWS default chain" (SDK v1 and v2 names). */
const DEFAULT_CREDENTIALS_PROVIDERS = [
  'com.amazonaws.auth.DefaultAWSCredentialsProviderChain',
  'software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider',
]

const TIMESTAMP_EXTRACTORS = ['Wallclock', 'Record', 'RecordField'] as const
export type TimestampExtractorName = (typeof TIMESTAMP_EXTRACTORS)[number]

const MIB = 1024 * 1024

/** One of `names` (full class names), else an error listing them. */
function classIn(what: string, names: readonly string[]): Validator {
  return LambdaValidator.with(
    (name, value) => {
      if (value === null || value === undefined) return
      if (typeof value !== 'string' || !names.includes(value))
        throw invalidConfigValue(name, value, `${what} must be one of: ${names.join(', ')}`)
    },
    () => `[${names.join(', ')}]`,
  )
}

/**
 * For a Confluent key Sluice knows but does not implement: only the default passes, anything else is an
 * error that says so (silently ignoring it would change what the user asked for).
 */
function onlyDefault(dflt: unknown, why: string): Validator {
  return LambdaValidator.with(
    (name, value) => {
      const same =
        Array.isArray(dflt) && Array.isArray(value)
          ? dflt.length === value.length && dflt.every((d, i) => d === value[i])
          : value === dflt
      if (!same)
        throw invalidConfigValue(
          name,
          value,
          `Sluice's S3 sink does not implement ${name} (${why}); remove it or set it to ${JSON.stringify(dflt)}`,
        )
    },
    () => `[${JSON.stringify(dflt)}]`,
  )
}

function timezoneValidator(): Validator {
  return LambdaValidator.with((name, value) => {
    if (value === null || value === '' || typeof value !== 'string') return
    try {
      new Intl.DateTimeFormat('en', { timeZone: value })
    } catch {
      throw invalidConfigValue(name, value, 'Unknown time zone: use an IANA id such as UTC or Europe/Berlin')
    }
  })
}

function localeValidator(): Validator {
  return LambdaValidator.with((name, value) => {
    if (value === null || value === '' || typeof value !== 'string') return
    try {
      new Intl.Locale(value.replace(/_/g, '-'))
    } catch {
      throw invalidConfigValue(name, value, 'Unknown locale: use a tag such as en or en_US')
    }
  })
}

const GROUP_S3 = 'S3'
const GROUP_STORAGE = 'Storage'
const GROUP_PARTITIONER = 'Partitioner'
const GROUP_CONNECTOR = 'Connector'

/**
 * Every key of Confluent's S3 sink (S3SinkConnectorConfig, StorageSinkConnectorConfig,
 * StorageCommonConfig, PartitionerConfig) with Confluent's defaults. Keys whose behaviour Sluice does not
 * implement accept only their default (see {@link onlyDefault}).
 */
export const S3_SINK_CONFIG_DEF: ConfigDef = new ConfigDef()
  // --- S3
  .define({
    name: 's3.bucket.name',
    type: 'STRING',
    validator: new NonEmptyString(),
    importance: 'HIGH',
    group: GROUP_S3,
    documentation: 'The S3 Bucket.',
  })
  .define({
    name: 's3.region',
    type: 'STRING',
    defaultValue: 'us-west-2',
    importance: 'MEDIUM',
    group: GROUP_S3,
    documentation: 'The AWS region to be used the connector.',
  })
  .define({
    name: 'store.url',
    type: 'STRING',
    defaultValue: null,
    importance: 'HIGH',
    group: GROUP_S3,
    documentation:
      'Store URL: an S3-compatible endpoint (e.g. http://127.0.0.1:7070); https:// is added when no scheme is given.',
  })
  .define({
    name: 's3.path.style.access.enabled',
    type: 'BOOLEAN',
    defaultValue: true,
    importance: 'LOW',
    group: GROUP_S3,
    documentation: 'Specifies whether or not to enable path style access to the bucket used by the connector',
  })
  .define({
    name: 'aws.access.key.id',
    type: 'STRING',
    defaultValue: '',
    importance: 'HIGH',
    group: GROUP_S3,
    documentation:
      'The AWS access key ID used to authenticate; empty uses the AWS default credentials chain.',
  })
  .define({
    name: 'aws.secret.access.key',
    type: 'PASSWORD',
    defaultValue: null,
    importance: 'HIGH',
    group: GROUP_S3,
    documentation: 'The secret access key used to authenticate personal AWS credentials.',
  })
  .define({
    name: 's3.credentials.provider.class',
    type: 'CLASS',
    defaultValue: DEFAULT_CREDENTIALS_PROVIDERS[0],
    validator: classIn('The credentials provider', DEFAULT_CREDENTIALS_PROVIDERS),
    importance: 'LOW',
    group: GROUP_S3,
    documentation:
      'Credentials provider used when aws.access.key.id is empty: the AWS default chain (environment, shared files, web identity, container and instance metadata).',
  })
  .define({
    name: 's3.part.size',
    type: 'INT',
    defaultValue: 25 * MIB,
    validator: Range.between(5 * MIB, 2147483647),
    importance: 'HIGH',
    group: GROUP_S3,
    documentation: 'The Part Size in S3 Multi-part Uploads.',
  })
  .define({
    name: 's3.compression.type',
    type: 'STRING',
    defaultValue: 'none',
    validator: ValidString.in('none', 'gzip'),
    importance: 'LOW',
    group: GROUP_S3,
    documentation: 'Compression type for files written to S3 (JSON and ByteArray formats).',
  })
  .define({
    name: 's3.compression.level',
    type: 'INT',
    defaultValue: -1,
    validator: Range.between(-1, 9),
    importance: 'LOW',
    group: GROUP_S3,
    documentation: 'Compression level for s3.compression.type=gzip (-1: the default level).',
  })
  .define({
    name: 's3.part.retries',
    type: 'INT',
    defaultValue: 3,
    validator: Range.atLeast(0),
    importance: 'MEDIUM',
    group: GROUP_S3,
    documentation: 'Maximum number of retry attempts for failed requests to S3.',
  })
  .define({
    name: 's3.retry.backoff.ms',
    type: 'LONG',
    defaultValue: 200,
    validator: Range.atLeast(0),
    importance: 'LOW',
    group: GROUP_S3,
    documentation: 'How long to wait before retrying an S3 request (the SDK backs off from this base).',
  })
  .define({
    name: 's3.acl.canned',
    type: 'STRING',
    defaultValue: null,
    validator: LambdaValidator.with((name, value) => {
      const acls = [
        'private',
        'public-read',
        'public-read-write',
        'authenticated-read',
        'aws-exec-read',
        'bucket-owner-read',
        'bucket-owner-full-control',
        'log-delivery-write',
      ]
      if (value !== null && !acls.includes(value as string))
        throw invalidConfigValue(name, value, `String must be one of: ${acls.join(', ')}`)
    }),
    importance: 'LOW',
    group: GROUP_S3,
    documentation: 'An S3 canned ACL header value to apply when writing objects.',
  })
  .define({
    name: 's3.ssea.name',
    type: 'STRING',
    defaultValue: '',
    validator: ValidString.in('', 'AES256', 'aws:kms'),
    importance: 'LOW',
    group: GROUP_S3,
    documentation: 'The S3 Server Side Encryption Algorithm.',
  })
  .define({
    name: 's3.sse.kms.key.id',
    type: 'STRING',
    defaultValue: '',
    importance: 'LOW',
    group: GROUP_S3,
    documentation: 'The name of the AWS Key Management Service key used for s3.ssea.name=aws:kms.',
  })
  .define({
    name: 's3.sse.customer.key',
    type: 'PASSWORD',
    defaultValue: null,
    validator: onlyDefault(null, 'SSE-C customer keys'),
    importance: 'LOW',
    group: GROUP_S3,
    documentation: 'The S3 Server Side Encryption Customer-Provided Key (SSE-C). Not implemented.',
  })
  .define({
    name: 's3.object.tagging',
    type: 'BOOLEAN',
    defaultValue: false,
    validator: onlyDefault(false, 'object tags'),
    importance: 'LOW',
    group: GROUP_S3,
    documentation: 'Tag S3 objects with start and end offsets and record count. Not implemented.',
  })
  .define({
    name: 's3.wan.mode',
    type: 'BOOLEAN',
    defaultValue: false,
    validator: onlyDefault(false, 'S3 transfer acceleration'),
    importance: 'MEDIUM',
    group: GROUP_S3,
    documentation: 'Use S3 accelerated endpoint. Not implemented.',
  })
  .define({
    name: 's3.proxy.url',
    type: 'STRING',
    defaultValue: '',
    validator: onlyDefault('', 'HTTP proxies'),
    importance: 'LOW',
    group: GROUP_S3,
    documentation: 'S3 Proxy settings encoded in URL syntax. Not implemented.',
  })
  .define({
    name: 's3.elastic.buffer.enable',
    type: 'BOOLEAN',
    defaultValue: false,
    importance: 'LOW',
    group: GROUP_S3,
    documentation:
      "Whether the part buffer grows as needed. Sluice's buffer always grows with the data, up to one part per open object.",
  })
  .define({
    name: 's3.elastic.buffer.init.capacity',
    type: 'INT',
    defaultValue: 128 * 1024,
    validator: Range.atLeast(4096),
    importance: 'LOW',
    group: GROUP_S3,
    documentation: 'Initial capacity of an elastic part buffer (accepted; buffers always grow as needed).',
  })
  .define({
    name: 's3.http.send.expect.continue',
    type: 'BOOLEAN',
    defaultValue: true,
    validator: onlyDefault(true, 'turning off Expect: 100-continue'),
    importance: 'LOW',
    group: GROUP_S3,
    documentation: 'Enable/disable Expect: 100-continue on requests with a body (left to the AWS SDK).',
  })
  .define({
    name: 's3.schema.partition.affix.type',
    type: 'STRING',
    defaultValue: 'NONE',
    validator: onlyDefault('NONE', 'schema-name prefixes or suffixes in object paths'),
    importance: 'LOW',
    group: GROUP_S3,
    documentation: 'Append the record schema name to the partition path (PREFIX/SUFFIX). Not implemented.',
  })
  .define({
    name: 'enable.conditional.writes',
    type: 'BOOLEAN',
    defaultValue: true,
    importance: 'LOW',
    group: GROUP_S3,
    documentation:
      'With rotate.schedule.interval.ms, complete uploads with If-None-Match: * so a rewrite after a crash never replaces an object; on 412 the task resumes after what the object holds.',
  })
  .define({
    name: 'max.files.scan.limit',
    type: 'INT',
    defaultValue: 100,
    validator: Range.atLeast(1),
    importance: 'LOW',
    group: GROUP_S3,
    documentation:
      'Kept for Confluent compatibility: Sluice reads the end offset from the object instead of scanning.',
  })
  // --- formats
  .define({
    name: 'format.class',
    type: 'CLASS',
    validator: classIn('The format class', Object.values(FORMATS)),
    importance: 'HIGH',
    group: GROUP_CONNECTOR,
    documentation: 'The format class to use when writing data to the store.',
  })
  .define({
    name: 'flush.size',
    type: 'INT',
    validator: Range.atLeast(1),
    importance: 'HIGH',
    group: GROUP_CONNECTOR,
    documentation: 'Number of records written to store before invoking file commits.',
  })
  .define({
    name: 'rotate.interval.ms',
    type: 'LONG',
    defaultValue: -1,
    importance: 'HIGH',
    group: GROUP_CONNECTOR,
    documentation:
      "The time interval in milliseconds to invoke file commits, on the record timestamps of the time-based partitioner's extractor.",
  })
  .define({
    name: 'rotate.schedule.interval.ms',
    type: 'LONG',
    defaultValue: -1,
    importance: 'MEDIUM',
    group: GROUP_CONNECTOR,
    documentation:
      'The time interval in milliseconds to periodically invoke file commits, on the wall clock.',
  })
  .define({
    name: 'retry.backoff.ms',
    type: 'LONG',
    defaultValue: 5000,
    validator: Range.atLeast(0),
    importance: 'LOW',
    group: GROUP_CONNECTOR,
    documentation: 'The retry backoff in milliseconds after a retriable failure.',
  })
  .define({
    name: 'filename.offset.zero.pad.width',
    type: 'INT',
    defaultValue: 10,
    validator: Range.atLeast(0),
    importance: 'LOW',
    group: GROUP_CONNECTOR,
    documentation: 'Width to zero-pad offsets in store filenames.',
  })
  .define({
    name: 'behavior.on.null.values',
    type: 'STRING',
    defaultValue: 'fail',
    validator: ValidString.in('fail', 'ignore', 'write'),
    importance: 'LOW',
    group: GROUP_CONNECTOR,
    documentation:
      'How to handle records with a null value: fail (the task), ignore (skip them) or write (their keys, into the tombstone.encoded.partition directory; needs store.kafka.keys=true).',
  })
  .define({
    name: 'tombstone.encoded.partition',
    type: 'STRING',
    defaultValue: 'tombstone',
    validator: new NonEmptyString(),
    importance: 'LOW',
    group: GROUP_CONNECTOR,
    documentation:
      'Output partition (directory below the topic) of tombstones with behavior.on.null.values=write.',
  })
  .define({
    name: 'json.decimal.format',
    type: 'STRING',
    defaultValue: 'BASE64',
    validator: ValidString.in('BASE64', 'NUMERIC'),
    importance: 'LOW',
    group: GROUP_CONNECTOR,
    documentation: 'How JsonFormat writes Decimal values: BASE64 (bytes) or NUMERIC.',
  })
  .define({
    name: 'avro.codec',
    type: 'STRING',
    defaultValue: 'null',
    validator: LambdaValidator.with((name, value) => {
      if (['bzip2', 'xz', 'zstandard'].includes(value as string))
        throw invalidConfigValue(
          name,
          value,
          `Sluice's AvroFormat does not implement ${value}; use null, deflate or snappy`,
        )
      if (!['null', 'deflate', 'snappy'].includes(value as string))
        throw invalidConfigValue(
          name,
          value,
          'String must be one of: null, deflate, snappy, bzip2, xz, zstandard',
        )
    }),
    importance: 'LOW',
    group: GROUP_CONNECTOR,
    documentation: 'The Avro compression codec of AvroFormat files.',
  })
  .define({
    name: 'parquet.codec',
    type: 'STRING',
    defaultValue: 'snappy',
    validator: LambdaValidator.with((name, value) => {
      if (['lz4', 'zstd', 'lzo'].includes(value as string))
        throw invalidConfigValue(
          name,
          value,
          `Sluice's ParquetFormat does not implement ${value}; use none, snappy, gzip or brotli`,
        )
      if (!['none', 'snappy', 'gzip', 'brotli'].includes(value as string))
        throw invalidConfigValue(
          name,
          value,
          'String must be one of: none, snappy, gzip, brotli, lz4, zstd, lzo',
        )
    }),
    importance: 'LOW',
    group: GROUP_CONNECTOR,
    documentation: 'The Parquet compression codec of ParquetFormat files.',
  })
  .define({
    name: 'format.bytearray.extension',
    type: 'STRING',
    defaultValue: '.bin',
    importance: 'LOW',
    group: GROUP_CONNECTOR,
    documentation: 'Output file extension for ByteArrayFormat.',
  })
  .define({
    name: 'format.bytearray.separator',
    type: 'STRING',
    defaultValue: null,
    importance: 'LOW',
    group: GROUP_CONNECTOR,
    documentation: 'String inserted between records for ByteArrayFormat (default: a line separator).',
  })
  .define({
    name: 'store.kafka.keys',
    type: 'BOOLEAN',
    defaultValue: false,
    importance: 'LOW',
    group: GROUP_CONNECTOR,
    documentation: "Also write each file's record keys to a `.keys` file beside it, in keys.format.class.",
  })
  .define({
    name: 'store.kafka.headers',
    type: 'BOOLEAN',
    defaultValue: false,
    importance: 'LOW',
    group: GROUP_CONNECTOR,
    documentation:
      "Also write each file's record headers to a `.headers` file beside it, in headers.format.class.",
  })
  .define({
    name: 'keys.format.class',
    type: 'CLASS',
    defaultValue: FORMATS.avro,
    validator: classIn('The keys format class', Object.values(FORMATS)),
    importance: 'LOW',
    group: GROUP_CONNECTOR,
    documentation: 'The format class of the keys files.',
  })
  .define({
    name: 'headers.format.class',
    type: 'CLASS',
    defaultValue: FORMATS.avro,
    validator: classIn('The headers format class', [FORMATS.avro, FORMATS.json, FORMATS.parquet]),
    importance: 'LOW',
    group: GROUP_CONNECTOR,
    documentation: 'The format class of the headers files.',
  })
  .define({
    name: 'schema.compatibility',
    type: 'STRING',
    defaultValue: 'NONE',
    validator: onlyDefault('NONE', 'schema projection (BACKWARD/FORWARD/FULL)'),
    importance: 'HIGH',
    group: GROUP_CONNECTOR,
    documentation: 'The schema compatibility rule; NONE rotates the file on every schema change.',
  })
  .define({
    name: 'partitioner.max.open.files',
    type: 'INT',
    defaultValue: -1,
    validator: onlyDefault(-1, 'a cap on open partition files'),
    importance: 'LOW',
    group: GROUP_CONNECTOR,
    documentation: 'Maximum open files per topic partition before rotating. Not implemented.',
  })
  .define({
    name: 'rotate.file.on.partition.change',
    type: 'BOOLEAN',
    defaultValue: true,
    importance: 'LOW',
    group: GROUP_CONNECTOR,
    documentation:
      'With rotate.interval.ms, rotate when the encoded partition of consecutive records changes.',
  })
  // --- storage
  .define({
    name: 'storage.class',
    type: 'CLASS',
    validator: classIn('The storage class', [S3_STORAGE_CLASS]),
    importance: 'HIGH',
    group: GROUP_STORAGE,
    documentation: 'The underlying storage layer.',
  })
  .define({
    name: 'topics.dir',
    type: 'STRING',
    defaultValue: 'topics',
    importance: 'HIGH',
    group: GROUP_STORAGE,
    documentation: 'Top level directory to store the data ingested from Kafka.',
  })
  .define({
    name: 'directory.delim',
    type: 'STRING',
    defaultValue: '/',
    importance: 'MEDIUM',
    group: GROUP_STORAGE,
    documentation: 'Directory delimiter pattern',
  })
  .define({
    name: 'file.delim',
    type: 'STRING',
    defaultValue: '+',
    importance: 'MEDIUM',
    group: GROUP_STORAGE,
    documentation: 'File delimiter pattern',
  })
  // --- partitioner
  .define({
    name: 'partitioner.class',
    type: 'CLASS',
    defaultValue: PARTITIONERS.default,
    validator: classIn('The partitioner class', Object.values(PARTITIONERS)),
    importance: 'HIGH',
    group: GROUP_PARTITIONER,
    documentation: 'The partitioner to use when writing data to the store.',
  })
  .define({
    name: 'partition.field.name',
    type: 'LIST',
    defaultValue: '',
    importance: 'MEDIUM',
    group: GROUP_PARTITIONER,
    documentation: 'The record fields used by FieldPartitioner (comma list; nested fields as a.b).',
  })
  .define({
    name: 'partition.duration.ms',
    type: 'LONG',
    defaultValue: -1,
    importance: 'MEDIUM',
    group: GROUP_PARTITIONER,
    documentation: 'The duration of a partition in milliseconds, used by TimeBasedPartitioner.',
  })
  .define({
    name: 'path.format',
    type: 'STRING',
    defaultValue: '',
    importance: 'MEDIUM',
    group: GROUP_PARTITIONER,
    documentation:
      "Joda-Time pattern of the time-based directories, e.g. 'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH.",
  })
  .define({
    name: 'locale',
    type: 'STRING',
    defaultValue: '',
    validator: localeValidator(),
    importance: 'MEDIUM',
    group: GROUP_PARTITIONER,
    documentation: 'The locale to use when partitioning with TimeBasedPartitioner.',
  })
  .define({
    name: 'timezone',
    type: 'STRING',
    defaultValue: '',
    validator: timezoneValidator(),
    importance: 'MEDIUM',
    group: GROUP_PARTITIONER,
    documentation: 'The timezone to use when partitioning with TimeBasedPartitioner.',
  })
  .define({
    name: 'timestamp.extractor',
    type: 'STRING',
    defaultValue: 'Wallclock',
    validator: ValidString.in(...TIMESTAMP_EXTRACTORS),
    importance: 'MEDIUM',
    group: GROUP_PARTITIONER,
    documentation:
      'The extractor that gets the timestamp for records when partitioning with TimeBasedPartitioner.',
  })
  .define({
    name: 'timestamp.field',
    type: 'STRING',
    defaultValue: 'timestamp',
    importance: 'MEDIUM',
    group: GROUP_PARTITIONER,
    documentation: 'The record field to be used as timestamp by the RecordField timestamp extractor.',
  })

/** The parsed configuration of the S3 sink, with the cross-key checks of Confluent's config class. */
export class S3SinkConfig {
  readonly bucketName: string
  readonly region: string
  readonly storeUrl: string | null
  readonly pathStyleAccess: boolean
  readonly accessKeyId: string
  readonly secretAccessKey: string | null
  readonly partSize: number
  readonly compression: 'none' | 'gzip'
  readonly compressionLevel: number
  readonly partRetries: number
  readonly cannedAcl: string | null
  readonly sseAlgorithm: string
  readonly sseKmsKeyId: string
  readonly conditionalWrites: boolean
  readonly format: FormatName
  readonly flushSize: number
  readonly rotateIntervalMs: number
  readonly rotateScheduleIntervalMs: number
  readonly retryBackoffMs: number
  readonly zeroPadWidth: number
  readonly nullValues: 'fail' | 'ignore' | 'write'
  readonly tombstonePartition: string
  readonly decimalFormat: 'BASE64' | 'NUMERIC'
  readonly avroCodec: 'null' | 'deflate' | 'snappy'
  readonly parquetCodec: 'none' | 'snappy' | 'gzip' | 'brotli'
  readonly byteArrayExtension: string
  readonly byteArraySeparator: string
  readonly storeKeys: boolean
  readonly storeHeaders: boolean
  readonly keysFormat: FormatName
  readonly headersFormat: FormatName
  readonly rotateOnPartitionChange: boolean
  readonly topicsDir: string
  readonly directoryDelim: string
  readonly fileDelim: string
  readonly partitioner: PartitionerName
  readonly partitionFields: readonly string[]
  readonly partitionDurationMs: number
  readonly pathFormat: string
  readonly locale: string
  readonly timezone: string
  readonly timestampExtractor: TimestampExtractorName
  readonly timestampField: string

  /** @throws {@link ConfigError} naming every bad key */
  constructor(props: ConnectorProps) {
    const c = new AbstractConfig(S3_SINK_CONFIG_DEF, props)
    const problems = crossChecks(c)
    if (problems.length > 0) {
      const [first] = problems
      throw invalidConfigValue(first!.key, c.get(first!.key), first!.message)
    }
    const num = (k: string) => Number(c.get(k))
    const str = (k: string) => c.getString(k) ?? ''
    this.bucketName = str('s3.bucket.name')
    this.region = str('s3.region')
    this.storeUrl = c.getString('store.url') || null
    this.pathStyleAccess = c.getBoolean('s3.path.style.access.enabled') ?? true
    this.accessKeyId = str('aws.access.key.id')
    this.secretAccessKey = c.getPassword('aws.secret.access.key')?.value() ?? null
    this.partSize = num('s3.part.size')
    this.compression = str('s3.compression.type') as 'none' | 'gzip'
    this.compressionLevel = num('s3.compression.level')
    this.partRetries = num('s3.part.retries')
    this.cannedAcl = c.getString('s3.acl.canned')
    this.sseAlgorithm = str('s3.ssea.name')
    this.sseKmsKeyId = str('s3.sse.kms.key.id')
    this.conditionalWrites = c.getBoolean('enable.conditional.writes') ?? true
    this.format = formatName(c.getClass('format.class') as string)
    this.flushSize = num('flush.size')
    this.rotateIntervalMs = num('rotate.interval.ms')
    this.rotateScheduleIntervalMs = num('rotate.schedule.interval.ms')
    this.retryBackoffMs = num('retry.backoff.ms')
    this.zeroPadWidth = num('filename.offset.zero.pad.width')
    this.nullValues = str('behavior.on.null.values') as S3SinkConfig['nullValues']
    this.tombstonePartition = str('tombstone.encoded.partition')
    this.decimalFormat = str('json.decimal.format') as 'BASE64' | 'NUMERIC'
    this.avroCodec = str('avro.codec') as S3SinkConfig['avroCodec']
    this.parquetCodec = str('parquet.codec') as S3SinkConfig['parquetCodec']
    this.byteArrayExtension = str('format.bytearray.extension')
    this.byteArraySeparator = c.getString('format.bytearray.separator') ?? '\n'
    this.storeKeys = c.getBoolean('store.kafka.keys') ?? false
    this.storeHeaders = c.getBoolean('store.kafka.headers') ?? false
    this.keysFormat = formatName(c.getClass('keys.format.class') as string)
    this.headersFormat = formatName(c.getClass('headers.format.class') as string)
    this.rotateOnPartitionChange = c.getBoolean('rotate.file.on.partition.change') ?? true
    this.topicsDir = str('topics.dir')
    this.directoryDelim = str('directory.delim')
    this.fileDelim = str('file.delim')
    const partitionerClass = c.getClass('partitioner.class') as string
    this.partitioner = (Object.keys(PARTITIONERS) as PartitionerName[]).find(
      (k) => PARTITIONERS[k] === partitionerClass,
    )!
    this.partitionFields = c.getList('partition.field.name') ?? []
    this.partitionDurationMs = num('partition.duration.ms')
    this.pathFormat = str('path.format')
    this.locale = str('locale')
    this.timezone = str('timezone')
    this.timestampExtractor = str('timestamp.extractor') as TimestampExtractorName
    this.timestampField = str('timestamp.field')
  }

  /** Whether the partitioner is one of the time-based ones (which have a timestamp extractor). */
  get timeBased(): boolean {
    return this.partitioner === 'time' || this.partitioner === 'daily' || this.partitioner === 'hourly'
  }
}

function formatName(cls: string): FormatName {
  return (Object.keys(FORMATS) as FormatName[]).find((k) => FORMATS[k] === cls)!
}

interface Problem {
  readonly key: string
  readonly message: string
}

/** Checks between keys (Confluent's partitioner and rotation checks), on values that parsed. */
function crossChecks(c: AbstractConfig): Problem[] {
  const out: Problem[] = []
  const partitioner = c.getClass('partitioner.class')
  const timeBased = [PARTITIONERS.time, PARTITIONERS.daily, PARTITIONERS.hourly].includes(
    partitioner as never,
  )
  if (partitioner === PARTITIONERS.field && (c.getList('partition.field.name') ?? []).length === 0)
    out.push({
      key: 'partition.field.name',
      message: 'FieldPartitioner needs partition.field.name: the record field(s) to partition by',
    })
  if (timeBased) {
    if (partitioner === PARTITIONERS.time) {
      if (Number(c.get('partition.duration.ms')) <= 0)
        out.push({
          key: 'partition.duration.ms',
          message:
            'Partition duration needs to be a positive number of milliseconds for TimeBasedPartitioner',
        })
      if ((c.getString('path.format') ?? '').trim() === '')
        out.push({
          key: 'path.format',
          message: "Path format cannot be empty: give a Joda pattern such as 'year'=YYYY/'month'=MM/'day'=dd",
        })
    }
    if ((c.getString('locale') ?? '') === '')
      out.push({ key: 'locale', message: 'Locale cannot be empty for a time-based partitioner (e.g. en_US)' })
    if ((c.getString('timezone') ?? '') === '')
      out.push({
        key: 'timezone',
        message: 'Timezone cannot be empty for a time-based partitioner (e.g. UTC)',
      })
  }
  if (Number(c.get('rotate.schedule.interval.ms')) > 0 && (c.getString('timezone') ?? '') === '')
    out.push({
      key: 'timezone',
      message: 'Timezone cannot be empty when using scheduled file rotation (rotate.schedule.interval.ms)',
    })
  if (c.getString('behavior.on.null.values') === 'write' && !c.getBoolean('store.kafka.keys'))
    out.push({
      key: 'behavior.on.null.values',
      message: 'behavior.on.null.values=write stores the keys of tombstones: set store.kafka.keys=true',
    })
  if (c.getBoolean('store.kafka.headers') && c.getClass('headers.format.class') === FORMATS.parquet)
    out.push({
      key: 'headers.format.class',
      message: "Sluice's S3 sink writes headers files in AvroFormat or JsonFormat only",
    })
  return out
}

/**
 * Validation as `Connector.validate` reports it: the def's per-key results plus the cross-key checks,
 * each on its key.
 */
export function validateS3SinkConfig(props: ConnectorProps): ConfigValue[] {
  const values = S3_SINK_CONFIG_DEF.validate(props)
  if (values.some((v) => v.errorMessages.length > 0)) return values
  for (const p of crossChecks(new AbstractConfig(S3_SINK_CONFIG_DEF, props)))
    values.find((v) => v.name === p.key)?.addErrorMessage(p.message)
  return values
}
