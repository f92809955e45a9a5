import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  type CreateMultipartUploadCommandInput,
  HeadBucketCommand,
  HeadObjectCommand,
  S3Client,
  type S3ClientConfig,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3'
import { fromNodeProviderChain } from '@aws-sdk/credential-providers'
import { ConnectError, RetriableError } from '@sluice/api'
import type { S3SinkConfig } from './config.js'

/** User metadata key (`x-amz-meta-…`) recording the last Kafka offset an object holds. */
export const END_OFFSET_METADATA = 'sluice-end-offset'

/** A conditional write found an object already at the key (HTTP 412 on `If-None-Match: *`). */
export class FileExistsError extends RetriableError {
  readonly key: string
  constructor(key: string) {
    super(`An object already exists at ${key} (conditional write refused with 412 PreconditionFailed)`)
    this.key = key
  }
}

/**
 * The S3 client per the connector's config: `store.url` as endpoint (https:// added when no scheme is
 * given, as Confluent does), path-style addressing per `s3.path.style.access.enabled`, static credentials
 * from `aws.access.key.id`/`aws.secret.access.key` or else the AWS default provider chain (environment,
 * shared config/credentials files, web identity, container and instance metadata).
 */
export function createS3Client(config: S3SinkConfig): S3Client {
  const opts: S3ClientConfig = {
    region: config.region,
    forcePathStyle: config.pathStyleAccess,
    maxAttempts: config.partRetries + 1,
    // S3-compatible servers do not all speak the SDK's newer default checksums (see seed-pipeline.md §4.2).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    credentials:
      config.accessKeyId !== '' && config.secretAccessKey !== null
        ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey }
        : fromNodeProviderChain(),
  }
  if (config.storeUrl !== null) {
    opts.endpoint = /^[a-z][a-z0-9+.-]*:\/\//i.test(config.storeUrl)
      ? config.storeUrl
      : `https://${config.storeUrl}`
  }
  return new S3Client(opts)
}

/** Whether an SDK error is an HTTP status (e.g. 404, 412). */
function httpStatus(err: unknown): number | undefined {
  return err instanceof S3ServiceException ? err.$metadata.httpStatusCode : undefined
}

/** Wraps an S3 failure as a retriable ConnectError naming the operation and key. */
function s3Failure(op: string, key: string, err: unknown): Error {
  if (err instanceof ConnectError) return err
  const message = err instanceof Error ? err.message : String(err)
  return new RetriableError(`S3 ${op} of ${key} failed: ${message}`, { cause: err, stage: 'put' })
}

/** The S3 operations the sink needs, over one client and bucket. */
export class S3Storage {
  readonly client: S3Client
  readonly bucket: string
  readonly #config: S3SinkConfig

  constructor(config: S3SinkConfig, client: S3Client = createS3Client(config)) {
    this.#config = config
    this.client = client
    this.bucket = config.bucketName
  }

  /**
   * Checks that the bucket exists and is reachable.
   * @throws {@link ConnectError} `Non-existent S3 bucket: <name>` (Confluent's message) on 404
   */
  async checkBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }))
    } catch (err) {
      if (httpStatus(err) === 404)
        throw new ConnectError('XC_CONNECT', `Non-existent S3 bucket: ${this.bucket}`, {
          stage: 'task.start',
        })
      throw new ConnectError(
        'XC_CONNECT',
        `Cannot reach S3 bucket ${this.bucket}: ${(err as Error).message} (check store.url, s3.region and the credentials)`,
        { stage: 'task.start', cause: err, retriable: true },
      )
    }
  }

  /** The user metadata of the object at `key`, or null when there is none. */
  async headMetadata(key: string): Promise<Record<string, string> | null> {
    try {
      const r = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }))
      return r.Metadata ?? {}
    } catch (err) {
      if (httpStatus(err) === 404) return null
      throw s3Failure('HeadObject', key, err)
    }
  }

  /** Starts writing one object (nothing is sent before the first part is full or the commit). */
  open(key: string, conditional: boolean): MultipartObject {
    return new MultipartObject(this, key, this.#config.partSize, conditional, this.#createInput(key))
  }

  #createInput(key: string): CreateMultipartUploadCommandInput {
    const c = this.#config
    return {
      Bucket: this.bucket,
      Key: key,
      ...(c.cannedAcl !== null ? { ACL: c.cannedAcl as CreateMultipartUploadCommandInput['ACL'] } : {}),
      ...(c.sseAlgorithm !== ''
        ? {
            ServerSideEncryption: c.sseAlgorithm as CreateMultipartUploadCommandInput['ServerSideEncryption'],
          }
        : {}),
      ...(c.sseKmsKeyId !== '' ? { SSEKMSKeyId: c.sseKmsKeyId } : {}),
    }
  }
}

