import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { crc32, gunzipSync, inflateRaw } from 'node:zlib'
import {
  Decimal,
  DecimalLogical,
  SchemaBuilder,
  Schemas,
  type SinkRecord,
  Struct,
  sinkRecord,
  TimestampLogical,
} from '@sluice/api'
import avro from 'avsc'
import { parquetReadObjects, snappyUncompress } from 'hyparquet'
import {
  createPartitioner,
  JodaFormatter,
  javaDouble,
  javaFloat,
  nextScheduledRotation,
  S3_SINK_CONFIG_DEF,
  S3SinkConfig,
  S3SinkConnector,
  S3SinkTask,
  S3Storage,
  toJson,
} from '../src/index.js'
import { FakeS3, fakeContext } from './fake-s3.js'

const SEED = {
  'connector.class': 'io.confluent.connect.s3.S3SinkConnector',
  topics: 'dbserver1.inventory.customers',
  's3.bucket.name': 'my-data-lake',
  's3.region': 'us-east-1',
  'format.class': 'io.confluent.connect.s3.format.json.JsonFormat',
  'flush.size': '1000',
  'storage.class': 'io.confluent.connect.s3.storage.S3Storage',
}

const errorsOf = (props: Record<string, string>) =>
  Object.fromEntries(
    new S3SinkConnector()
      .validate(props)
      .filter((v) => v.errorMessages.length > 0)
      .map((v) => [v.name, v.errorMessages.join('; ')]),
  )

describe('S3 sink config', () => {
  it('accepts the seed config verbatim, with Confluent defaults', () => {
    assert.deepEqual(errorsOf(SEED), {})
    const c = new S3SinkConfig(SEED)
    assert.equal(c.topicsDir, 'topics')
    assert.equal(c.partSize, 25 * 1024 * 1024)
    assert.equal(c.zeroPadWidth, 10)
    assert.equal(c.partitioner, 'default')
    assert.equal(c.nullValues, 'fail')
    assert.equal(c.pathStyleAccess, true)
    assert.equal(S3_SINK_CONFIG_DEF.configKey('s3.region')?.defaultValue, 'us-west-2')
  })

  it('names the key and the fix for bad or unimplemented values', () => {
    const { 's3.bucket.name': _b, ...noBucket } = SEED
    assert.match(errorsOf(noBucket)['s3.bucket.name'] ?? '', /Missing required configuration/)
    assert.match(errorsOf({ ...SEED, 'format.class': 'x.Y' })['format.class'] ?? '', /must be one of/)
    assert.match(errorsOf({ ...SEED, 's3.part.size': '1000' })['s3.part.size'] ?? '', /at least 5242880/)
    assert.match(
      errorsOf({ ...SEED, 'schema.compatibility': 'BACKWARD' })['schema.compatibility'] ?? '',
      /does not implement schema.compatibility/,
    )
    assert.match(
      errorsOf({ ...SEED, 's3.object.tagging': 'true' })['s3.object.tagging'] ?? '',
      /does not implement/,
    )
    assert.match(
      errorsOf({ ...SEED, 'behavior.on.null.values': 'write' })['behavior.on.null.values'] ?? '',
      /set store.kafka.keys=true/,
    )
    const time = {
      ...SEED,
      'partitioner.class': 'io.confluent.connect.storage.partitioner.TimeBasedPartitioner',
    }
    const e = errorsOf(time)
    assert.match(e['partition.duration.ms'] ?? '', /positive/)
    assert.match(e['path.format'] ?? '', /cannot be empty/)
    assert.match(e.locale ?? '', /cannot be empty/)
    assert.match(e.timezone ?? '', /cannot be empty/)
    assert.match(errorsOf({ ...SEED, 'rotate.schedule.interval.ms': '1000' }).timezone ?? '', /scheduled/)
    assert.match(errorsOf({ ...SEED, timezone: 'Mars/Olympus' }).timezone ?? '', /Unknown time zone/)
    assert.throws(() => new S3SinkConfig({ ...SEED, 'flush.size': '0' }), /flush.size/)
  })
})

