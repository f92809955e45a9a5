import type { S3Client } from '@aws-sdk/client-s3'
import { S3ServiceException } from '@aws-sdk/client-s3'
import type { SinkTaskContext, TopicPartition, TopicPartitionOffset } from '@sluice/api'

/** An object the fake stores, with the parts it was uploaded in. */
export interface StoredObject {
  readonly body: Buffer
  readonly metadata: Record<string, string>
  readonly parts: number
}

function failure(name: string, status: number): S3ServiceException {
  return new S3ServiceException({
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: status },
    message: name,
  })
}

/**
 * A fake S3 client for the stateful classes' unit tests: it answers the commands the sink sends
 * (HeadBucket, HeadObject, Create/UploadPart/Complete/AbortMultipartUpload) from memory, with
 * `If-None-Match: *` refused with 412 when the key exists. Integration tests use the real server.
 */
export class FakeS3 {
  readonly objects = new Map<string, StoredObject>()
  readonly uploads = new Map<
    string,
    { key: string; parts: Map<number, Buffer>; metadata: Record<string, string> }
  >()
  readonly commands: string[] = []
  #next = 0

  get client(): S3Client {
    return this as unknown as S3Client
  }

  async send(command: { constructor: { name: string }; input: Record<string, unknown> }): Promise<unknown> {
    const name = command.constructor.name.replace(/Command$/, '')
    const input = command.input
    this.commands.push(name)
    switch (name) {
      case 'HeadBucket':
        return {}
      case 'HeadObject': {
        const o = this.objects.get(input.Key as string)
        if (o === undefined) throw failure('NotFound', 404)
        return { Metadata: o.metadata }
      }
      case 'CreateMultipartUpload': {
        const id = `u${this.#next++}`
        this.uploads.set(id, {
          key: input.Key as string,
          parts: new Map(),
          metadata: (input.Metadata as Record<string, string>) ?? {},
        })
        return { UploadId: id }
      }
      case 'UploadPart': {
        const u = this.uploads.get(input.UploadId as string)
        if (u === undefined) throw failure('NoSuchUpload', 404)
        u.parts.set(input.PartNumber as number, Buffer.from(input.Body as Uint8Array))
        return { ETag: `"${input.PartNumber}"` }
      }
      case 'CompleteMultipartUpload': {
        const u = this.uploads.get(input.UploadId as string)
        if (u === undefined) throw failure('NoSuchUpload', 404)
        if (input.IfNoneMatch === '*' && this.objects.has(u.key)) throw failure('PreconditionFailed', 412)
        const numbers = [...u.parts.keys()].sort((a, b) => a - b)
        this.objects.set(u.key, {
          body: Buffer.concat(numbers.map((n) => u.parts.get(n)!)),
          metadata: u.metadata,
          parts: numbers.length,
        })
        this.uploads.delete(input.UploadId as string)
        return {}
      }
      case 'AbortMultipartUpload':
        this.uploads.delete(input.UploadId as string)
        return {}
    }
    throw new Error(`FakeS3 does not know ${name}`)
  }

  destroy(): void {}

  /** Keys in lexical order, as ListObjects returns them. */
  keys(): string[] {
    return [...this.objects.keys()].sort()
  }

  text(key: string): string {
    const o = this.objects.get(key)
    if (o === undefined) throw new Error(`no object ${key}; have ${this.keys().join(', ')}`)
    return o.body.toString('utf8')
  }
}

/** A sink task context that records rewinds. */
export function fakeContext(
  assignment: TopicPartition[],
): SinkTaskContext & { rewinds: TopicPartitionOffset[] } {
  const rewinds: TopicPartitionOffset[] = []
  return {
    rewinds,
    configs: {},
    offset: (o) => rewinds.push(...o),
    timeout: () => {},
    assignment: () => assignment,
    pause: () => {},
    resume: () => {},
    requestCommit: () => {},
    errantRecordReporter: () => null,
  }
}
