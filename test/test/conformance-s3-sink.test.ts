import type { S3Client } from '@aws-sdk/client-s3'
import { SchemaBuilder, Schemas, Struct } from '@sluice/api'
import { sinkConformance } from '@sluice/testkit'
import { ensureBroker } from '../src/broker.js'
import { ensureS3, freshBucket, getObject, listKeys, s3Client, s3SinkProps } from '../src/s3.js'

// The testkit's sink conformance suite for the S3 sink, against the local S3 server: one bucket per test,
// JsonFormat, objects of up to 200 records rotated every second on the wall clock (so the last records
// of a phase are written too). Scheduled rotation is not deterministic, so this also exercises the
// conditional writes (If-None-Match: *) and the resume after an object that already exists.

/** Record values are structs, so JsonFormat writes JsonConverter payloads (schema field order). */
const VALUE = SchemaBuilder.struct()
  .name('conformance.Row')
  .field('seq', Schemas.INT32)
  .field('text', Schemas.STRING)
  .field('even', Schemas.OPTIONAL_BOOLEAN)
  .build()

/** Row `seq` as the sink must write it: unique, with JSON-special and multi-byte text, nulls. */
function row(seq: number): { seq: number; text: string; even: boolean | null } {
  const text = seq % 50 === 7 ? `"quoted" \\ back\tslash é ü 漢字 😀 {"json":[1,2]}` : `row ${seq % 89}`
  return { seq, text, even: seq % 3 === 0 ? null : seq % 2 === 0 }
}

/** Reads every object's lines in key order (offsets are zero-padded, so per partition that is offset order). */
class BucketReader {
  readonly #client: S3Client
  readonly #bucket: string
  /** Objects never change once complete (a rewrite has the same bytes), so each is fetched once. */
  readonly #lines = new Map<string, unknown[]>()

  constructor(client: S3Client, bucket: string) {
    this.#client = client
    this.#bucket = bucket
  }

  async read(): Promise<unknown[]> {
    const out: unknown[] = []
    for (const key of await listKeys(this.#client, this.#bucket)) {
      let lines = this.#lines.get(key)
      if (lines === undefined) {
        const text = (await getObject(this.#client, this.#bucket, key)).toString('utf8')
        lines = text
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => JSON.parse(l) as unknown)
        this.#lines.set(key, lines)
      }
      out.push(...lines)
    }
    return out
  }
}

let client: S3Client | undefined

sinkConformance({
  name: 'S3SinkConnector',
  connectorClass: 'io.confluent.connect.s3.S3SinkConnector',
  bootstrapServers: ensureBroker,
  timeoutMs: 60_000,
  fixture: async ({ topic, id }) => {
    const s3 = ensureS3()
    client ??= s3Client(s3)
    const bucket = await freshBucket(client, `conf-${id}`.slice(0, 40))
    const reader = new BucketReader(client, bucket)
    return {
      config: {
        topics: topic,
        'tasks.max': '1',
        's3.bucket.name': bucket,
        ...s3SinkProps(s3),
        'format.class': 'io.confluent.connect.s3.format.json.JsonFormat',
        'flush.size': '200',
        'rotate.schedule.interval.ms': '1000',
        timezone: 'UTC',
      },
      record: (seq) => {
        const r = row(seq)
        return {
          key: `k${seq}`,
          keySchema: Schemas.STRING,
          value: new Struct(VALUE).put('seq', r.seq).put('text', r.text).put('even', r.even),
          valueSchema: VALUE,
        }
      },
      expected: (seq) => row(seq),
      read: () => reader.read(),
    }
  },
  // Open files are aborted on stop (Confluent's behaviour): their records come again after a restart.
  commitsAllOnStop: false,
  badConfigs: [
    {
      description: 's3.bucket.name missing',
      props: ({ 's3.bucket.name': _b, ...rest }) => rest,
      key: 's3.bucket.name',
    },
    {
      description: 'format.class not one of the four formats',
      props: (valid) => ({ ...valid, 'format.class': 'io.confluent.connect.s3.format.csv.CsvFormat' }),
      key: 'format.class',
      fix: /must be one of: io\.confluent\.connect\.s3\.format\.json\.JsonFormat/,
    },
    {
      description: 'a key Sluice does not implement (schema.compatibility=BACKWARD)',
      props: (valid) => ({ ...valid, 'schema.compatibility': 'BACKWARD' }),
      key: 'schema.compatibility',
      fix: /does not implement schema\.compatibility/,
    },
    {
      description: 'TimeBasedPartitioner without path.format',
      props: (valid) => ({
        ...valid,
        'partitioner.class': 'io.confluent.connect.storage.partitioner.TimeBasedPartitioner',
        'partition.duration.ms': '3600000',
        locale: 'en',
        timezone: 'UTC',
      }),
      key: 'path.format',
      fix: /Joda pattern/,
    },
    {
      description: 'a bucket that does not exist',
      props: (valid) => ({ ...valid, 's3.bucket.name': 'no-such-bucket-sluice' }),
      key: 's3.bucket.name',
      rejectedBy: 'start',
      trace: /Non-existent S3 bucket: no-such-bucket-sluice/,
    },
  ],
})
