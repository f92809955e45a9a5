import type { RunMetrics, ScenarioResult } from '../model.js'
import { consumerPerformance, type PerfToolResult, producerPerformance } from '../perf-tools.js'
import { Topics } from '../topics.js'
import { brokerCpu, type Case, type Context, measureCases, metrics, runDir } from './common.js'

interface Baseline {
  producerCpu: number
  consumerCpu: number
}

/**
 * The raw limit: Kafka's own ProducerPerformance and ConsumerPerformance, one JVM per run, with the
 * same acks and batching as the Connect workers' producers.
 *
 * A perf tool's CPU includes JVM start-up and client set-up, which a long-running worker pays once and
 * the per-record figure should not carry. So one 1-record run of each tool is measured first, and its
 * CPU is subtracted from every run: what remains is the CPU the records cost.
 */
export async function rawScenarios(ctx: Context): Promise<ScenarioResult[]> {
  const s = ctx.sizes
  const baseline = await measureBaseline(ctx)
  ctx.log(
    `raw: tool start-up baseline ${baseline.producerCpu.toFixed(2)} CPU s (producer), ` +
      `${baseline.consumerCpu.toFixed(2)} CPU s (consumer)`,
  )

  // Each round produces into fresh topics and the consumer cases read back what that round produced,
  // so every consumer run reads a topic written moments before (same page-cache state on both sizes).
  const produced = new Map<string, { topic: string; records: number }>()

  const producerCase = (
    id: string,
    title: string,
    recordSize: number,
    records: number,
    partitions: number,
  ): Case => ({
    id,
    group: 'raw',
    title,
    side: 'raw',
    params: { tool: 'ProducerPerformance', recordSize, records, partitions, acks: 'all' },
    async run(label) {
      const dir = runDir(ctx, { id, side: 'raw' }, label)
      const old = produced.get(id)
      if (old !== undefined) await ctx.topics.delete(old.topic)
      const topic = await ctx.topics.create(Topics.fresh(id), partitions)
      const b0 = brokerCpu(ctx)
      const r = await producerPerformance({ bootstrap: ctx.bootstrap, topic, records, recordSize, dir })
      const b1 = brokerCpu(ctx)
      produced.set(id, { topic, records })
      return toMetrics(r, recordSize, baseline.producerCpu, b0, b1)
    },
  })

  const consumerCase = (id: string, title: string, recordSize: number, from: string): Case => ({
    id,
    group: 'raw',
    title,
    side: 'raw',
    params: { tool: 'ConsumerPerformance', recordSize, partitions: 1, source: from },
    async run(label) {
      const dir = runDir(ctx, { id, side: 'raw' }, label)
      const src = produced.get(from)
      if (src === undefined) throw new Error(`${id} needs ${from} to have run first`)
      const b0 = brokerCpu(ctx)
      const r = await consumerPerformance({
        bootstrap: ctx.bootstrap,
        topic: src.topic,
        records: src.records,
        group: Topics.fresh(`${id}-group`),
        dir,
      })
      const b1 = brokerCpu(ctx)
      return toMetrics(r, recordSize, baseline.consumerCpu, b0, b1)
    },
  })

  const cases = [
    producerCase('raw-produce-100', 'Raw producer, 100 B, 1 partition', 100, s.raw100, 1),
    consumerCase('raw-consume-100', 'Raw consumer, 100 B, 1 partition', 100, 'raw-produce-100'),
    producerCase('raw-produce-1k', 'Raw producer, 1 KiB, 1 partition', 1024, s.raw1k, 1),
    consumerCase('raw-consume-1k', 'Raw consumer, 1 KiB, 1 partition', 1024, 'raw-produce-1k'),
    producerCase('raw-produce-100-p4', 'Raw producer, 100 B, 4 partitions', 100, s.raw100, 4),
  ]
  try {
    return await measureCases(ctx, cases)
  } finally {
    for (const { topic } of produced.values()) await ctx.topics.delete(topic)
  }
}

async function measureBaseline(ctx: Context): Promise<Baseline> {
  const dir = runDir(ctx, { id: 'raw-baseline', side: 'raw' }, 'baseline')
  const topic = await ctx.topics.create(Topics.fresh('raw-baseline'), 1)
  try {
    const p = await producerPerformance({ bootstrap: ctx.bootstrap, topic, records: 1, recordSize: 100, dir })
    const c = await consumerPerformance({
      bootstrap: ctx.bootstrap,
      topic,
      records: 1,
      group: Topics.fresh('raw-baseline-group'),
      dir,
    })
    return { producerCpu: p.cpuSeconds, consumerCpu: c.cpuSeconds }
  } finally {
    await ctx.topics.delete(topic)
  }
}

function toMetrics(
  r: PerfToolResult,
  recordSize: number,
  baselineCpu: number,
  b0: number | undefined,
  b1: number | undefined,
): RunMetrics {
  return metrics({
    records: r.records,
    complete: true,
    seconds: r.records / r.recordsPerSec,
    recordsPerSec: r.recordsPerSec,
    recordSize,
    cpuSeconds: Math.max(0, r.cpuSeconds - baselineCpu),
    cpuRecords: r.records,
    peakRssBytes: r.peakRssBytes,
    brokerCpuSeconds: b0 !== undefined && b1 !== undefined ? b1 - b0 : undefined,
  })
}
