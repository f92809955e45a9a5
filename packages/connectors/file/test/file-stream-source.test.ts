import assert from 'node:assert/strict'
import { appendFile, open, writeFile } from 'node:fs/promises'
import { PassThrough } from 'node:stream'
import { after, before, describe, test } from 'node:test'
import { ConfigError, ConnectError, Schemas, type SourceRecord } from '@sluice/api'
import { FileByteSource } from '../src/byte-source.js'
import { FileStreamSourceConnector, FileStreamSourceTask, plugins } from '../src/index.js'
import { FixedOffsets, FrozenClock, pollRecords, sourceContext, tempDir, within } from './support.js'

const TOPIC = 'test'

/** A started task reading `file`, with `offsets` as stored offsets. */
function startTask(
  props: Record<string, string>,
  options: ConstructorParameters<typeof FileStreamSourceTask>[0] = {},
  offsets = new FixedOffsets(),
): FileStreamSourceTask {
  const task = new FileStreamSourceTask({ waitMs: 10, ...options })
  task.initialize(sourceContext(props, offsets))
  task.start(props)
  return task
}

/** A frozen clock (waits end only by abort) whose short coalescing waits after a file change end at once. */
class WatchClock extends FrozenClock {
  override sleep(ms: number, ...signals: readonly AbortSignal[]): Promise<void> {
    return ms === FileByteSource.COALESCE_MS ? Promise.resolve() : super.sleep(ms, ...signals)
  }
}

const values = (records: readonly SourceRecord[] | null): unknown[] => (records ?? []).map((r) => r.value)
const positions = (records: readonly SourceRecord[] | null): unknown[] =>
  (records ?? []).map((r) => r.sourceOffset?.position)

