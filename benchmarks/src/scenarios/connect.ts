import {
  closeSync,
  existsSync,
  openSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import path from 'node:path'
import type { RunMetrics, ScenarioResult, Side } from '../model.js'
import { producerPerformance } from '../perf-tools.js'
import { FILE_SOURCE_BATCH_SIZE, RECORD_SIZE } from '../settings.js'
import { Topics } from '../topics.js'
import { type ConnectWorker, type Runtime, startWorker } from '../workers.js'
import { brokerCpu, type Case, type Context, measureCases, metrics, rateOf, runDir, track } from './common.js'

/**
 * The 3-transform chain of the `-smt3` cases (issue 11): wrap the string value in a struct, add a static
 * field, take the value back out. Each record goes through a struct build, a schema-cache lookup per
 * transform and a field extraction, and the output stays byte-identical, so counts and sizes still hold.
 */
export const SMT3_CHAIN: Readonly<Record<string, string>> = {
  transforms: 'hoist,insert,extract',
  'transforms.hoist.type': 'org.apache.kafka.connect.transforms.HoistField$Value',
  'transforms.hoist.field': 'line',
  'transforms.insert.type': 'org.apache.kafka.connect.transforms.InsertField$Value',
  'transforms.insert.static.field': 'origin',
  'transforms.insert.static.value': 'bench',
  'transforms.extract.type': 'org.apache.kafka.connect.transforms.ExtractField$Value',
  'transforms.extract.field': 'line',
}

/** Options a scenario passes to {@link connectRun}. */
interface ConnectRun {
  readonly ctx: Context
  readonly runtime: Runtime
  readonly dir: string
  /** Connectors to create, in order, once the worker's REST API answers. */
  readonly connectors: ReadonlyArray<{ name: string; tasks: number; config: Record<string, string> }>
  /** How many records the run moves, and how to count them. */
  readonly target: number
  readonly count: () => Promise<number> | number
  readonly nodeFlags?: readonly string[] | undefined
  /** Value size of the records, for MiB/s (default RECORD_SIZE). */
  readonly recordSize?: number
}

/**
 * One timed run on a fresh worker: start it (time to REST ready), create the connectors, then follow the
 * count until the target. CPU is the worker process's utime+stime from connector creation to the last
 * record; peak RSS is its VmHWM over its whole life. The worker is always stopped, also on failure.
 */
export async function connectRun(r: ConnectRun): Promise<RunMetrics> {
  const worker: ConnectWorker = await startWorker({
    runtime: r.runtime,
    dir: r.dir,
    bootstrap: r.ctx.bootstrap,
    ...(r.nodeFlags !== undefined ? { nodeFlags: r.nodeFlags } : {}),
  })
  try {
    const cpu0 = worker.cpuSeconds()
    const main0 = worker.mainThreadCpuSeconds()
    const b0 = brokerCpu(r.ctx)
    const startAt = performance.now()
    for (const c of r.connectors) await worker.createConnector(c.name, c.config)
    const t = await track(r.count, r.target, startAt, r.ctx.sizes.runTimeoutMs)
    if (!t.complete) await saveDiagnostics(r, worker, t.count)
    const cpu1 = worker.cpuSeconds()
    const main1 = worker.mainThreadCpuSeconds()
    const b1 = brokerCpu(r.ctx)
    const peak = worker.peakRssBytes()
    const rate = rateOf(t, startAt)
    return metrics({
      records: r.target,
      complete: t.complete,
      seconds: rate.seconds,
      recordsPerSec: rate.recordsPerSec,
      recordSize: r.recordSize ?? RECORD_SIZE,
      cpuSeconds: cpu1 - cpu0,
      mainThreadCpuSeconds: main1 - main0,
      cpuRecords: t.count,
      peakRssBytes: peak,
      brokerCpuSeconds: b0 !== undefined && b1 !== undefined ? b1 - b0 : undefined,
      restReadyMs: worker.restReadyMs,
      firstRecordMs: t.firstAt - startAt,
    })
  } finally {
    await worker.stop()
  }
}

/** Leaves evidence of an incomplete run next to its log: connector statuses and the counts seen. */
async function saveDiagnostics(r: ConnectRun, worker: ConnectWorker, count: number): Promise<void> {
  let status: unknown
  try {
    status = await (await fetch(`${worker.url}/connectors?expand=status&expand=info`)).json()
  } catch (err) {
    status = `GET /connectors failed: ${(err as Error).message}`
  }
  const groups: Record<string, unknown> = {}
  for (const c of r.connectors) {
    groups[`connect-${c.name}`] = await r.ctx.topics.groupOffsets(`connect-${c.name}`).catch((e) => String(e))
  }
  writeFileSync(
    path.join(r.dir, 'diagnostics.json'),
    `${JSON.stringify({ target: r.target, count, status, groups }, null, 2)}\n`,
  )
  r.ctx.log(`  incomplete run: diagnostics in ${path.join(r.dir, 'diagnostics.json')}`)
}

/** Writes `n` lines of exactly RECORD_SIZE characters (plus "\n"), numbered so any line can be traced. */
export function writeLines(file: string, n: number): void {
  const fd = openSync(file, 'w')
  try {
    const filler = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.repeat(
      Math.ceil(RECORD_SIZE / 62) + 1,
    )
    const perChunk = 10_000
    for (let start = 0; start < n; start += perChunk) {
      const end = Math.min(n, start + perChunk)
      let chunk = ''
      for (let i = start; i < end; i++) {
        const head = `${String(i).padStart(10, '0')} `
        chunk += `${head}${filler.slice(i % 62, (i % 62) + RECORD_SIZE - head.length)}\n`
      }
      writeSync(fd, chunk)
    }
  } finally {
    closeSync(fd)
  }
}

/** Lines in a sink file, from its size: every value is RECORD_SIZE bytes plus the newline. */
function sinkLines(file: string, recordSize = RECORD_SIZE): number {
  try {
    return Math.floor(statSync(file).size / (recordSize + 1))
  } catch {
    return 0
  }
}

/** Counts the newlines of a file (the check that the size-based count saw whole, well-formed lines). */
export function countNewlines(file: string): number {
  if (!existsSync(file)) return 0
  const fd = openSync(file, 'r')
  const buf = Buffer.allocUnsafe(1 << 20)
  let n = 0
  try {
    for (;;) {
      const got = readSync(fd, buf, 0, buf.length, null)
      if (got === 0) break
      let i = buf.indexOf(10)
      while (i !== -1 && i < got) {
        n++
        i = buf.indexOf(10, i + 1)
      }
    }
  } finally {
    closeSync(fd)
  }
  return n
}

/**
 * Source: FileStreamSource on both runtimes over the same N-line file into a fresh 1-partition topic
 * each run (FileStreamSource always runs one task); then Sluice's datagen at 1 and 4 tasks into a fresh
 * 4-partition topic.
 */
export async function sourceScenarios(ctx: Context, sides: readonly Runtime[]): Promise<ScenarioResult[]> {
  const input = path.join(ctx.workDir, 'source-input.txt')
  const n = ctx.sizes.source
  writeLines(input, n)
  const fileCase = (side: Runtime): Case => ({
    id: 'source-file',
    group: 'source',
    title: `FileStreamSource, ${n.toLocaleString('en-US')} lines of ${RECORD_SIZE} B → 1 partition`,
    side,
    params: { connector: 'FileStreamSource', records: n, recordSize: RECORD_SIZE, partitions: 1, tasks: 1 },
    run: (label) => fileSourceRun(ctx, side, input, n, runDir(ctx, { id: 'source-file', side }, label)),
  })
  const chainCase = (side: Runtime): Case => ({
    id: 'source-file-smt3',
    group: 'source',
    title: `FileStreamSource + 3 SMTs (HoistField, InsertField, ExtractField), ${n.toLocaleString('en-US')} lines of ${RECORD_SIZE} B → 1 partition`,
    side,
    params: {
      connector: 'FileStreamSource',
      records: n,
      recordSize: RECORD_SIZE,
      partitions: 1,
      tasks: 1,
      transforms: 3,
    },
    run: (label) =>
      fileSourceRun(
        ctx,
        side,
        input,
        n,
        runDir(ctx, { id: 'source-file-smt3', side }, label),
        undefined,
        SMT3_CHAIN,
      ),
  })
  return measureCases(ctx, [...sides.map(fileCase), ...sides.map(chainCase)])
}

/** One FileStreamSource run (also what `--profile` re-runs). */
export async function fileSourceRun(
  ctx: Context,
  side: Runtime,
  input: string,
  n: number,
  dir: string,
  nodeFlags?: readonly string[],
  transforms: Readonly<Record<string, string>> = {},
): Promise<RunMetrics> {
  const topic = await ctx.topics.create(Topics.fresh(`source-${side}`), 1)
  try {
    return await connectRun({
      ctx,
      runtime: side,
      dir,
      nodeFlags,
      connectors: [
        {
          name: 'bench-file-source',
          tasks: 1,
          config: {
            'connector.class': 'FileStreamSource',
            'tasks.max': '1',
            file: input,
            topic,
            'batch.size': FILE_SOURCE_BATCH_SIZE,
            ...transforms,
          },
        },
      ],
      target: n,
      count: () => ctx.topics.count(topic),
    })
  } finally {
    await ctx.topics.delete(topic)
  }
}

export async function datagenScenarios(ctx: Context): Promise<ScenarioResult[]> {
  const n = ctx.sizes.datagen
  const dgCase = (tasks: number): Case => ({
    id: `source-datagen-${tasks}`,
    group: 'datagen',
    title: `Datagen, ${tasks} task${tasks > 1 ? 's' : ''}, ${n.toLocaleString('en-US')} × ${RECORD_SIZE} B → 4 partitions`,
    side: 'sluice',
    params: { connector: 'Datagen', records: n, recordSize: RECORD_SIZE, partitions: 4, tasks },
    run: (label) =>
      datagenRun(ctx, tasks, n, runDir(ctx, { id: `source-datagen-${tasks}`, side: 'sluice' }, label)),
  })
  return measureCases(ctx, [dgCase(1), dgCase(4)])
}

export async function datagenRun(
  ctx: Context,
  tasks: number,
  n: number,
  dir: string,
  nodeFlags?: readonly string[],
): Promise<RunMetrics> {
  const topic = await ctx.topics.create(Topics.fresh(`datagen-${tasks}`), 4)
  try {
    return await connectRun({
      ctx,
      runtime: 'sluice',
      dir,
      nodeFlags,
      connectors: [
        {
          name: 'bench-datagen',
          tasks,
          config: {
            'connector.class': 'Datagen',
            'tasks.max': String(tasks),
            topic,
            'record.size': String(RECORD_SIZE),
            'max.records': String(n),
            partitions: '4',
          },
        },
      ],
      target: n,
      count: () => ctx.topics.count(topic),
    })
  } finally {
    await ctx.topics.delete(topic)
  }
}

/**
 * Sink: one topic pre-filled once (ProducerPerformance, RECORD_SIZE-byte values of letters), drained by
 * FileStreamSink on each side into a fresh file, each run in a fresh consumer group (a new connector
 * name) so every run reads the whole topic from the start.
 */
export async function sinkScenarios(ctx: Context, sides: readonly Runtime[]): Promise<ScenarioResult[]> {
  const n = ctx.sizes.sink
  // 1 KiB values: a quarter of the records, as the raw 1 KiB runs, so both variants move similar bytes.
  const n1k = Math.max(1, Math.round(n / 4))
  const topic = await prefillSinkTopic(ctx, n, path.join(ctx.workDir, 'sink-prefill'))
  let topic1k: string | undefined
  try {
    topic1k = await prefillSinkTopic(ctx, n1k, path.join(ctx.workDir, 'sink-prefill-1k'), 1024)
    let seq = 0
    const sinkCase = (side: Runtime, id: string, t: string, count: number, size: number): Case => ({
      id,
      group: 'sink',
      title: `FileStreamSink, ${count.toLocaleString('en-US')} × ${size === 1024 ? '1 KiB' : `${size} B`} from 1 partition`,
      side,
      params: { connector: 'FileStreamSink', records: count, recordSize: size, partitions: 1, tasks: 1 },
      run: (label) =>
        fileSinkRun(ctx, side, t, count, runDir(ctx, { id, side }, label), seq++, undefined, size),
    })
    const chainCase = (side: Runtime): Case => ({
      id: 'sink-file-smt3',
      group: 'sink',
      title: `FileStreamSink + 3 SMTs (HoistField, InsertField, ExtractField), ${n.toLocaleString('en-US')} × ${RECORD_SIZE} B from 1 partition`,
      side,
      params: {
        connector: 'FileStreamSink',
        records: n,
        recordSize: RECORD_SIZE,
        partitions: 1,
        tasks: 1,
        transforms: 3,
      },
      run: (label) =>
        fileSinkRun(
          ctx,
          side,
          topic,
          n,
          runDir(ctx, { id: 'sink-file-smt3', side }, label),
          seq++,
          undefined,
          RECORD_SIZE,
          SMT3_CHAIN,
        ),
    })
    return await measureCases(ctx, [
      ...sides.map((side) => sinkCase(side, 'sink-file', topic, n, RECORD_SIZE)),
      ...sides.map((side) => sinkCase(side, 'sink-file-1k', topic1k!, n1k, 1024)),
      ...sides.map(chainCase),
    ])
  } finally {
    await ctx.topics.delete(topic)
    if (topic1k !== undefined) await ctx.topics.delete(topic1k)
  }
}

/** A fresh 1-partition topic holding `n` RECORD_SIZE-byte values (ProducerPerformance: letters A–Z). */
export async function prefillSinkTopic(
  ctx: Context,
  n: number,
  dir: string,
  recordSize = RECORD_SIZE,
): Promise<string> {
  const topic = await ctx.topics.create(Topics.fresh('sink-input'), 1)
  ctx.log(`sink: pre-filling ${topic} with ${n} records`)
  await producerPerformance({
    bootstrap: ctx.bootstrap,
    topic,
    records: n,
    recordSize,
    dir,
    name: 'sink-prefill',
  })
  const have = await ctx.topics.count(topic)
  if (have !== n) throw new Error(`sink pre-fill wrote ${have} of ${n} records`)
  return topic
}

export async function fileSinkRun(
  ctx: Context,
  side: Side,
  topic: string,
  n: number,
  dir: string,
  seq: number,
  nodeFlags?: readonly string[],
  recordSize = RECORD_SIZE,
  transforms: Readonly<Record<string, string>> = {},
): Promise<RunMetrics> {
  if (side === 'raw') throw new Error('the sink scenario runs on a Connect worker')
  const out = path.join(dir, 'sink-output.txt')
  const m = await connectRun({
    ctx,
    runtime: side,
    dir,
    nodeFlags,
    recordSize,
    connectors: [
      {
        // A new name is a new consumer group (connect-<name>): the run starts at the earliest offset.
        name: `bench-file-sink-${side}-${seq}-${Date.now()}`,
        tasks: 1,
        config: {
          'connector.class': 'FileStreamSink',
          'tasks.max': '1',
          file: out,
          topics: topic,
          ...transforms,
        },
      },
    ],
    target: n,
    count: () => sinkLines(out, recordSize),
  })
  const lines = countNewlines(out)
  // The output is as large as the topic: only its line count is kept.
  rmSync(out, { force: true })
  if (m.complete && lines !== n) throw new Error(`${side} sink wrote ${lines} lines, expected ${n}`)
  return m
}
