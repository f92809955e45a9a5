import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import { InputProducer, type OutgoingRecord } from '@sluice/testkit'
import { repoRoot } from '../env.js'
import type { ScenarioResult } from '../model.js'
import { Topics } from '../topics.js'
import { type Case, type Context, measureCases, runDir } from './common.js'
import { connectRun } from './connect.js'

// The S3 sink into the local S3 server (versitygw, `npm run s3`): records/s and CPU per record for 100 B
// and 1 KiB JSON records written as JsonFormat, and 1 KiB records with a schema written as ParquetFormat.
// Sluice only: there is no Java S3 sink on Maven Central to compare with (test-servers.md). A record
// counts once the object holding it is complete in S3 (objects of flush.size records).

interface S3Connection {
  readonly endpoint: string
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly region: string
}

function ensureS3(): S3Connection {
  const r = spawnSync(
    process.execPath,
    [path.join(repoRoot, 'scripts', 's3-server.mjs'), 'start', '--json'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
    },
  )
  if (r.status !== 0)
    throw new Error('could not start the local S3 server (node scripts/s3-server.mjs start)')
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as S3Connection
}

const SCHEMA = {
  type: 'struct',
  name: 'bench.Customer',
  optional: false,
  fields: [
    { field: 'id', type: 'int64', optional: false },
    { field: 'name', type: 'string', optional: false },
    { field: 'score', type: 'double', optional: true },
    { field: 'active', type: 'boolean', optional: false },
    { field: 'pad', type: 'string', optional: false },
  ],
}

/** Record `seq` as JSON of exactly `size` bytes (the payload; with the schema envelope when `withSchema`). */
function payload(seq: number, size: number, withSchema: boolean): Buffer {
  const base = { id: seq, name: `customer-${seq}`, score: (seq % 1000) / 8, active: seq % 2 === 0, pad: '' }
  const bare = JSON.stringify(base).length
  const value = { ...base, pad: 'x'.repeat(Math.max(0, size - bare)) }
  return Buffer.from(JSON.stringify(withSchema ? { schema: SCHEMA, payload: value } : value))
}

async function prefill(ctx: Context, n: number, size: number, withSchema: boolean): Promise<string> {
  const topic = await ctx.topics.create(Topics.fresh('s3-input'), 1)
  ctx.log(
    `s3: pre-filling ${topic} with ${n} × ${size} B JSON${withSchema ? ' (with schema envelopes)' : ''}`,
  )
  const producer = await InputProducer.open(ctx.bootstrap)
  try {
    for (let from = 0; from < n; from += 10_000) {
      const batch: OutgoingRecord[] = []
      for (let seq = from; seq < Math.min(n, from + 10_000); seq++)
        batch.push({
          seq,
          topic,
          partition: 0,
          key: null,
          value: payload(seq, size, withSchema),
          headers: [],
        })
      await producer.send(batch)
    }
  } finally {
    await producer.close()
  }
  return topic
}

interface S3Case {
  readonly id: string
  readonly title: string
  readonly size: number
  readonly format: 'json' | 'parquet'
}

const CASES: readonly S3Case[] = [
  { id: 's3-json-100', title: 'S3 sink, JsonFormat, 100 B JSON', size: 100, format: 'json' },
  { id: 's3-json-1k', title: 'S3 sink, JsonFormat, 1 KiB JSON', size: 1024, format: 'json' },
  {
    id: 's3-parquet-1k',
    title: 'S3 sink, ParquetFormat, 1 KiB records with schema',
    size: 1024,
    format: 'parquet',
  },
]

/** The S3 sink scenarios: `ctx.sizes.sink / 10` records each (200 000 in a full run), 1 partition, 1 task. */
export async function s3Scenarios(ctx: Context): Promise<ScenarioResult[]> {
  const s3 = ensureS3()
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  })
  const n = Math.max(1000, Math.round(ctx.sizes.sink / 10))
  const flushSize = Math.min(10_000, n / 10)
  const results: ScenarioResult[] = []
  try {
    for (const c of CASES) {
      const withSchema = c.format === 'parquet'
      const topic = await prefill(ctx, n, c.size, withSchema)
      let seq = 0
      const run = async (label: string) => {
        const bucket = `bench-${c.id}-${Date.now()}-${seq}`
        await client.send(new CreateBucketCommand({ Bucket: bucket }))
        const count = async () => {
          const r = await client.send(new ListObjectsV2Command({ Bucket: bucket }))
          return (r.KeyCount ?? 0) * flushSize
        }
        return connectRun({
          ctx,
          runtime: 'sluice',
          dir: runDir(ctx, { id: c.id, side: 'sluice' }, label),
          connectors: [
            {
              name: `bench-s3-${c.id}-${seq++}-${Date.now()}`,
              tasks: 1,
              config: {
                'connector.class': 'io.confluent.connect.s3.S3SinkConnector',
                'tasks.max': '1',
                topics: topic,
                'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
                'value.converter.schemas.enable': String(withSchema),
                's3.bucket.name': bucket,
                's3.region': s3.region,
                'store.url': s3.endpoint,
                'aws.access.key.id': s3.accessKeyId,
                'aws.secret.access.key': s3.secretAccessKey,
                'storage.class': 'io.confluent.connect.s3.storage.S3Storage',
                'format.class':
                  c.format === 'json'
                    ? 'io.confluent.connect.s3.format.json.JsonFormat'
                    : 'io.confluent.connect.s3.format.parquet.ParquetFormat',
                'flush.size': String(flushSize),
              },
            },
          ],
          target: n,
          count,
        })
      }
      const cases: Case[] = [
        {
          id: c.id,
          group: 's3',
          title: `${c.title}, ${n.toLocaleString('en-US')} records, objects of ${flushSize.toLocaleString('en-US')}`,
          side: 'sluice',
          params: {
            connector: 'S3SinkConnector',
            records: n,
            recordSize: c.size,
            format: c.format,
            flushSize,
          },
          run,
        },
      ]
      try {
        results.push(...(await measureCases(ctx, cases)))
      } finally {
        await ctx.topics.delete(topic)
      }
    }
  } finally {
    client.destroy()
  }
  return results
}