describe('FileStreamSourceConnector', () => {
  test('is declared as a source plugin with Kafka class name and alias', () => {
    const def = plugins.find((p) => p.className === 'org.apache.kafka.connect.file.FileStreamSourceConnector')
    assert.ok(def)
    assert.equal(def.kind, 'source')
    assert.deepEqual(def.aliases, ['FileStreamSource'])
    assert.ok(def.create() instanceof FileStreamSourceConnector)
  })

  test('ConfigDef has Kafka keys, defaults and docs', () => {
    const def = new FileStreamSourceConnector().config()
    assert.deepEqual(def.names(), ['file', 'topic', 'batch.size'])
    const file = def.configKey('file')!
    assert.equal(file.type, 'STRING')
    assert.equal(file.defaultValue, null)
    assert.equal(file.documentation, 'Source filename. If not specified, the standard input will be used')
    assert.equal(def.configKey('topic')!.hasDefault, false)
    assert.equal(def.configKey('batch.size')!.defaultValue, 2000)
    assert.equal(def.configKey('batch.size')!.importance, 'LOW')
  })

  test('validate reports bad values per key with Kafka messages', () => {
    const c = new FileStreamSourceConnector()
    const errors = (props: Record<string, string>): Record<string, string[]> =>
      Object.fromEntries(c.validate(props).map((v) => [v.name, [...v.errorMessages]]))
    assert.deepEqual(errors({}).topic, ['Missing required configuration "topic" which has no default value.'])
    assert.deepEqual(errors({ topic: '' }).topic, [
      'Invalid value  for configuration topic: String must be non-empty',
    ])
    assert.deepEqual(errors({ topic: 'a,b' }).topic, [
      "Invalid value a,b for configuration topic: 'topic' in FileStreamSourceConnector configuration requires definition of a single topic",
    ])
    assert.deepEqual(errors({ topic: 't', 'batch.size': 'abc' })['batch.size'], [
      'Invalid value abc for configuration batch.size: Not a number of type INT',
    ])
    assert.deepEqual(
      Object.values(errors({ topic: 't', file: '/tmp/x' })).flat(),
      [],
      'a good config has no errors',
    )
  })

  test('start throws a ConfigError naming the bad key', () => {
    const c = new FileStreamSourceConnector()
    assert.throws(
      () => c.start({ file: '/tmp/x', 'batch.size': 'lots' }),
      (err: unknown) =>
        err instanceof ConfigError && Object.keys(err.errors).sort().join() === 'batch.size,topic',
    )
  })

  test('one task whatever tasks.max says, with the connector config', () => {
    const c = new FileStreamSourceConnector()
    c.start({ file: '/tmp/in.txt', topic: TOPIC, 'tasks.max': '4' })
    assert.deepEqual(c.taskConfigs(4), [{ file: '/tmp/in.txt', topic: TOPIC, 'tasks.max': '4' }])
    assert.equal(c.taskClass(), FileStreamSourceTask)
  })

  test('exactlyOnceSupport: SUPPORTED for a file, UNSUPPORTED for stdin', () => {
    const c = new FileStreamSourceConnector()
    assert.equal(c.exactlyOnceSupport({ topic: TOPIC, file: '/tmp/in.txt' }), 'SUPPORTED')
    assert.equal(c.exactlyOnceSupport({ topic: TOPIC }), 'UNSUPPORTED')
    assert.equal(c.exactlyOnceSupport({ topic: TOPIC, file: '' }), 'UNSUPPORTED')
    assert.equal(c.exactlyOnceSupport({ topic: TOPIC, file: ' ' }), 'UNSUPPORTED', 'values are trimmed')
    assert.equal(c.canDefineTransactionBoundaries({ topic: TOPIC, file: '/tmp/in.txt' }), 'UNSUPPORTED')
  })

  test('alterOffsets validates like Kafka', () => {
    const c = new FileStreamSourceConnector()
    const props = { topic: TOPIC, file: '/tmp/in.txt' }
    const refuse = (
      offsets: Parameters<FileStreamSourceConnector['alterOffsets']>[1],
      message: string,
      p = props,
    ) =>
      assert.throws(
        () => c.alterOffsets(p, offsets),
        (e: unknown) => ConnectError.is(e) && e.message === message,
      )
    assert.equal(
      c.alterOffsets(props, [{ partition: { filename: '/tmp/in.txt' }, offset: { position: 10 } }]),
      true,
    )
    assert.equal(c.alterOffsets(props, [{ partition: { filename: '/tmp/old.txt' }, offset: null }]), true)
    assert.equal(
      c.alterOffsets(props, [{ partition: { anything: 1 }, offset: null }]),
      true,
      'tombstones always',
    )
    assert.equal(
      c.alterOffsets(props, [{ partition: null as unknown as Record<string, unknown>, offset: null }]),
      true,
      'even with a null partition',
    )
    assert.equal(c.alterOffsets(props, []), true, 'an empty map (reset) is valid')
    assert.equal(c.alterOffsets(props, [{ partition: { filename: 'x' }, offset: { position: 10n } }]), true)
    refuse(
      [{ partition: { filename: 'x' }, offset: { position: 1 } }],
      "Offsets cannot be modified if the 'file' configuration is unspecified. This is because stdin is used for input and offsets are not tracked.",
      { topic: TOPIC, file: '' },
    )
    refuse(
      [{ partition: { filename: 'x' }, offset: { pos: 1 } }],
      "Offset objects should either be null or contain the key 'position'",
    )
    refuse(
      [{ partition: { filename: 'x' }, offset: { position: '10' } }],
      "The value for the 'position' key in the offset is expected to be a Long value",
    )
    refuse(
      [{ partition: { filename: 'x' }, offset: { position: 1.5 } }],
      "The value for the 'position' key in the offset is expected to be a Long value",
    )
    refuse(
      [{ partition: { filename: 'x' }, offset: { position: -1 } }],
      "The value for the 'position' key in the offset should be a non-negative value",
    )
    refuse(
      [{ partition: { file: 'x' }, offset: { position: 1 } }],
      "Partition objects should contain the key 'filename'",
    )
  })
})

