import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { S3Client } from '@aws-sdk/client-s3'
import { KafkaAdmin } from '@sluice/kafka'
import { InputProducer, type OutgoingRecord } from '@sluice/testkit'
import avro from 'avsc'
import { ensureBroker, uniqueTopic } from '../src/broker.js'
import { readWithPyarrow } from '../src/pyarrow.js'
import { ensureS3, freshBucket, getObject, listKeys, s3Client, s3SinkProps } from '../src/s3.js'
import { startStandalone, type Worker, waitUntil } from '../src/standalone.js'

// The S3 sink end to end: `sluice standalone` with Confluent's config keys, the real broker, the local
// S3 server (versitygw), objects read back with pyarrow (an independent reader) and compared with what
// was produced; then kill -9 of the worker mid-stream, repeated, and the bucket holds every record once.

const VALUE_SCHEMA = {
  type: 'struct',
  name: 'inventory.customers.Value',
  optional: false,
  fields: [
    { field: 'id', type: 'int32', optional: false },
    { field: 'first_name', type: 'string', optional: false },
    { field: 'email', type: 'string', optional: true },
    { field: 'score', type: 'double', optional: true },
    { field: 'note', type: 'string', optional: true },
    { field: 'region', type: 'string', optional: false },
  ],
}

interface Customer {
  id: number
  first_name: string
  email: string | null
  score: number | null
  note: string | null
  region: string
}

function customer(seq: number, noteBytes = 0): Customer {
  return {
    id: 1000 + seq,
    first_name: seq % 7 === 3 ? `Zoë "${seq}" 漢字` : `name-${seq}`,
    email: seq % 5 === 0 ? null : `c${seq}@example.com`,
    score: seq % 3 === 0 ? null : seq / 4,
    note: noteBytes > 0 ? `${seq}:`.padEnd(noteBytes, 'x') : null,
    region: ['eu', 'us', 'ap'][seq % 3]!,
  }
}

let dir: string
let admin: KafkaAdmin
let producer: InputProducer
let client: S3Client
const workers: Worker[] = []

before(async () => {
  const bootstrap = ensureBroker()
  ensureS3()
  client = s3Client()
  dir = mkdtempSync(path.join(tmpdir(), 's3-sink-'))
  admin = KafkaAdmin.create({ 'bootstrap.servers': bootstrap })
  producer = await InputProducer.open(bootstrap)
})

after(async () => {
  for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL')
  await producer?.close()
  admin?.close()
  client?.destroy()
  rmSync(dir, { recursive: true, force: true })
})

/** Produces customers `from … from+count-1` (JSON with schema envelopes), record `seq` to partition `seq % 2`. */
async function produce(topic: string, from: number, count: number, noteBytes = 0): Promise<void> {
  const out: OutgoingRecord[] = []
  for (let seq = from; seq < from + count; seq++) {
    const value = JSON.stringify({ schema: VALUE_SCHEMA, payload: customer(seq, noteBytes) })
    out.push({
      seq,
      topic,
      partition: seq % 2,
      key: Buffer.from(JSON.stringify({ schema: { type: 'int32', optional: false }, payload: 1000 + seq })),
      value: Buffer.from(value),
      headers: [],
    })
  }
  await producer.send(out)
}

function workerFiles(name: string, config: Record<string, string>): string[] {
  const worker = path.join(dir, `${name}-worker.properties`)
  writeFileSync(
    worker,
    [
      `bootstrap.servers=${ensureBroker()}`,
      'key.converter=org.apache.kafka.connect.json.JsonConverter',
      'value.converter=org.apache.kafka.connect.json.JsonConverter',
      `offset.storage.file.filename=${path.join(dir, `${name}.offsets`)}`,
      'offset.flush.interval.ms=500',
      'listeners=http://127.0.0.1:0',
      // A killed worker's consumer leaves the group only when its session expires: keep that short.
      'consumer.session.timeout.ms=6000',
      'consumer.heartbeat.interval.ms=1000',
    ].join('\n'),
  )
  const connector = path.join(dir, `${name}.properties`)
  const props: Record<string, string> = {
    name,
    'connector.class': 'io.confluent.connect.s3.S3SinkConnector',
    'tasks.max': '1',
    ...s3SinkProps(),
    ...config,
  }
  writeFileSync(
    connector,
    Object.entries(props)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  )
  return [worker, connector]
}

function start(files: string[], log: string): Worker {
  const w = startStandalone(dir, files, log)
  workers.push(w)
  return w
}

async function stop(w: Worker): Promise<void> {
  if (w.child.exitCode === null) w.child.kill('SIGTERM')
  await w.exited
}

/** Downloads `keys` to local files and reads them with pyarrow. */
async function readBack(bucket: string, keys: readonly string[]) {
  const local: string[] = []
  for (const [i, key] of keys.entries()) {
    const f = path.join(dir, `${i}-${path.basename(key)}`)
    writeFileSync(f, await getObject(client, bucket, key))
    local.push(f)
  }
  return readWithPyarrow(local).map((r, i) => ({ key: keys[i]!, rows: r.rows }))
}

