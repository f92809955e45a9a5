import { spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import path from 'node:path'
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3'
import { repoRoot } from './broker.js'

/** How to reach the project's local S3 server (versitygw, scripts/lib/s3-server.mjs). */
export interface S3Connection {
  readonly endpoint: string
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly region: string
  /** A bucket the server was started with. */
  readonly bucket: string
}

let cached: S3Connection | undefined

/**
 * The project's local S3 server: the running one, or started here (built from the Go module proxy on the
 * very first run, which takes minutes). Never a silent skip: failing to start it fails the test.
 */
export function ensureS3(): S3Connection {
  if (cached !== undefined) return cached
  const r = spawnSync(
    process.execPath,
    [path.join(repoRoot, 'scripts', 's3-server.mjs'), 'start', '--json'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
      timeout: 20 * 60_000,
    },
  )
  if (r.status !== 0)
    throw new Error(
      'could not start the local S3 server (node scripts/s3-server.mjs start); see its output above',
    )
  const c = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as S3Connection
  cached = {
    endpoint: c.endpoint,
    accessKeyId: c.accessKeyId,
    secretAccessKey: c.secretAccessKey,
    region: c.region,
    bucket: c.bucket,
  }
  return cached
}

/** An S3 client for the local server (path style, checksums only when required, as the sink uses). */
export function s3Client(c: S3Connection = ensureS3()): S3Client {
  return new S3Client({
    endpoint: c.endpoint,
    region: c.region,
    forcePathStyle: true,
    credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  })
}

/** Creates a bucket no other test uses. */
export async function freshBucket(client: S3Client, prefix: string): Promise<string> {
  const bucket = `${prefix}-${randomUUID().slice(0, 8)}`.toLowerCase()
  await client.send(new CreateBucketCommand({ Bucket: bucket }))
  return bucket
}

/** Every key under `prefix`, in S3's (lexical) order. */
export async function listKeys(client: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  const keys: string[] = []
  let token: string | undefined
  do {
    const r = await client.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        ...(token ? { ContinuationToken: token } : {}),
      }),
    )
    for (const o of r.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key)
    token = r.IsTruncated ? r.NextContinuationToken : undefined
  } while (token !== undefined)
  return keys
}

/** The bytes of one object. */
export async function getObject(client: S3Client, bucket: string, key: string): Promise<Buffer> {
  const r = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
  return Buffer.from(await r.Body!.transformToByteArray())
}

/** Multipart uploads still open in `bucket` (left by a killed worker; invisible to readers). */
export async function openUploads(client: S3Client, bucket: string): Promise<number> {
  const r = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }))
  return r.Uploads?.length ?? 0
}

/** The S3 sink keys that point it at the local server (endpoint, region, credentials, storage class). */
export function s3SinkProps(c: S3Connection = ensureS3()): Record<string, string> {
  return {
    's3.region': c.region,
    'store.url': c.endpoint,
    'aws.access.key.id': c.accessKeyId,
    'aws.secret.access.key': c.secretAccessKey,
    'storage.class': 'io.confluent.connect.s3.storage.S3Storage',
  }
}
