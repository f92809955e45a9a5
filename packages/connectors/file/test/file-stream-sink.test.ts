import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import { after, before, describe, test } from 'node:test'
import {
  ConfigError,
  ConnectError,
  Decimal,
  SchemaBuilder,
  Schemas,
  type SinkRecord,
  Struct,
  sinkRecord,
} from '@sluice/api'
import {
  FileStreamSinkConnector,
  FileStreamSinkTask,
  FileStreamSourceTask,
  javaString,
  plugins,
} from '../src/index.js'
import { pollRecords, sinkContext, sourceContext, tempDir } from './support.js'

let nextOffset = 0
function rec(value: unknown, valueSchema: SinkRecord['valueSchema'] = null): SinkRecord {
  return sinkRecord({ topic: 't', kafkaPartition: 0, kafkaOffset: nextOffset++, value, valueSchema })
}

async function startSink(props: Record<string, string>, options = {}): Promise<FileStreamSinkTask> {
  const task = new FileStreamSinkTask(options)
  task.initialize(sinkContext(props))
  await task.start(props)
  return task
}

const signal = new AbortController().signal

describe('FileStreamSinkConnector', () => {
  test('is declared as a sink plugin with Kafka class name and alias', () => {
    const def = plugins.find((p) => p.className === 'org.apache.kafka.connect.file.FileStreamSinkConnector')
    assert.ok(def)
    assert.equal(def.kind, 'sink')
    assert.deepEqual(def.aliases, ['FileStreamSink'])
    assert.ok(def.create() instanceof FileStreamSinkConnector)
  })

  test('ConfigDef has only `file` (topics come from the framework)', () => {
    const def = new FileStreamSinkConnector().config()
    assert.deepEqual(def.names(), ['file'])
    assert.equal(def.configKey('file')!.defaultValue, null)
    assert.equal(
      def.configKey('file')!.documentation,
      'Destination filename. If not specified, the standard output will be used',
    )
  })

  test('tasks.max identical task configs, alterOffsets always true', () => {
    const c = new FileStreamSinkConnector()
    const props = { file: '/tmp/out.txt', topics: 'a,b' }
    c.start(props)
    assert.deepEqual(c.taskConfigs(3), [props, props, props])
    assert.equal(c.taskClass(), FileStreamSinkTask)
    assert.equal(c.alterOffsets(), true)
  })
})