const seqOf = (row: Record<string, unknown>) => Number(row.id) - 1000

// The budget covers a loaded 2-core machine: the kill -9 case alone took 150 s at load 30.
describe('S3 sink on sluice standalone, real broker and S3 server', { timeout: 600_000 }, () => {
  test("the seed's JsonFormat config: object names from start offsets, contents read back by pyarrow, offsets committed", async () => {
    const topic = uniqueTopic('s3-json')
    await admin.createTopic({ topic, partitions: 2, replicationFactor: 1 })
    const bucket = await freshBucket(client, 's3-json')
    const name = `s3-sink-${topic}`
    await produce(topic, 0, 45)
    const w = start(
      workerFiles(name, {
        topics: topic,
        's3.bucket.name': bucket,
        'format.class': 'io.confluent.connect.s3.format.json.JsonFormat',
        'flush.size': '10',
      }),
      `${name}.log`,
    )
    const expected = [0, 1].flatMap((p) =>
      [0, 10].map((o) => `topics/${topic}/partition=${p}/${topic}+${p}+${String(o).padStart(10, '0')}.json`),
    )
    await waitUntil(async () => (await listKeys(client, bucket)).length >= 4, '4 JSON objects', 60_000, w)
    // 45 records: 23 on partition 0, 22 on partition 1; the last 3 and 2 stay in open files (flush.size 10).
    const committed = async () =>
      new Map(
        (await admin.groupOffsets(`connect-${name}`))
          .filter((r) => r.topic === topic)
          .map((r) => [r.partition, r.offset]),
      )
    await waitUntil(
      async () => (await committed()).get(0) === 20 && (await committed()).get(1) === 20,
      'offsets 20/20 committed',
      30_000,
      w,
    )
    await stop(w)
    const keys = await listKeys(client, bucket)
    assert.deepEqual(keys, expected)
    for (const { key, rows } of await readBack(bucket, keys)) {
      const [, p, start] = /\+(\d)\+(\d{10})\.json$/.exec(key)!
      const want = Array.from({ length: 10 }, (_, i) => customer(Number(p) + 2 * (Number(start) + i)))
      assert.deepEqual(rows, want, key)
    }
    assert.deepEqual(
      await committed(),
      new Map([
        [0, 20],
        [1, 20],
      ]),
      'a graceful stop commits no open file',
    )
  })

  test('ParquetFormat with the HourlyPartitioner on record time: files read back by pyarrow with the topic order', async () => {
    const topic = uniqueTopic('s3-parquet')
    await admin.createTopic({ topic, partitions: 2, replicationFactor: 1 })
    const bucket = await freshBucket(client, 's3-parquet')
    const name = `s3-sink-${topic}`
    const t0 = Date.now()
    await produce(topic, 0, 24)
    const t1 = Date.now()
    const w = start(
      workerFiles(name, {
        topics: topic,
        's3.bucket.name': bucket,
        'format.class': 'io.confluent.connect.s3.format.parquet.ParquetFormat',
        'partitioner.class': 'io.confluent.connect.storage.partitioner.HourlyPartitioner',
        'timestamp.extractor': 'Record',
        locale: 'en_US',
        timezone: 'UTC',
        'flush.size': '6',
        'topics.dir': 'lake',
      }),
      `${name}.log`,
    )
    await waitUntil(async () => (await listKeys(client, bucket)).length >= 4, '4 Parquet objects', 60_000, w)
    await stop(w)
    const keys = await listKeys(client, bucket)
    const hours = new Set(
      [t0, t1].map((t) => {
        const d = new Date(t)
        const two = (n: number) => String(n).padStart(2, '0')
        return `year=${d.getUTCFullYear()}/month=${two(d.getUTCMonth() + 1)}/day=${two(d.getUTCDate())}/hour=${two(d.getUTCHours())}`
      }),
    )
    const seen: number[] = []
    for (const { key, rows } of await readBack(bucket, keys)) {
      const m =
        /^lake\/([^/]+)\/(year=\d{4}\/month=\d\d\/day=\d\d\/hour=\d\d)\/\1\+(\d)\+(\d{10})\.snappy\.parquet$/.exec(
          key,
        )
      assert.ok(m, `unexpected key ${key}`)
      assert.equal(m[1], topic)
      assert.ok(hours.has(m[2]!), `${key} is not in the hour the records were produced in`)
      const p = Number(m[3])
      const start = Number(m[4])
      assert.deepEqual(
        rows,
        rows.map((_, i) => customer(p + 2 * (start + i))),
        key,
      )
      seen.push(...rows.map(seqOf))
    }
    assert.deepEqual(
      seen.sort((a, b) => a - b),
      Array.from({ length: 24 }, (_, i) => i),
    )
  })

  test('AvroFormat with the FieldPartitioner: one file per region per rotation, container files decoded by avsc', async () => {
    const topic = uniqueTopic('s3-avro')
    await admin.createTopic({ topic, partitions: 2, replicationFactor: 1 })
    const bucket = await freshBucket(client, 's3-avro')
    const name = `s3-sink-${topic}`
    await produce(topic, 0, 24)
    const w = start(
      workerFiles(name, {
        topics: topic,
        's3.bucket.name': bucket,
        'format.class': 'io.confluent.connect.s3.format.avro.AvroFormat',
        'avro.codec': 'deflate',
        'partitioner.class': 'io.confluent.connect.storage.partitioner.FieldPartitioner',
        'partition.field.name': 'region',
        'flush.size': '6',
      }),
      `${name}.log`,
    )
    // Per partition: 12 records, two rotations of 6, each committing one file per region (3).
    await waitUntil(async () => (await listKeys(client, bucket)).length >= 12, '12 Avro objects', 60_000, w)
    await stop(w)
    const keys = await listKeys(client, bucket)
    assert.equal(keys.length, 12)
    const seen: number[] = []
    for (const key of keys) {
      const m = new RegExp(`^topics/${topic}/region=(eu|us|ap)/${topic}\\+(\\d)\\+(\\d{10})\\.avro$`).exec(
        key,
      )
      assert.ok(m, `unexpected key ${key}`)
      const rows: Customer[] = []
      await new Promise<void>((resolve, reject) => {
        const decoder = new avro.streams.BlockDecoder()
        decoder
          .on('data', (r: Customer) => rows.push({ ...r }))
          .on('end', resolve)
          .on('error', reject)
        getObject(client, bucket, key).then((b) => decoder.end(b), reject)
      })
      const p = Number(m[2])
      const start = Number(m[3])
      assert.equal(rows[0]?.id, 1000 + p + 2 * start, `${key} starts at its offset`)
      for (const r of rows) {
        assert.deepEqual(r, customer(r.id - 1000), key)
        assert.equal(r.region, m[1], key)
        assert.equal((r.id - 1000) % 2, p, key)
        seen.push(r.id - 1000)
      }
    }
    assert.deepEqual(
      seen.sort((a, b) => a - b),
      Array.from({ length: 24 }, (_, i) => i),
    )
  })

  test('kill -9 of the worker mid-upload and mid-rotation, three times: every record lands exactly once, in objects of the same names', async () => {
    const topic = uniqueTopic('s3-crash')
    await admin.createTopic({ topic, partitions: 2, replicationFactor: 1 })
    const bucket = await freshBucket(client, 's3-crash')
    const name = `s3-sink-${topic}`
    // 6 KiB records, 900 per object: each object is a 2-part multipart upload of 5 MiB parts.
    const perPartition = 3 * 900
    await produce(topic, 0, 2 * perPartition, 6 * 1024)
    const files = workerFiles(name, {
      topics: topic,
      's3.bucket.name': bucket,
      'format.class': 'io.confluent.connect.s3.format.json.JsonFormat',
      'flush.size': '900',
      's3.part.size': String(5 * 1024 * 1024),
    })
    const expected = [0, 1].flatMap((p) =>
      [0, 900, 1800].map(
        (o) => `topics/${topic}/partition=${p}/${topic}+${p}+${String(o).padStart(10, '0')}.json`,
      ),
    )
    const kills = [1, 3, 4]
    for (const [round, objects] of kills.entries()) {
      const w = start(files, `${name}-${round}.log`)
      // Kill as soon as `objects` objects exist: uploads of the next ones are in flight or about to start.
      await waitUntil(
        async () => (await listKeys(client, bucket)).length >= objects,
        `${objects} objects`,
        90_000,
        w,
      )
      w.child.kill('SIGKILL')
      await w.exited
    }
    const w = start(files, `${name}-final.log`)
    await waitUntil(
      async () => (await listKeys(client, bucket)).length >= expected.length,
      'all 6 objects',
      120_000,
      w,
    )
    await stop(w)
    const keys = await listKeys(client, bucket)
    assert.deepEqual(keys, expected, 'no partial, extra or differently named object')
    const counts = new Map<number, number>()
    for (const { key, rows } of await readBack(bucket, keys)) {
      const [, p, start] = /\+(\d)\+(\d{10})\.json$/.exec(key)!
      assert.equal(rows.length, 900, key)
      assert.deepEqual(
        rows.map(seqOf),
        Array.from({ length: 900 }, (_, i) => Number(p) + 2 * (Number(start) + i)),
        key,
      )
      for (const row of rows) counts.set(seqOf(row), (counts.get(seqOf(row)) ?? 0) + 1)
    }
    assert.equal(counts.size, 2 * perPartition)
    assert.deepEqual([...new Set(counts.values())], [1], 'every record exactly once')
  })
})