function rec(offset: number, value: unknown, init: Partial<SinkRecord> = {}): SinkRecord {
  return sinkRecord({
    topic: 't',
    kafkaPartition: 0,
    kafkaOffset: offset,
    value,
    valueSchema: init.valueSchema ?? null,
    timestamp: init.timestamp ?? 1_764_760_000_000,
    ...(init.key !== undefined ? { key: init.key, keySchema: init.keySchema ?? null } : {}),
    ...(init.headers !== undefined ? { headers: init.headers } : {}),
  })
}

describe('partitioners and paths', () => {
  const cfg = (extra: Record<string, string>) => new S3SinkConfig({ ...SEED, ...extra })

  it('Hourly/Daily/TimeBased render Joda paths in the time zone', () => {
    const ts = Date.UTC(2026, 11, 3, 23, 45, 12)
    const hourly = createPartitioner(
      cfg({
        'partitioner.class': 'io.confluent.connect.storage.partitioner.HourlyPartitioner',
        locale: 'en_US',
        timezone: 'UTC',
        'timestamp.extractor': 'Record',
      }),
    )
    assert.equal(
      hourly.encodePartition(rec(0, {}, { timestamp: ts }), 0),
      'year=2026/month=12/day=03/hour=23',
    )
    const daily = createPartitioner(
      cfg({
        'partitioner.class': 'io.confluent.connect.storage.partitioner.DailyPartitioner',
        locale: 'en',
        timezone: 'Asia/Tokyo',
        'timestamp.extractor': 'Record',
      }),
    )
    assert.equal(daily.encodePartition(rec(0, {}, { timestamp: ts }), 0), 'year=2026/month=12/day=04')
    const custom = createPartitioner(
      cfg({
        'partitioner.class': 'io.confluent.connect.storage.partitioner.TimeBasedPartitioner',
        'partition.duration.ms': String(15 * 60_000),
        'path.format': "YYYY-MM-dd'T'HH-mm",
        locale: 'en',
        timezone: 'America/Los_Angeles',
        'timestamp.extractor': 'RecordField',
        'timestamp.field': 'meta.at',
      }),
    )
    assert.equal(custom.encodePartition(rec(0, { meta: { at: ts } }), 0), '2026-12-03T15-45')
    assert.equal(
      custom.encodePartition(rec(0, { meta: { at: '2026-12-03T23:29:59Z' } }), 0),
      '2026-12-03T15-15',
    )
    assert.throws(() => custom.encodePartition(rec(0, { other: 1 }), 0), /timestamp.field/)
    const wall = createPartitioner(
      cfg({
        'partitioner.class': 'io.confluent.connect.storage.partitioner.HourlyPartitioner',
        locale: 'en',
        timezone: 'UTC',
      }),
    )
    assert.equal(
      wall.encodePartition(rec(0, {}), Date.UTC(2027, 0, 1, 5)),
      'year=2027/month=01/day=01/hour=05',
    )
    assert.equal(new JodaFormatter("'y'=yy MMM E", 'UTC', 'en').format(ts), 'y=26 Dec Thu')
    assert.throws(() => new JodaFormatter('YYYY-QQ', 'UTC', 'en'), /letter 'Q'/)
  })

  it('FieldPartitioner uses struct and map fields; Default uses the Kafka partition', () => {
    const schema = SchemaBuilder.struct().field('region', Schemas.STRING).field('n', Schemas.INT32).build()
    const field = createPartitioner(
      cfg({
        'partitioner.class': 'io.confluent.connect.storage.partitioner.FieldPartitioner',
        'partition.field.name': 'region,n',
      }),
    )
    const r = rec(0, new Struct(schema).put('region', 'eu').put('n', 7), { valueSchema: schema })
    assert.equal(field.encodePartition(r, 0), 'region=eu/n=7')
    assert.equal(field.partitionedPath('t', 'region=eu/n=7'), 't/region=eu/n=7')
    assert.equal(field.encodePartition(rec(0, { region: null, n: 1 }), 0), 'region=null/n=1')
    assert.throws(
      () => field.encodePartition(rec(0, { region: [1], n: 1 }), 0),
      /not an integer, string or boolean/,
    )
    assert.equal(createPartitioner(cfg({})).encodePartition(rec(0, 'x'), 0), 'partition=0')
  })

  it('schedules rotation at interval multiples since local midnight, never past the next midnight', () => {
    const base = Date.UTC(2026, 11, 3, 0, 0, 0)
    assert.equal(nextScheduledRotation(base + 3_700_000, 3_600_000, 'UTC'), base + 7_200_000)
    assert.equal(nextScheduledRotation(base + 23.5 * 3_600_000, 7 * 3_600_000, 'UTC'), base + 86_400_000)
  })
})