describe('FileStreamSourceTask on real files', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>
  before(async () => {
    tmp = await tempDir()
  })
  after(() => tmp.cleanup())

  test("Kafka's normal lifecycle: partial lines, every terminator, a held \\r, byte positions", async () => {
    const file = tmp.file('lifecycle.txt')
    await writeFile(file, '')
    const offsets = new FixedOffsets()
    const task = startTask({ file, topic: TOPIC }, {}, offsets)
    const signal = new AbortController().signal
    assert.equal(await task.poll(signal), null)
    assert.deepEqual(
      offsets.lookups,
      [{ filename: file }],
      'the stored offset is looked up once, by filename',
    )

    await appendFile(file, 'partial line')
    assert.equal(await task.poll(signal), null, 'no line before its terminator')
    await appendFile(file, ' finished\n')
    const first = await task.poll(signal)
    assert.equal(first?.length, 1)
    const r = first![0]!
    assert.equal(r.topic, TOPIC)
    assert.equal(r.value, 'partial line finished')
    assert.equal(r.key, null)
    assert.equal(r.keySchema, null)
    assert.equal(r.valueSchema, Schemas.STRING)
    assert.equal(r.kafkaPartition, null)
    assert.ok(typeof r.timestamp === 'number' && Math.abs(r.timestamp - Date.now()) < 60_000)
    assert.deepEqual(r.sourcePartition, { filename: file })
    assert.deepEqual(r.sourceOffset, { position: 22 })
    assert.equal(await task.poll(signal), null)

    await appendFile(file, 'line1\rline2\r\nline3\nline4\n\r')
    const four = await task.poll(signal)
    assert.deepEqual(values(four), ['line1', 'line2', 'line3', 'line4'])
    assert.deepEqual(positions(four), [28, 35, 41, 47])
    assert.equal(await task.poll(signal), null, 'the final \\r is held until the next byte is known')

    await appendFile(file, 'subsequent text')
    const last = await task.poll(signal)
    assert.deepEqual(values(last), [''])
    assert.deepEqual(positions(last), [48])
    await task.stop()
  })

  test('empty lines and a final unterminated line', async () => {
    const file = tmp.file('empty-lines.txt')
    await writeFile(file, '\n\nx\n\r\n\rtail')
    const task = startTask({ file, topic: TOPIC })
    const records = await pollRecords(task, 10, undefined, 5)
    assert.deepEqual(values(records), ['', '', 'x', '', ''])
    assert.deepEqual(positions(records), [1, 2, 4, 6, 7])
    await appendFile(file, '\n')
    assert.deepEqual(values(await task.poll(new AbortController().signal)), ['tail'])
    await task.stop()
  })

  test('UTF-8 characters split across reads, positions in bytes', async () => {
    const file = tmp.file('utf8.txt')
    const lines = ['héllo wörld', '€€€€', '𝄞 music', '日本語のテキスト', 'ascii']
    const text = `${lines.join('\r\n')}\n`
    await writeFile(file, text)
    // A 3-byte buffer forces reads that end inside multi-byte characters (it grows per long line).
    const task = startTask({ file, topic: TOPIC }, { bufferSize: 3 })
    const records = await pollRecords(task, lines.length, undefined, 50)
    assert.deepEqual(values(records), lines)
    let pos = 0
    const expected = lines.map((l, i) => {
      pos += Buffer.byteLength(l) + (i < lines.length - 1 ? 2 : 1)
      return pos
    })
    assert.deepEqual(positions(records), expected)
    assert.equal(expected.at(-1), Buffer.byteLength(text))
    await task.stop()
  })

  test('resumes after the stored offset, and positions continue from it', async () => {
    const file = tmp.file('resume.txt')
    await writeFile(file, 'one\ntwo\nthree\n')
    const offsets = new FixedOffsets().set({ filename: file }, { position: 4 })
    const task = startTask({ file, topic: TOPIC }, {}, offsets)
    const records = await pollRecords(task, 2, undefined, 5)
    assert.deepEqual(values(records), ['two', 'three'])
    assert.deepEqual(positions(records), [8, 14])
    await task.stop()

    // A position at the end reads nothing until the file grows.
    const atEnd = startTask(
      { file, topic: TOPIC },
      {},
      new FixedOffsets().set({ filename: file }, { position: 14 }),
    )
    assert.equal(await atEnd.poll(new AbortController().signal), null)
    await appendFile(file, 'four\n')
    assert.deepEqual(values(await atEnd.poll(new AbortController().signal)), ['four'])
    await atEnd.stop()

    // Past the end (a truncated file): a warning, then lines once the file grows past the position.
    const warnings: string[] = []
    const past = startTask(
      { file, topic: TOPIC },
      { warn: (m) => warnings.push(m) },
      new FixedOffsets().set({ filename: file }, { position: 22 }),
    )
    assert.equal(await past.poll(new AbortController().signal), null)
    assert.equal(warnings.length, 1)
    assert.match(warnings[0]!, /Stored position 22 is beyond the end of .*resume\.txt \(19 bytes\)/)
    await appendFile(file, 'fiver\nsix\n')
    const six = await past.poll(new AbortController().signal)
    // Reading starts exactly at the stored byte, mid-line if need be, as Kafka's skip does.
    assert.deepEqual(values(six), ['er', 'six'])
    assert.deepEqual(positions(six), [25, 29])
    await past.stop()
  })

  test('a stored offset of the wrong type fails the poll like Kafka', async () => {
    const file = tmp.file('bad-offset.txt')
    await writeFile(file, 'a\n')
    for (const bad of ['4', 1.5, -3]) {
      const task = startTask(
        { file, topic: TOPIC },
        {},
        new FixedOffsets().set({ filename: file }, { position: bad }),
      )
      await assert.rejects(task.poll(new AbortController().signal), (e: unknown) => ConnectError.is(e))
      await task.stop()
    }
    const nullPos = startTask(
      { file, topic: TOPIC },
      {},
      new FixedOffsets().set({ filename: file }, { position: null }),
    )
    assert.deepEqual(values(await nullPos.poll(new AbortController().signal)), ['a'], 'null position = start')
    await nullPos.stop()
  })

  test('returns at most batch.size records per poll and serves buffered lines before reading', async () => {
    const file = tmp.file('batch.txt')
    const line =
      'Neque porro quisquam est qui dolorem ipsum quia dolor sit amet, consectetur, adipisci velit...'
    await writeFile(file, `${line}\n`.repeat(5000))
    const task = startTask({ file, topic: TOPIC, 'batch.size': '2000' })
    const signal = new AbortController().signal
    const sizes: number[] = []
    for (let i = 0; i < 4; i++) sizes.push((await task.poll(signal))?.length ?? 0)
    assert.deepEqual(sizes, [2000, 2000, 1000, 0])
    await task.stop()
  })

  test('backlog(): the bytes after the last line returned, 0 at the end, the growth after a second', async () => {
    const file = tmp.file('backlog.txt')
    const line = `${'x'.repeat(99)}\n` // 100 bytes
    await writeFile(file, line.repeat(50))
    let now = 0
    // The task's clock: its time moves by hand, its waits end at once.
    const clock = { now: () => now, sleep: () => Promise.resolve() }
    const task = startTask({ file, topic: TOPIC, 'batch.size': '20' }, { clock })
    assert.equal(task.backlog(), undefined, 'nothing opened yet: unknown')
    const signal = new AbortController().signal
    assert.equal((await task.poll(signal))?.length, 20)
    assert.deepEqual(task.backlog(), { bytes: 30 * 100 }, 'the file size at open minus the 20 lines returned')
    assert.equal((await task.poll(signal))?.length, 20)
    assert.equal((await task.poll(signal))?.length, 10)
    assert.deepEqual(task.backlog(), { bytes: 0 })
    // The file grows: the next look (a second later on the task's clock) sees it.
    await appendFile(file, line.repeat(5))
    now += 1000
    task.backlog()
    await new Promise((r) => setTimeout(r, 50)) // the background stat
    assert.deepEqual(task.backlog(), { bytes: 500 })
    await task.stop()
  })

  test('tails the file: lines appended while polling arrive', async () => {
    const file = tmp.file('tail.txt')
    await writeFile(file, 'first\n')
    const task = startTask({ file, topic: TOPIC })
    const signal = new AbortController().signal
    assert.deepEqual(values(await task.poll(signal)), ['first'])
    assert.equal(await task.poll(signal), null, 'at EOF: waits, then returns nothing')
    const received: unknown[] = []
    const writer = (async () => {
      const h = await open(file, 'a')
      for (let i = 0; i < 20; i++) {
        await h.write(`appended ${i}\n`)
        await new Promise((r) => setTimeout(r, 2))
      }
      await h.close()
    })()
    for (let i = 0; i < 500 && received.length < 20; i++) received.push(...values(await task.poll(signal)))
    await writer
    assert.deepEqual(
      received,
      Array.from({ length: 20 }, (_, i) => `appended ${i}`),
    )
    await task.stop()
  })

  test('waits for a file that does not exist yet, warning once', async () => {
    const file = tmp.file('later.txt')
    const warnings: string[] = []
    const offsets = new FixedOffsets()
    const task = startTask({ file, topic: TOPIC }, { warn: (m) => warnings.push(m) }, offsets)
    const signal = new AbortController().signal
    for (let i = 0; i < 3; i++) assert.equal(await task.poll(signal), null)
    assert.equal(warnings.length, 1)
    assert.match(
      warnings[0]!,
      /Couldn't find file .*later\.txt for FileStreamSourceTask, sleeping to wait for it to be created/,
    )
    assert.equal(offsets.lookups.length, 0, 'offsets are read only once the file is open')
    await writeFile(file, 'now here\n')
    assert.deepEqual(values(await task.poll(signal)), ['now here'])
    await task.stop()
  })

  test('an unreadable path (a directory) fails the poll with a ConnectError', async () => {
    const task = startTask({ file: tmp.dir, topic: TOPIC })
    await assert.rejects(
      task.poll(new AbortController().signal),
      (e: unknown) => ConnectError.is(e) && e.message.includes(tmp.dir),
    )
    await task.stop()
  })

  test('aborting the poll signal ends a waiting poll at once (real timers, 60 s wait)', async () => {
    const file = tmp.file('abort.txt')
    await writeFile(file, '')
    const task = startTask({ file, topic: TOPIC }, { waitMs: 60_000 })
    const ac = new AbortController()
    const pending = task.poll(ac.signal)
    setTimeout(() => ac.abort(), 20)
    assert.equal(await within(pending, 5_000, 'aborted poll'), null)
    await task.stop()
  })

  test('a change of the file ends the wait at its end at once (file watch); the next poll reads it', async () => {
    // The frozen clock never ends the 1 s wait by itself: only the watch of the file can. The short wait
    // that lets a trickle of lines come together after a change ends at once.
    const clock = new WatchClock()
    const file = tmp.file('watch.txt')
    await writeFile(file, 'first\n')
    const task = startTask({ file, topic: TOPIC }, { clock })
    const signal = new AbortController().signal
    assert.deepEqual(values(await task.poll(signal)), ['first'])
    const pending = task.poll(signal)
    while (clock.sleeping === 0) await new Promise((r) => setImmediate(r))
    await appendFile(file, 'second\n')
    assert.equal(await within(pending, 5_000, 'poll woken by the file change'), null)
    assert.deepEqual(values(await task.poll(signal)), ['second'])
    await task.stop()
  })

  test('bytes written after the last read but before the wait began end the wait at once', async () => {
    const file = tmp.file('race.txt')
    await writeFile(file, 'unread\n')
    // Position 0 with 7 bytes in the file: what a source sees when a write lands between its read of
    // 0 bytes and its wait (the watch starts with the wait, so that write raised no event).
    const source = new FileByteSource(await open(file, 'r'), 0, 0, file)
    const clock = new WatchClock()
    await within(source.waitForData(60_000, clock, []), 5_000, 'wait with unread bytes')
    assert.equal(clock.sleeping, 0)
    await source.close()
  })

  test('stop() ends a waiting poll even if the signal is not aborted; later polls return null', async () => {
    const clock = new FrozenClock()
    const file = tmp.file('stop.txt')
    await writeFile(file, '')
    const task = startTask({ file, topic: TOPIC }, { clock })
    const signal = new AbortController().signal
    const pending = task.poll(signal)
    while (clock.sleeping === 0) await new Promise((r) => setImmediate(r))
    await task.stop()
    assert.equal(await within(pending, 5_000, 'poll after stop'), null)
    assert.equal(await task.poll(signal), null)
  })

  test('stop() while waiting for a missing file', async () => {
    const clock = new FrozenClock()
    const task = startTask({ file: tmp.file('never.txt'), topic: TOPIC }, { clock, warn: () => undefined })
    const pending = task.poll(new AbortController().signal)
    while (clock.sleeping === 0) await new Promise((r) => setImmediate(r))
    await task.stop()
    assert.equal(await within(pending, 5_000, 'poll after stop'), null)
  })

  test('100 000 random lines with mixed terminators and multi-byte text, through a 4 KiB buffer (about a thousand chunk boundaries)', async () => {
    const file = tmp.file('many.txt')
    const alphabet = ['a', 'b', 'é', '€', '𝄞', ' ', 'z']
    const terms = ['\n', '\r\n', '\r']
    let seed = 7
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) >>> 0
      return seed % n
    }
    const lines: string[] = []
    let text = ''
    let lastTerm = ''
    const ends: number[] = []
    let bytes = 0
    for (let i = 0; i < 100_000; i++) {
      let l = ''
      const len = rnd(40)
      for (let j = 0; j < len; j++) l += alphabet[rnd(alphabet.length)]
      // A lone \r, then an empty line ended by \n, reads as one \r\n: Kafka cannot tell them apart either.
      const t = l === '' && lastTerm === '\r' ? '\r' : terms[rnd(3)]!
      lastTerm = t
      lines.push(l)
      text += l + t
      bytes += Buffer.byteLength(l) + t.length
      ends.push(bytes)
    }
    text += 'x\n'
    lines.push('x')
    bytes += 2
    ends.push(bytes)
    await writeFile(file, text)
    const task = startTask({ file, topic: TOPIC, 'batch.size': '777' }, { bufferSize: 4096 })
    const records = await pollRecords(task, lines.length, undefined, 10_000)
    assert.equal(records.length, lines.length)
    assert.deepEqual(values(records), lines)
    assert.deepEqual(positions(records), ends)
    assert.equal(ends.at(-1), Buffer.byteLength(text))
    await task.stop()
  })
})

describe('FileStreamSourceTask on standard input (injected stream)', () => {
  test('reads lines, partition {filename: null}, offset {position: null}, wakes on data', async () => {
    const stdin = new PassThrough()
    const task = new FileStreamSourceTask({ stdin, waitMs: 60_000 })
    const offsets = new FixedOffsets()
    task.initialize(sourceContext({ topic: TOPIC }, offsets))
    task.start({ topic: TOPIC })
    const signal = new AbortController().signal
    stdin.write('line\nsecond\r\npart')
    assert.deepEqual(values(await task.poll(signal)), ['line', 'second'])
    // A 60 s wait ends as soon as data arrives: stdin is interactive.
    const pending = task.poll(signal)
    setTimeout(() => stdin.write('ial\n'), 20)
    assert.equal(await within(pending, 5_000, 'poll waiting for stdin'), null)
    const records = await task.poll(signal)
    assert.deepEqual(values(records), ['partial'])
    assert.deepEqual(records![0]!.sourcePartition, { filename: null })
    assert.deepEqual(records![0]!.sourceOffset, { position: null })
    assert.equal(offsets.lookups.length, 0, 'no offsets for stdin')
    await task.stop()
    assert.equal(stdin.destroyed, false, 'stdin is not closed')
  })
})