describe('FileStreamSinkTask', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>
  before(async () => {
    tmp = await tempDir()
  })
  after(() => tmp.cleanup())

  test('appends one line per value to an existing file (append mode), one batch per put', async () => {
    const file = tmp.file('append.txt')
    await writeFile(file, 'existing\n')
    const task = await startSink({ file })
    await task.put([rec('line1'), rec('line2'), rec('')], signal)
    assert.equal(await readFile(file, 'utf8'), 'existing\nline1\nline2\n\n', 'written when put resolves')
    await task.put([], signal)
    await task.put([rec('héllo €')], signal)
    await task.flush([])
    const offsets = [{ topic: 't', partition: 0, offset: 5 }]
    assert.deepEqual(await task.preCommit(offsets), offsets)
    await task.stop()
    assert.equal(await readFile(file, 'utf8'), 'existing\nline1\nline2\n\nhéllo €\n')
  })

  test('creates a missing file', async () => {
    const file = tmp.file('created.txt')
    const task = await startSink({ file })
    await task.put([rec('x')], signal)
    await task.stop()
    assert.equal(await readFile(file, 'utf8'), 'x\n')
  })

  test('puts that are not awaited still land in order', async () => {
    const file = tmp.file('order.txt')
    const task = await startSink({ file })
    const puts: Array<Promise<void> | void> = []
    for (let i = 0; i < 50; i++) puts.push(task.put([rec(`a${i}`), rec(`b${i}`)], signal))
    await task.flush([])
    await Promise.all(puts)
    await task.stop()
    const expected = Array.from({ length: 50 }, (_, i) => `a${i}\nb${i}\n`).join('')
    assert.equal(await readFile(file, 'utf8'), expected)
  })

  test('prints values as Java println does: null, numbers, structs, maps, lists, decimals, dates', async () => {
    const file = tmp.file('types.txt')
    const task = await startSink({ file })
    const schema = SchemaBuilder.struct()
      .name('User')
      .field('id', Schemas.INT32)
      .field('name', Schemas.OPTIONAL_STRING)
      .field('score', Schemas.FLOAT64)
      .build()
    const struct = new Struct(schema).put('id', 1).put('score', 2)
    await task.put(
      [
        rec(null),
        rec(42, Schemas.INT32),
        rec(2, Schemas.FLOAT64),
        rec(0.1, Schemas.FLOAT64),
        rec(1e10, Schemas.FLOAT64),
        rec(Math.fround(0.1), Schemas.FLOAT32),
        rec(true, Schemas.BOOLEAN),
        rec(12345678901234567890n, Schemas.INT64),
        rec(struct, schema),
        rec(['a', 'b'], SchemaBuilder.array(Schemas.STRING).build()),
        rec(new Map([['k', 1]]), SchemaBuilder.map(Schemas.STRING, Schemas.INT32).build()),
        rec({ a: 1, b: 'x' }),
        rec(new Decimal(1250n, 2)),
        rec(new Decimal(15n, -2)),
        rec(new Date(0)),
      ],
      signal,
    )
    await task.stop()
    assert.deepEqual((await readFile(file, 'utf8')).split('\n'), [
      'null',
      '42',
      '2.0',
      '0.1',
      '1.0E10',
      '0.1',
      'true',
      '12345678901234567890',
      'Struct{id=1,score=2.0}',
      '[a, b]',
      '{k=1}',
      '{a=1, b=x}',
      '12.50',
      '1.5E+3',
      'Thu Jan 01 00:00:00 UTC 1970',
      '',
    ])
  })

  test('BYTES values are written raw (Java would print an identity hash)', async () => {
    const file = tmp.file('bytes.txt')
    const task = await startSink({ file })
    await task.put([rec('text'), rec(Buffer.from([0x61, 0xff, 0x62]), Schemas.BYTES), rec('after')], signal)
    await task.stop()
    assert.deepEqual(
      await readFile(file),
      Buffer.concat([Buffer.from('text\na'), Buffer.from([0xff]), Buffer.from('b\nafter\n')]),
    )
  })

  test('javaString details', () => {
    assert.equal(javaString(1e-4, Schemas.FLOAT64), '1.0E-4')
    assert.equal(javaString(1234567.5, Schemas.FLOAT64), '1234567.5')
    assert.equal(javaString(12345678, Schemas.FLOAT64), '1.2345678E7')
    assert.equal(javaString(-0, Schemas.FLOAT64), '-0.0')
    assert.equal(javaString(Number.NaN, Schemas.FLOAT64), 'NaN')
    assert.equal(javaString(Number.POSITIVE_INFINITY, Schemas.FLOAT32), 'Infinity')
    assert.equal(javaString(1.5), '1.5', 'schemaless non-integral = Double')
    assert.equal(javaString(3), '3', 'schemaless integral = Long')
    assert.equal(javaString(new Decimal(1n, 7)), '1E-7')
    assert.equal(javaString(new Decimal(-123n, 9)), '-1.23E-7')
    assert.equal(javaString(new Decimal(0n, -2)), '0E+2')
    assert.equal(javaString(Buffer.from([1, 255])), '[1, -1]')
  })

  test('a file that cannot be created fails start with Kafka message', async () => {
    const file = path.join(tmp.dir, 'no-such-dir', 'out.txt')
    const task = new FileStreamSinkTask()
    task.initialize(sinkContext({ file }))
    await assert.rejects(
      task.start({ file }),
      (e: unknown) =>
        ConnectError.is(e) && e.message === `Couldn't find or create file '${file}' for FileStreamSinkTask`,
    )
  })

  test('an invalid config fails start with a ConfigError naming the key', async () => {
    const task = new FileStreamSinkTask()
    await assert.rejects(
      Promise.resolve().then(() => task.start({ file: 5 as unknown as string })),
      (e: unknown) => e instanceof ConfigError && Object.keys(e.errors).includes('file'),
    )
  })

  test('standard output (injected stream) when file is unset or empty; never closed', async () => {
    for (const props of [{}, { file: '' }]) {
      const out = new PassThrough()
      const chunks: Buffer[] = []
      out.on('data', (c: Buffer) => chunks.push(c))
      const task = await startSink(props, { stdout: out })
      await task.put([rec('to'), rec('stdout'), rec(null)], signal)
      await task.flush([])
      await task.stop()
      assert.equal(Buffer.concat(chunks).toString(), 'to\nstdout\nnull\n')
      assert.equal(out.writableEnded, false)
    }
  })

  test('source → sink round trip normalises line endings to \\n', async () => {
    const input = tmp.file('round-in.txt')
    const output = tmp.file('round-out.txt')
    await writeFile(input, 'a\r\nb\rc\n\nd\n')
    const source = new FileStreamSourceTask({ waitMs: 5 })
    source.initialize(sourceContext({ file: input, topic: 't' }))
    source.start({ file: input, topic: 't' })
    const records = await pollRecords(source, 5, undefined, 10)
    await source.stop()
    const sink = await startSink({ file: output })
    await sink.put(
      records.map((r) => rec(r.value, r.valueSchema)),
      signal,
    )
    await sink.stop()
    assert.equal(await readFile(output, 'utf8'), 'a\nb\nc\n\nd\n')
  })
})