describe('JsonFormat encoding', () => {
  it("writes Java's number formats, payloads in schema order and Decimal per json.decimal.format", () => {
    assert.equal(javaDouble(1), '1.0')
    assert.equal(javaDouble(1e7), '1.0E7')
    assert.equal(javaDouble(0.0001), '1.0E-4')
    assert.equal(javaDouble(123.5), '123.5')
    assert.equal(javaFloat(0.1), '0.1')
    const dec = DecimalLogical.builder(2).optional().build()
    const s = SchemaBuilder.struct()
      .field('id', Schemas.INT64)
      .field('price', dec)
      .field('at', TimestampLogical.SCHEMA)
      .field('ratio', Schemas.FLOAT64)
      .field('tags', SchemaBuilder.array(Schemas.STRING).build())
      .field('note', Schemas.OPTIONAL_STRING)
      .build()
    const v = new Struct(s)
      .put('id', 9007199254740993n)
      .put('price', Decimal.fromString('12.34'))
      .put('at', new Date(1000))
      .put('ratio', 2)
      .put('tags', ['a', 'é'])
    assert.equal(
      toJson({ decimalFormat: 'BASE64' }, s, v),
      '{"id":9007199254740993,"price":"BNI=","at":1000,"ratio":2.0,"tags":["a","é"],"note":null}',
    )
    assert.match(toJson({ decimalFormat: 'NUMERIC' }, s, v), /"price":12.34/)
    assert.equal(
      toJson({ decimalFormat: 'BASE64' }, null, { a: [1, 2.5, null], b: true }),
      '{"a":[1,2.5,null],"b":true}',
    )
  })
})

const USER = SchemaBuilder.struct()
  .name('com.example.User')
  .field('id', Schemas.INT32)
  .field('name', Schemas.STRING)
  .field('score', Schemas.OPTIONAL_FLOAT64)
  .field('born', TimestampLogical.builder().optional().build())
  .build()
const user = (id: number) =>
  new Struct(USER)
    .put('id', id)
    .put('name', `user-${id}`)
    .put('score', id % 2 === 0 ? id / 4 : null)
    .put('born', new Date(id * 1000))

async function runTask(
  props: Record<string, string>,
  steps: (task: S3SinkTask, clock: { now: number }) => Promise<void>,
) {
  const fake = new FakeS3()
  const clock = { now: Date.UTC(2026, 11, 3, 12, 0, 0) }
  const task = new S3SinkTask({ clock: () => clock.now, storage: (c) => new S3Storage(c, fake.client) })
  const context = fakeContext([{ topic: 't', partition: 0 }])
  task.initialize(context)
  await task.start({ ...SEED, topics: 't', ...props })
  await steps(task, clock)
  await task.stop()
  return { fake, context }
}

const signal = new AbortController().signal

/** Avro's snappy codec for the reader: snappy data then the big-endian CRC-32 of the uncompressed bytes. */
function avroSnappy(buf: Buffer, cb: (err: Error | null, out?: Buffer) => void): void {
  const data = buf.subarray(0, buf.length - 4)
  let length = 0
  for (let i = 0, shift = 0; ; i++, shift += 7) {
    length |= (data[i]! & 0x7f) << shift
    if ((data[i]! & 0x80) === 0) break
  }
  const out = new Uint8Array(length)
  snappyUncompress(data, out)
  if (crc32(out) !== buf.readUInt32BE(buf.length - 4)) cb(new Error('snappy block CRC mismatch'))
  else cb(null, Buffer.from(out))
}

