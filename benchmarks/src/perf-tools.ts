import { readFileSync } from 'node:fs'
import path from 'node:path'
import { kafkaDist } from './env.js'
import { memory, reapedChildrenCpuSeconds, sleep, spawnChild } from './proc.js'
import { PERF_TOOL_HEAP, RAW_PRODUCER_PROPS } from './settings.js'

/** What one perf-tool process reported and cost. */
export interface PerfToolResult {
  readonly records: number
  readonly recordsPerSec: number
  /** MiB/s, as Kafka's tools compute "MB/sec" (value bytes / 1024²). */
  readonly mibPerSec: number
  /** CPU seconds of the whole JVM process, start-up included. */
  readonly cpuSeconds: number
  readonly peakRssBytes: number
}

async function runTool(
  name: string,
  mainClass: string,
  args: string[],
  dir: string,
): Promise<{ out: string; cpuSeconds: number; peakRssBytes: number }> {
  const dist = await kafkaDist()
  const log4j = dist.writeLog4jConfig(path.join(dir, 'tools-log4j2.properties'), { level: 'WARN' })
  const logFile = path.join(dir, `${name}.log`)
  const cpuBefore = reapedChildrenCpuSeconds()
  const child = spawnChild(
    name,
    'java',
    [
      ...PERF_TOOL_HEAP,
      ...dist.JVM_PERFORMANCE_OPTS,
      `-Dlog4j2.configurationFile=${log4j}`,
      '-cp',
      dist.classpath(),
      mainClass,
      ...args,
    ],
    logFile,
  )
  // VmHWM only grows, so the last sample before exit is the peak (to within one 100 ms sample).
  let peak = 0
  const sampler = setInterval(() => {
    peak = Math.max(peak, memory(child.pid)?.peak ?? 0)
  }, 100)
  try {
    const status = await Promise.race([
      child.exited,
      sleep(300_000).then(() => {
        throw new Error(`${name} did not finish within 300 s`)
      }),
    ])
    if (status.code !== 0)
      throw new Error(`${name} failed (${status.signal ?? status.code}):\n${child.tail()}`)
  } finally {
    clearInterval(sampler)
    await child.stop()
  }
  // Exact CPU of the exited JVM; valid because the harness runs one child at a time.
  const cpuSeconds = reapedChildrenCpuSeconds() - cpuBefore
  return { out: readFileSync(logFile, 'utf8'), cpuSeconds, peakRssBytes: peak }
}

/**
 * Kafka's ProducerPerformance: `records` values of `recordSize` bytes to `topic`, unthrottled, with
 * the connector workers' producer settings.
 */
export async function producerPerformance(opts: {
  bootstrap: string
  topic: string
  records: number
  recordSize: number
  dir: string
  name?: string
}): Promise<PerfToolResult> {
  const props = Object.entries({ 'bootstrap.servers': opts.bootstrap, ...RAW_PRODUCER_PROPS }).map(
    ([k, v]) => `${k}=${v}`,
  )
  const { out, ...cost } = await runTool(
    opts.name ?? 'producer-perf',
    'org.apache.kafka.tools.ProducerPerformance',
    [
      '--topic',
      opts.topic,
      '--num-records',
      String(opts.records),
      '--record-size',
      String(opts.recordSize),
      '--throughput',
      '-1',
      '--producer-props',
      ...props,
    ],
    opts.dir,
  )
  // Final line: "N records sent, X records/sec (Y MB/sec), A ms avg latency, M ms max latency, …".
  const lines = [...out.matchAll(/^(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\)/gm)]
  const m = lines.at(-1)
  if (m === undefined) throw new Error(`ProducerPerformance printed no summary:\n${out.slice(-2000)}`)
  return {
    records: Number(m[1]),
    recordsPerSec: Number(m[2]),
    mibPerSec: Number(m[3]),
    ...cost,
  }
}

/** Kafka's ConsumerPerformance: reads `records` records of `topic` from the start in a fresh group. */
export async function consumerPerformance(opts: {
  bootstrap: string
  topic: string
  records: number
  group: string
  dir: string
  name?: string
}): Promise<PerfToolResult> {
  const { out, ...cost } = await runTool(
    opts.name ?? 'consumer-perf',
    'org.apache.kafka.tools.ConsumerPerformance',
    [
      '--bootstrap-server',
      opts.bootstrap,
      '--topic',
      opts.topic,
      '--messages',
      String(opts.records),
      '--group',
      opts.group,
      '--timeout',
      '60000',
      '--hide-header',
    ],
    opts.dir,
  )
  // CSV: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
  // rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec. The fetch.* columns leave out the
  // group join, which a sink connector pays once at start, not per record.
  const row = out
    .split('\n')
    .map((l) => l.split(',').map((s) => s.trim()))
    .filter((f) => f.length >= 10 && /^\d{4}-\d\d-\d\d/.test(f[0] ?? ''))
    .at(-1)
  if (row === undefined) throw new Error(`ConsumerPerformance printed no result row:\n${out.slice(-2000)}`)
  const records = Number(row[4])
  if (records < opts.records)
    throw new Error(`ConsumerPerformance read ${records} of ${opts.records} records:\n${out.slice(-2000)}`)
  return {
    records,
    recordsPerSec: Number(row[9]),
    mibPerSec: Number(row[8]),
    ...cost,
  }
}