/**
 * One object written as a multipart upload, like Confluent's `S3OutputStream`: bytes are appended
 * synchronously into a buffer of at most one part; {@link uploadFullParts} sends every full part;
 * {@link commit} sends the rest and completes the upload (with `If-None-Match: *` when conditional), so
 * the object appears whole or not at all. {@link abort} drops an unfinished upload.
 */
export class MultipartObject {
  readonly key: string
  readonly #storage: S3Storage
  readonly #partSize: number
  readonly #conditional: boolean
  readonly #createInput: CreateMultipartUploadCommandInput
  #chunks: Buffer[] = []
  #buffered = 0
  #uploadId: string | undefined
  #parts: Array<{ ETag: string; PartNumber: number }> = []
  /** Bytes handed over so far (uploaded or buffered). */
  size = 0

  constructor(
    storage: S3Storage,
    key: string,
    partSize: number,
    conditional: boolean,
    createInput: CreateMultipartUploadCommandInput,
  ) {
    this.#storage = storage
    this.key = key
    this.#partSize = partSize
    this.#conditional = conditional
    this.#createInput = createInput
  }

  /** Appends bytes; nothing is sent until {@link uploadFullParts} or {@link commit}. */
  append(bytes: Uint8Array): void {
    if (bytes.length === 0) return
    this.#chunks.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
    this.#buffered += bytes.length
    this.size += bytes.length
  }

  /** Bytes waiting in memory. */
  get buffered(): number {
    return this.#buffered
  }

  /** Uploads every full part buffered so far (keeps memory at most about one part per open object). */
  async uploadFullParts(): Promise<void> {
    while (this.#buffered >= this.#partSize) {
      const all = Buffer.concat(this.#chunks, this.#buffered)
      const part = all.subarray(0, this.#partSize)
      const rest = all.subarray(this.#partSize)
      this.#chunks = rest.length > 0 ? [Buffer.from(rest)] : []
      this.#buffered = rest.length
      await this.#uploadPart(part)
    }
  }

  /**
   * Uploads what is left and completes the upload; `endOffset` (the last Kafka offset in the object) is
   * recorded in the object's metadata so a later conditional write can tell what the object holds.
   * @throws {@link FileExistsError} when conditional and an object already exists at the key
   */
  async commit(): Promise<void> {
    if (this.#chunks.length > 0 || this.#parts.length === 0) {
      await this.#uploadPart(Buffer.concat(this.#chunks, this.#buffered))
      this.#chunks = []
      this.#buffered = 0
    }
    const s = this.#storage
    try {
      await s.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: s.bucket,
          Key: this.key,
          UploadId: this.#uploadId,
          MultipartUpload: { Parts: this.#parts },
          ...(this.#conditional ? { IfNoneMatch: '*' } : {}),
        }),
      )
    } catch (err) {
      if (this.#conditional && httpStatus(err) === 412) {
        await this.abort()
        throw new FileExistsError(this.key)
      }
      throw s3Failure('CompleteMultipartUpload', this.key, err)
    }
    this.#uploadId = undefined
  }

  /** Drops the upload and its parts (nothing becomes visible); safe to call more than once. */
  async abort(): Promise<void> {
    this.#chunks = []
    this.#buffered = 0
    const uploadId = this.#uploadId
    this.#uploadId = undefined
    if (uploadId === undefined) return
    const s = this.#storage
    try {
      await s.client.send(
        new AbortMultipartUploadCommand({ Bucket: s.bucket, Key: this.key, UploadId: uploadId }),
      )
    } catch {
      // An upload left behind is invisible and expires by the bucket's lifecycle rules; nothing is lost.
    }
  }

  /** Sets the last offset recorded in the object's metadata (before the upload is created). */
  setEndOffset(offset: number): void {
    this.#createInput.Metadata = { ...this.#createInput.Metadata, [END_OFFSET_METADATA]: String(offset) }
  }

  async #uploadPart(body: Buffer): Promise<void> {
    const s = this.#storage
    if (this.#uploadId === undefined) {
      try {
        const r = await s.client.send(new CreateMultipartUploadCommand(this.#createInput))
        this.#uploadId = r.UploadId
      } catch (err) {
        throw s3Failure('CreateMultipartUpload', this.key, err)
      }
    }
    const partNumber = this.#parts.length + 1
    try {
      const r = await s.client.send(
        new UploadPartCommand({
          Bucket: s.bucket,
          Key: this.key,
          UploadId: this.#uploadId,
          PartNumber: partNumber,
          Body: body,
          ContentLength: body.length,
        }),
      )
      this.#parts.push({ ETag: r.ETag ?? '', PartNumber: partNumber })
    } catch (err) {
      throw s3Failure('UploadPart', this.key, err)
    }
  }
}
