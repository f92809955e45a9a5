import { createHash } from 'node:crypto'
import { brotliCompressSync, crc32, createGzip, deflateRawSync, type Gzip, gzipSync } from 'node:zlib'
import { DataError, type Schema, type SinkRecord } from '@sluice/api'
import avro from 'avsc'
import { ByteWriter, ParquetWriter } from 'hyparquet-writer'
import { snappyCompress } from 'hyparquet-writer/src/snappy.js'
import { toAvroSchema, toAvroValue } from './avro-data.js'
import type { FormatName, S3SinkConfig } from './config.js'
import { type JsonWriteOptions, toJson } from './json-writer.js'
import { parquetColumns, parquetSchema } from './parquet-data.js'
import { describeRecord } from './partitioner.js'
import type { MultipartObject } from './s3-storage.js'

/** What a file stores of a record: its value, key or headers, with a schema (null: schemaless). */
export interface View {
  readonly schema: Schema | null
  readonly value: unknown
}

/**
 * One file being written (Confluent's `RecordWriter`): `write` encodes synchronously, `drain` moves the
 * encoded bytes into the upload (sending full parts), `commit` finishes the file and completes the
 * upload, `abort` drops it. Output depends only on the records, never on how `put` batched them, so a
 * rewrite after a crash produces the same bytes.
 */
export interface FileWriter {
  write(view: View, record: SinkRecord): void
  drain(): Promise<void>
  commit(): Promise<void>
  abort(): Promise<void>
}

/** A format: the file extension and how to open a writer on an upload. */
export interface Format {
  readonly extension: string
  open(out: MultipartObject): FileWriter
}

/** Bytes into an upload, gzip-compressed when configured; `finish` ends the compressed stream. */
class ByteOutput {
  readonly #out: MultipartObject
  readonly #gzip: Gzip | null
  #pending: Buffer[] = []
  #pendingBytes = 0
  /**
   * Text appended since the last Buffer: line formats hand over one string per record, and encoding
   * them to UTF-8 once per drain instead of once per record saves a Buffer allocation and copy each.
   */
  #text = ''

  constructor(out: MultipartObject, gzipLevel: number | null) {
    this.#out = out
    if (gzipLevel === null) this.#gzip = null
    else {
      this.#gzip = createGzip({ level: gzipLevel })
      this.#gzip.on('data', (chunk: Buffer) => out.append(chunk))
    }
  }

  push(bytes: Buffer): void {
    this.#encodeText()
    this.#pending.push(bytes)
    this.#pendingBytes += bytes.length
  }

  /** Appends text, written as UTF-8 (in order with {@link push}). */
  pushText(text: string): void {
    this.#text += text
  }

  #encodeText(): void {
    if (this.#text === '') return
    const bytes = Buffer.from(this.#text, 'utf8')
    this.#text = ''
    this.#pending.push(bytes)
    this.#pendingBytes += bytes.length
  }

  async drain(): Promise<void> {
    this.#encodeText()
    const data = this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending)
    this.#pending = []
    this.#pendingBytes = 0
    if (data.length > 0) {
      const gz = this.#gzip
      if (gz === null) this.#out.append(data)
      else
        await new Promise<void>((resolve, reject) => gz.write(data, (err) => (err ? reject(err) : resolve())))
    }
    await this.#out.uploadFullParts()
  }

  async finish(): Promise<void> {
    await this.drain()
    const gz = this.#gzip
    if (gz !== null)
      await new Promise<void>((resolve, reject) => {
        gz.once('end', resolve)
        gz.once('error', reject)
        gz.end()
      })
    await this.#out.commit()
  }

  async abort(): Promise<void> {
    this.#gzip?.destroy()
    await this.#out.abort()
  }
}

/** Shared frame of line-oriented formats (JSON, ByteArray): one encoded record plus a separator each. */
abstract class LineWriter implements FileWriter {
  protected readonly output: ByteOutput
  constructor(out: MultipartObject, gzipLevel: number | null) {
    this.output = new ByteOutput(out, gzipLevel)
  }
  abstract write(view: View, record: SinkRecord): void
  drain(): Promise<void> {
    return this.output.drain()
  }
  commit(): Promise<void> {
    return this.output.finish()
  }
  abort(): Promise<void> {
    return this.output.abort()
  }
}

function gzipLevel(config: S3SinkConfig): number | null {
  if (config.compression !== 'gzip') return null
  return config.compressionLevel === -1 ? 6 : config.compressionLevel
}