describe('S3SinkTask rotation and commits', () => {
  it('flush.size: one object per N records named by start offset; preCommit reports only completed objects', async () => {
    const { fake } = await runTask({ 'flush.size': '3' }, async (task) => {
      await task.put(
        [0, 1, 2, 3, 4, 5, 6].map((o) => rec(o, { n: o })),
        signal,
      )
      assert.deepEqual(await task.preCommit([]), [{ topic: 't', partition: 0, offset: 6 }])
      assert.deepEqual(await task.preCommit([]), [{ topic: 't', partition: 0, offset: 6 }], 'reported again')
    })
    assert.deepEqual(fake.keys(), [
      'topics/t/partition=0/t+0+0000000000.json',
      'topics/t/partition=0/t+0+0000000003.json',
    ])
    assert.equal(fake.text('topics/t/partition=0/t+0+0000000003.json'), '{"n":3}\n{"n":4}\n{"n":5}\n')
    assert.equal(fake.uploads.size, 0, 'the open file (offset 6) was aborted at stop')
    assert.ok(fake.commands.includes('CreateMultipartUpload'), 'every object is a multipart upload')
  })

  it('rotate.interval.ms on record time; schema changes rotate too; topics.dir and delimiters apply', async () => {
    const hour = Date.UTC(2026, 11, 3, 10)
    const { fake } = await runTask(
      {
        'flush.size': '100',
        'rotate.interval.ms': '60000',
        'partitioner.class': 'io.confluent.connect.storage.partitioner.HourlyPartitioner',
        'timestamp.extractor': 'Record',
        locale: 'en',
        timezone: 'UTC',
        'topics.dir': 'lake',
        'file.delim': '-',
        'filename.offset.zero.pad.width': '4',
      },
      async (task) => {
        const at = (o: number, s: number) =>
          rec(o, user(o), { valueSchema: USER, timestamp: hour + s * 1000 })
        await task.put([at(0, 0), at(1, 30), at(2, 59), at(3, 61), at(4, 62)], signal)
        await task.put([rec(5, { schemaless: true }, { timestamp: hour + 63_000 })], signal)
        await task.put([at(6, 64)], signal)
        assert.deepEqual(await task.preCommit([]), [{ topic: 't', partition: 0, offset: 6 }])
      },
    )
    const dir = 'lake/t/year=2026/month=12/day=03/hour=10/'
    assert.deepEqual(fake.keys(), [`${dir}t-0-0000.json`, `${dir}t-0-0003.json`, `${dir}t-0-0005.json`])
    assert.equal(
      fake.text(`${dir}t-0-0003.json`),
      '{"id":3,"name":"user-3","score":null,"born":3000}\n{"id":4,"name":"user-4","score":1.0,"born":4000}\n',
    )
  })

  it('rotate.schedule.interval.ms on the injected clock, also when no records arrive', async () => {
    const { fake } = await runTask(
      { 'flush.size': '100', 'rotate.schedule.interval.ms': '60000', timezone: 'UTC' },
      async (task, clock) => {
        await task.put([rec(0, 'a'), rec(1, 'b')], signal)
        assert.deepEqual(await task.preCommit([]), [])
        clock.now += 60_000
        assert.deepEqual(await task.preCommit([]), [{ topic: 't', partition: 0, offset: 2 }])
      },
    )
    assert.deepEqual(fake.keys(), ['topics/t/partition=0/t+0+0000000000.json'])
    assert.equal(
      fake.objects.get('topics/t/partition=0/t+0+0000000000.json')?.metadata['sluice-end-offset'],
      '1',
    )
  })

  it('a conditional write that meets an existing object resumes after the offsets the object holds', async () => {
    const fake = new FakeS3()
    fake.objects.set('topics/t/partition=0/t+0+0000000000.json', {
      body: Buffer.from('"a"\n"b"\n"c"\n'),
      metadata: { 'sluice-end-offset': '2' },
      parts: 1,
    })
    const task = new S3SinkTask({ clock: () => 0, storage: (c) => new S3Storage(c, fake.client) })
    const context = fakeContext([{ topic: 't', partition: 0 }])
    task.initialize(context)
    await task.start({
      ...SEED,
      topics: 't',
      'flush.size': '2',
      'rotate.schedule.interval.ms': '3600000',
      timezone: 'UTC',
    })
    await task.put([rec(0, 'a'), rec(1, 'b'), rec(2, 'c'), rec(3, 'd')], signal)
    assert.deepEqual(context.rewinds, [{ topic: 't', partition: 0, offset: 3 }])
    assert.deepEqual(await task.preCommit([]), [{ topic: 't', partition: 0, offset: 3 }])
    // A batch fetched before the seek (offsets past everything seen) is skipped; the refetch from 3 is not.
    await task.put([rec(4, 'e'), rec(5, 'f')], signal)
    await task.put([rec(3, 'd'), rec(4, 'e')], signal)
    assert.equal(fake.text('topics/t/partition=0/t+0+0000000000.json'), '"a"\n"b"\n"c"\n', 'never replaced')
    assert.equal(fake.text('topics/t/partition=0/t+0+0000000003.json'), '"d"\n"e"\n')
    await task.stop()
  })

  it('null values fail by default, or are skipped with behavior.on.null.values=ignore', async () => {
    await runTask({ 'flush.size': '1' }, async (task) => {
      await assert.rejects(task.put([rec(0, null)], signal), /Null valued records are not writeable.*t-0@0/)
    })
    const { fake } = await runTask(
      { 'flush.size': '1', 'behavior.on.null.values': 'ignore' },
      async (task) => {
        await task.put([rec(0, null), rec(1, 'x')], signal)
      },
    )
    assert.deepEqual(fake.keys(), ['topics/t/partition=0/t+0+0000000001.json'])
  })

  it('behavior.on.null.values=write puts the keys of tombstones into the tombstone partition', async () => {
    const { fake } = await runTask(
      {
        'flush.size': '3',
        'behavior.on.null.values': 'write',
        'store.kafka.keys': 'true',
        'keys.format.class': 'io.confluent.connect.s3.format.json.JsonFormat',
      },
      async (task) => {
        const k = (o: number, v: unknown) => rec(o, v, { key: `k${o}`, keySchema: Schemas.STRING })
        await task.put([k(0, 'a'), k(1, null), k(2, 'c')], signal)
      },
    )
    assert.deepEqual(fake.keys(), [
      'topics/t/partition=0/t+0+0000000000.json',
      'topics/t/partition=0/t+0+0000000000.keys.json',
      'topics/t/tombstone/t+0+0000000001.keys.json',
    ])
    assert.equal(fake.text('topics/t/partition=0/t+0+0000000000.json'), '"a"\n"c"\n')
    assert.equal(fake.text('topics/t/tombstone/t+0+0000000001.keys.json'), '"k1"\n')
  })

  it('gzip, multipart parts of s3.part.size, keys and headers files', async () => {
    const big = 'x'.repeat(1024 * 1024)
    const { fake } = await runTask(
      {
        'flush.size': '7',
        's3.compression.type': 'none',
        's3.part.size': String(5 * 1024 * 1024),
        'store.kafka.keys': 'true',
        'store.kafka.headers': 'true',
        'keys.format.class': 'io.confluent.connect.s3.format.json.JsonFormat',
        'headers.format.class': 'io.confluent.connect.s3.format.json.JsonFormat',
      },
      async (task) => {
        const records = [0, 1, 2, 3, 4, 5, 6].map((o) => {
          const r = rec(o, big, { key: `k${o}`, keySchema: Schemas.STRING })
          r.headers.addString('h', `v${o}`)
          return r
        })
        await task.put(records, signal)
      },
    )
    const base = 'topics/t/partition=0/t+0+0000000000'
    assert.equal(fake.objects.get(`${base}.json`)?.parts, 2, '7 MiB in parts of 5 MiB')
    assert.equal(fake.text(`${base}.keys.json`).split('\n')[6], '"k6"')
    assert.equal(fake.text(`${base}.headers.json`).split('\n')[0], '[{"key":"h","value":"v0"}]')

    const gz = await runTask({ 'flush.size': '2', 's3.compression.type': 'gzip' }, async (task) => {
      await task.put([rec(0, 'a'), rec(1, { b: 1 })], signal)
    })
    const key = 'topics/t/partition=0/t+0+0000000000.json.gz'
    assert.equal(gunzipSync(gz.fake.objects.get(key)!.body).toString(), '"a"\n{"b":1}\n')
  })

  it('FieldPartitioner keeps one open file per field value and a rotation commits them all', async () => {
    const { fake } = await runTask(
      {
        'flush.size': '4',
        'partitioner.class': 'io.confluent.connect.storage.partitioner.FieldPartitioner',
        'partition.field.name': 'region',
      },
      async (task) => {
        const regions = ['eu', 'us', 'eu', 'eu', 'us', 'ap']
        await task.put(
          regions.map((region, o) => rec(o, { region, o })),
          signal,
        )
        assert.deepEqual(await task.preCommit([]), [{ topic: 't', partition: 0, offset: 4 }])
      },
    )
    assert.deepEqual(fake.keys(), [
      'topics/t/region=eu/t+0+0000000000.json',
      'topics/t/region=us/t+0+0000000001.json',
    ])
    assert.equal(
      fake.text('topics/t/region=eu/t+0+0000000000.json'),
      '{"region":"eu","o":0}\n{"region":"eu","o":2}\n{"region":"eu","o":3}\n',
    )
  })

  it('ByteArrayFormat writes the raw bytes with format.bytearray.separator and .extension', async () => {
    const { fake } = await runTask(
      {
        'flush.size': '2',
        'format.class': 'io.confluent.connect.s3.format.bytearray.ByteArrayFormat',
        'format.bytearray.extension': '.raw',
        'format.bytearray.separator': '|',
      },
      async (task) => {
        await task.put(
          [
            rec(0, Buffer.from([0, 1, 2]), { valueSchema: Schemas.BYTES }),
            rec(1, Buffer.from('hé'), { valueSchema: Schemas.BYTES }),
          ],
          signal,
        )
        await assert.rejects(
          task.put([rec(2, 'text', { valueSchema: Schemas.STRING })], signal),
          /ByteArrayFormat needs BYTES data.*t-0@2/,
        )
      },
    )
    assert.deepEqual(
      fake.objects.get('topics/t/partition=0/t+0+0000000000.raw')?.body,
      Buffer.from([0, 1, 2, 0x7c, 0x68, 0xc3, 0xa9, 0x7c]),
    )
  })

  it('AvroFormat writes object container files readable by avsc; ParquetFormat files readable by hyparquet', async () => {
    for (const codec of ['null', 'deflate', 'snappy']) {
      const { fake } = await runTask(
        {
          'flush.size': '3',
          'format.class': 'io.confluent.connect.s3.format.avro.AvroFormat',
          'avro.codec': codec,
        },
        async (task) => {
          await task.put(
            [0, 1, 2].map((o) => rec(o, user(o), { valueSchema: USER })),
            signal,
          )
        },
      )
      const body = fake.objects.get('topics/t/partition=0/t+0+0000000000.avro')!.body
      const rows: unknown[] = []
      await new Promise<void>((resolve, reject) => {
        const decoder = new avro.streams.BlockDecoder({
          codecs: {
            null: (b: Buffer, cb: (e: Error | null, o?: Buffer) => void) => cb(null, b),
            deflate: inflateRaw,
            snappy: avroSnappy,
          },
        })
        decoder
          .on('data', (r: unknown) => rows.push(r))
          .on('end', resolve)
          .on('error', reject)
        decoder.end(body)
      })
      assert.deepEqual(
        { ...(rows[1] as object) },
        { id: 1, name: 'user-1', score: null, born: 1000 },
        `codec ${codec}`,
      )
    }
    for (const [codec, ext] of [
      ['snappy', '.snappy.parquet'],
      ['gzip', '.gz.parquet'],
      ['none', '.parquet'],
    ] as const) {
      const { fake } = await runTask(
        {
          'flush.size': '3',
          'format.class': 'io.confluent.connect.s3.format.parquet.ParquetFormat',
          'parquet.codec': codec,
        },
        async (task) => {
          await task.put(
            [0, 1, 2].map((o) => rec(o, user(o), { valueSchema: USER })),
            signal,
          )
        },
      )
      const body = fake.objects.get(`topics/t/partition=0/t+0+0000000000${ext}`)!.body
      const file = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer
      const rows = await parquetReadObjects({
        file,
        compressors: { GZIP: (input: Uint8Array) => gunzipSync(input) },
      })
      assert.equal(rows.length, 3)
      assert.equal(rows[2]?.name, 'user-2')
      assert.equal(rows[2]?.score, 0.5)
    }
  })
})
