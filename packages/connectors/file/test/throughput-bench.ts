/**
 * Rough local throughput of the connectors alone (no runtime, no Kafka): not a test, run by hand with
 * `node dist/test/throughput-bench.js [lines]`. It writes a file of `lines` lines (default 1,000,000),
 * reads it through `FileStreamSourceTask.poll` only, writes the values back through
 * `FileStreamSinkTask.put` only (batches of `batch.size` = 2000, records built beforehand and not
 * timed), checks the output equals the input, and times datagen's `poll` for 100-byte values.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { sinkRecord } from '@sluice/api'
import { DatagenTask, FileStreamSinkTask, FileStreamSourceTask } from '../src/index.js'
import { FixedOffsets, sourceContext, tempDir } from './support.js'

const total = Number(process.argv[2] ?? 1_000_000)
const runs = 3
const signal = new AbortController().signal

function report(what: string, ms: number[], records: number): void {
  const sorted = [...ms].sort((a, b) => a - b)
  const median = sorted[Math.floor(sorted.length / 2)]!
  console.log(
    `${what}: ${records} records, median ${median.toFixed(0)} ms of ${ms.map((m) => m.toFixed(0)).join('/')} → ` +
      `${Math.round(records / (median / 1000)).toLocaleString('en')} records/s`,
  )
}

const tmp = await tempDir()
try {
  const input = tmp.file('in.txt')
  const lines: string[] = []
  for (let i = 0; i < total; i++) lines.push(`This is line ${i} of the Sluice file source benchmark`)
  await writeFile(input, `${lines.join('\n')}\n`)

  const sourceMs: number[] = []
  let batches: string[][] = []
  for (let run = 0; run < runs; run++) {
    const task = new FileStreamSourceTask({ waitMs: 0 })
    task.initialize(sourceContext({}, new FixedOffsets()))
    task.start({ file: input, topic: 'bench' })
    const got: string[][] = []
    let n = 0
    const t0 = performance.now()
    while (n < total) {
      const records = await task.poll(signal)
      if (records === null) continue
      n += records.length
      got.push(records.map((r) => r.value as string))
    }
    sourceMs.push(performance.now() - t0)
    await task.stop()
    batches = got
  }
  report('FileStreamSourceTask.poll', sourceMs, total)

  const sinkMs: number[] = []
  let offset = 0
  const sinkBatches = batches.map((b) =>
    b.map((value) => sinkRecord({ topic: 'bench', kafkaPartition: 0, kafkaOffset: offset++, value })),
  )
  for (let run = 0; run < runs; run++) {
    const output = tmp.file(`out-${run}.txt`)
    const task = new FileStreamSinkTask()
    await task.start({ file: output })
    const t0 = performance.now()
    for (const b of sinkBatches) await task.put(b, signal)
    await task.flush([])
    sinkMs.push(performance.now() - t0)
    await task.stop()
    if (!(await readFile(output)).equals(await readFile(input)))
      throw new Error('sink output differs from input')
  }
  report('FileStreamSinkTask.put', sinkMs, total)

  for (const schema of ['STRING', 'BYTES']) {
    const ms: number[] = []
    for (let run = 0; run < runs; run++) {
      const task = new DatagenTask()
      const props = {
        topic: 'bench',
        'record.size': '100',
        'value.schema': schema,
        'max.records': String(total),
      }
      task.initialize(sourceContext(props))
      await task.start(props)
      let n = 0
      const t0 = performance.now()
      while (n < total) n += (await task.poll(signal))?.length ?? 0
      ms.push(performance.now() - t0)
      task.stop()
    }
    report(`DatagenTask.poll (${schema}, 100 B)`, ms, total)
  }
} finally {
  await tmp.cleanup()
}