class JsonFileWriter extends LineWriter {
  readonly #options: JsonWriteOptions
  constructor(out: MultipartObject, config: S3SinkConfig) {
    super(out, gzipLevel(config))
    this.#options = { decimalFormat: config.decimalFormat }
  }
  write(view: View, record: SinkRecord): void {
    let line: string
    try {
      line = toJson(this.#options, view.schema, view.value)
    } catch (err) {
      throw new DataError(
        `JsonFormat cannot write record ${describeRecord(record)}: ${(err as Error).message}`,
        {
          cause: err,
          stage: 'put',
        },
      )
    }
    this.output.pushText(`${line}\n`)
  }
}

class ByteArrayFileWriter extends LineWriter {
  readonly #separator: Buffer
  constructor(out: MultipartObject, config: S3SinkConfig) {
    super(out, gzipLevel(config))
    this.#separator = Buffer.from(config.byteArraySeparator, 'utf8')
  }
  write(view: View, record: SinkRecord): void {
    const v = view.value
    if (view.schema !== null && view.schema.type !== 'BYTES')
      throw new DataError(
        `ByteArrayFormat needs BYTES data, but record ${describeRecord(record)} has schema ${view.schema.type}; use ByteArrayConverter or another format`,
      )
    if (!(v instanceof Uint8Array))
      throw new DataError(
        `ByteArrayFormat needs byte[] values, but record ${describeRecord(record)} has ${v === null ? 'null' : typeof v}; use ByteArrayConverter or another format`,
      )
    this.output.push(Buffer.from(v.buffer, v.byteOffset, v.byteLength))
    this.output.push(this.#separator)
  }
}

/** Avro object container files (spec 1.11): header with the schema, blocks of ~64 KB, sync markers. */
class AvroFileWriter implements FileWriter {
  static readonly BLOCK_BYTES = 64_000
  readonly #output: ByteOutput
  readonly #codec: S3SinkConfig['avroCodec']
  readonly #sync: Buffer
  #schema: Schema | null = null
  #type: avro.Type | undefined
  #block: Buffer[] = []
  #blockBytes = 0
  #blockCount = 0

  constructor(out: MultipartObject, config: S3SinkConfig) {
    this.#output = new ByteOutput(out, null)
    this.#codec = config.avroCodec
    // The sync marker only has to be unlikely in the data; deriving it from the key keeps rewrites identical.
    this.#sync = createHash('md5').update(out.key).digest()
  }

  write(view: View, record: SinkRecord): void {
    if (view.schema === null)
      throw new DataError(
        `AvroFormat needs records with a schema, but record ${describeRecord(record)} is schemaless; use a converter with schemas (e.g. JsonConverter with schemas.enable=true) or JsonFormat`,
      )
    if (this.#type === undefined) {
      this.#schema = view.schema
      this.#type = avro.Type.forSchema(toAvroSchema(view.schema) as avro.Schema, { wrapUnions: false })
      const meta = avro.Type.forSchema({ type: 'map', values: 'bytes' })
      this.#output.push(
        Buffer.concat([
          Buffer.from('Obj\x01', 'latin1'),
          meta.toBuffer({
            'avro.schema': Buffer.from(JSON.stringify(this.#type.schema()), 'utf8'),
            'avro.codec': Buffer.from(this.#codec, 'utf8'),
          }),
          this.#sync,
        ]),
      )
    }
    let bytes: Buffer
    try {
      bytes = this.#type.toBuffer(toAvroValue(this.#schema!, view.value))
    } catch (err) {
      throw new DataError(
        `AvroFormat cannot write record ${describeRecord(record)}: ${(err as Error).message}`,
        {
          cause: err,
          stage: 'put',
        },
      )
    }
    this.#block.push(bytes)
    this.#blockBytes += bytes.length
    this.#blockCount++
    if (this.#blockBytes >= AvroFileWriter.BLOCK_BYTES) this.#endBlock()
  }

  #endBlock(): void {
    if (this.#blockCount === 0) return
    const raw = Buffer.concat(this.#block, this.#blockBytes)
    let data: Buffer
    switch (this.#codec) {
      case 'null':
        data = raw
        break
      case 'deflate':
        data = deflateRawSync(raw)
        break
      case 'snappy': {
        // Avro's snappy blocks carry the big-endian CRC-32 of the uncompressed data after the payload.
        const crc = Buffer.alloc(4)
        crc.writeUInt32BE(crc32(raw))
        data = Buffer.concat([snappyCompress(raw), crc])
        break
      }
    }
    const long = avro.Type.forSchema('long')
    this.#output.push(
      Buffer.concat([long.toBuffer(this.#blockCount), long.toBuffer(data.length), data, this.#sync]),
    )
    this.#block = []
    this.#blockBytes = 0
    this.#blockCount = 0
  }

  drain(): Promise<void> {
    return this.#output.drain()
  }
  commit(): Promise<void> {
    this.#endBlock()
    return this.#output.finish()
  }
  abort(): Promise<void> {
    return this.#output.abort()
  }
}

const PARQUET_CODECS = { none: 'UNCOMPRESSED', snappy: 'SNAPPY', gzip: 'GZIP', brotli: 'BROTLI' } as const
const PARQUET_EXTENSIONS = { none: '', snappy: '.snappy', gzip: '.gz', brotli: '.br' } as const

/** Parquet files: rows buffered up to a fixed row-group size, each row group written as it fills. */
class ParquetFileWriter implements FileWriter {
  static readonly ROW_GROUP_ROWS = 20_000
  readonly #output: ByteOutput
  readonly #codec: (typeof PARQUET_CODECS)[keyof typeof PARQUET_CODECS]
  /** The ByteWriter with the optional `flush` hook of hyparquet-writer's `Writer`. */
  readonly #bytes: ByteWriter & { flush?: () => void } = new ByteWriter()
  #writer: ParquetWriter | undefined
  #schema: Schema | null = null
  #rows: unknown[] = []

  constructor(out: MultipartObject, config: S3SinkConfig) {
    this.#output = new ByteOutput(out, null)
    this.#codec = PARQUET_CODECS[config.parquetCodec]
    // The ByteWriter hands its bytes over to the upload after each row group instead of growing.
    this.#bytes.flush = () => {
      this.#output.push(Buffer.from(this.#bytes.getBytes()))
      this.#bytes.index = 0
    }
    this.#bytes.finish = this.#bytes.flush
  }

  write(view: View, record: SinkRecord): void {
    const s = view.schema
    if (s === null || s.type !== 'STRUCT')
      throw new DataError(
        `ParquetFormat needs struct records with a schema, but record ${describeRecord(record)} has ${s === null ? 'no schema' : `a ${s.type} schema`}; use a converter with schemas or JsonFormat`,
      )
    if (this.#writer === undefined) {
      this.#schema = s
      this.#writer = new ParquetWriter({
        writer: this.#bytes,
        schema: parquetSchema(s),
        codec: this.#codec,
        compressors: {
          GZIP: (b: Uint8Array) => gzipSync(b),
          BROTLI: (b: Uint8Array) => brotliCompressSync(b),
        },
        createdBy: 'sluice connector-s3',
      })
    }
    this.#rows.push(view.value)
    if (this.#rows.length >= ParquetFileWriter.ROW_GROUP_ROWS) this.#writeRowGroup(record)
  }

  #writeRowGroup(record?: SinkRecord): void {
    if (this.#rows.length === 0 || this.#writer === undefined) return
    try {
      void this.#writer.write({
        columnData: parquetColumns(this.#schema!, this.#rows),
        rowGroupSize: this.#rows.length,
      })
    } catch (err) {
      throw new DataError(
        `ParquetFormat cannot write the rows up to ${record ? describeRecord(record) : 'the end of the file'}: ${(err as Error).message}`,
        { cause: err, stage: 'put' },
      )
    }
    this.#rows = []
  }

  drain(): Promise<void> {
    return this.#output.drain()
  }
  async commit(): Promise<void> {
    this.#writeRowGroup()
    await this.#writer?.finish()
    return this.#output.finish()
  }
  abort(): Promise<void> {
    return this.#output.abort()
  }
}

/** The format of a `format.class` (also used for `keys.format.class` / `headers.format.class`). */
export function createFormat(name: FormatName, config: S3SinkConfig): Format {
  const gz = config.compression === 'gzip' ? '.gz' : ''
  switch (name) {
    case 'json':
      return { extension: `.json${gz}`, open: (out) => new JsonFileWriter(out, config) }
    case 'bytearray':
      return {
        extension: `${config.byteArrayExtension}${gz}`,
        open: (out) => new ByteArrayFileWriter(out, config),
      }
    case 'avro':
      return { extension: '.avro', open: (out) => new AvroFileWriter(out, config) }
    case 'parquet':
      return {
        extension: `${PARQUET_EXTENSIONS[config.parquetCodec]}.parquet`,
        open: (out) => new ParquetFileWriter(out, config),
      }
  }
}
