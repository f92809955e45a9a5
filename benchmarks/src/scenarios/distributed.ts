import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { kafkaDist, repoRoot, sluiceCli } from '../env.js'
import type { RunMetrics, ScenarioResult } from '../model.js'
import { type Child, cpuSeconds, memory, sleep, spawnChild } from '../proc.js'
import { COMMON_WORKER_PROPS, CONNECT_HEAP, RECORD_SIZE } from '../settings.js'
import { Topics } from '../topics.js'
import type { Runtime } from '../workers.js'
import { freePort } from '../workers.js'
import { type Case, type Context, measureCases, metrics, rateOf, runDir, track } from './common.js'
import { countNewlines, prefillSinkTopic } from './connect.js'

/**
 * Distributed mode (issue 10): one Connect group of workers on one host, Java-only or Sluice-only with the
 * same group settings.
 * - `distributed-failover`: three workers run 6 FileStreamSink tasks; kill -9 of the worker with the most
 *   tasks → every task RUNNING on the survivors (failure detection = session.timeout.ms, then
 *   scheduled.rebalance.max.delay.ms); then a new worker joins → balanced again (2 tasks each).
 * - `distributed-sink-1w` / `-2w`: FileStreamSink throughput of one vs two Sluice worker processes in one
 *   group (4 connectors × 1 task, one topic each), CPU summed over the worker processes.
 */

/** Group settings both runtimes get (short failure detection so a run takes seconds, not minutes). */
export const DISTRIBUTED_GROUP_PROPS: Readonly<Record<string, string>> = {
  'session.timeout.ms': '6000',
  'heartbeat.interval.ms': '1000',
  'scheduled.rebalance.max.delay.ms': '2000',
  'config.storage.replication.factor': '1',
  'offset.storage.replication.factor': '1',
  'status.storage.replication.factor': '1',
  'offset.storage.partitions': '5',
  'status.storage.partitions': '3',
  'offset.flush.interval.ms': '10000',
}

interface GroupWorker {
  readonly child: Child
  readonly url: string
  /** `host:port`, the `worker_id` of its statuses. */
  readonly workerId: string
  /** Process spawn → `GET /health` 200 (ms). */
  readonly restReadyMs: number
  /** `performance.now()` when its REST API first answered 200 on /health. */
  readonly readyAt: number
}

interface TaskStatus {
  readonly state: string
  readonly worker_id: string
}

function writeProps(file: string, props: Readonly<Record<string, string>>): string {
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(
    file,
    `${Object.entries(props)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n')}\n`,
  )
  return file
}

/** Starts one distributed worker of `groupId`; resolves once `GET /health` answers 200. */
async function startGroupWorker(
  runtime: Runtime,
  dir: string,
  ctx: Context,
  id: string,
): Promise<GroupWorker> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const props = writeProps(path.join(dir, 'worker.properties'), {
    'bootstrap.servers': ctx.bootstrap,
    ...COMMON_WORKER_PROPS,
    ...DISTRIBUTED_GROUP_PROPS,
    'group.id': `${id}-group`,
    'config.storage.topic': `${id}-configs`,
    'offset.storage.topic': `${id}-offsets`,
    'status.storage.topic': `${id}-status`,
    listeners: url,
    ...(runtime === 'java' ? { 'plugin.discovery': 'service_load' } : {}),
  })
  let cmd: string
  let args: string[]
  if (runtime === 'java') {
    const dist = await kafkaDist()
    const log4j = dist.writeLog4jConfig(path.join(dir, 'connect-log4j2.properties'), {
      quiet: ['org.apache.kafka.clients', 'org.reflections'],
    })
    cmd = 'java'
    args = [
      ...CONNECT_HEAP,
      ...dist.JVM_PERFORMANCE_OPTS,
      `-Dkafka.logs.dir=${dir}`,
      `-Dlog4j2.configurationFile=${log4j}`,
      '-cp',
      dist.classpath(),
      'org.apache.kafka.connect.cli.ConnectDistributed',
      props,
    ]
  } else {
    const cli = sluiceCli()
    if (cli.file === undefined) throw new Error(`cannot run Sluice: ${cli.reason}`)
    cmd = process.execPath
    args = [cli.file, 'distributed', props]
  }
  const child = spawnChild(`${runtime} distributed worker`, cmd, args, path.join(dir, 'worker.log'), {
    cwd: runtime === 'sluice' ? repoRoot : dir,
  })
  const deadline = Date.now() + 120_000
  for (;;) {
    if (!child.running())
      throw new Error(`${runtime} worker exited during start-up; log ${child.logFile}:\n${child.tail()}`)
    try {
      const r = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) })
      await r.text()
      if (r.status === 200) break
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await child.stop()
      throw new Error(`${runtime} worker REST did not answer within 120 s; log:\n${child.tail()}`)
    }
    await sleep(25)
  }
  const readyAt = performance.now()
  return { child, url, workerId: `127.0.0.1:${port}`, restReadyMs: readyAt - child.startedAt, readyAt }
}

/** POST /connectors, retried while the group forms (409) or the request is forwarded to a leader that moved. */
async function createConnector(w: GroupWorker, name: string, config: Record<string, string>): Promise<void> {
  const deadline = Date.now() + 60_000
  for (;;) {
    const r = await fetch(`${w.url}/connectors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, config: { name, ...config } }),
      signal: AbortSignal.timeout(60_000),
    }).catch((err: unknown) => ({ status: 0, text: async () => String(err) }))
    const text = await r.text()
    if (r.status === 201) return
    if (r.status !== 409 && r.status !== 0 && r.status < 500)
      throw new Error(`POST /connectors ${name} answered ${r.status}: ${text}`)
    if (Date.now() > deadline)
      throw new Error(`POST /connectors ${name}: still ${r.status} after 60 s: ${text}`)
    await sleep(200)
  }
}

/** Task statuses of `names` as `via` reports them, or undefined while any is missing. */
async function taskStatuses(
  via: GroupWorker,
  names: readonly string[],
): Promise<Map<string, TaskStatus> | undefined> {
  const out = new Map<string, TaskStatus>()
  for (const name of names) {
    const r = await fetch(`${via.url}/connectors/${name}/status`, { signal: AbortSignal.timeout(5_000) })
    if (r.status !== 200) {
      await r.text()
      return undefined
    }
    const s = (await r.json()) as { connector: TaskStatus; tasks: Array<TaskStatus & { id: number }> }
    if (s.connector.state !== 'RUNNING' || s.tasks.length === 0) return undefined
    for (const t of s.tasks) out.set(`${name}-${t.id}`, t)
  }
  return out
}

/** Polls until `ok(statuses)`; resolves with `performance.now()` at that moment. */
async function until(
  what: string,
  via: GroupWorker,
  names: readonly string[],
  ok: (s: Map<string, TaskStatus>) => boolean,
  timeoutMs = 120_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const s = await taskStatuses(via, names).catch(() => undefined)
    if (s !== undefined && ok(s)) return performance.now()
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(50)
  }
}

const allRunningOn = (live: ReadonlySet<string>) => (s: Map<string, TaskStatus>) =>
  [...s.values()].every((t) => t.state === 'RUNNING' && live.has(t.worker_id))

const balanced = (live: ReadonlySet<string>, tasks: number) => (s: Map<string, TaskStatus>) => {
  if (!allRunningOn(live)(s)) return false
  const per = new Map([...live].map((w) => [w, 0]))
  for (const t of s.values()) per.set(t.worker_id, (per.get(t.worker_id) ?? 0) + 1)
  const min = Math.floor(tasks / live.size)
  return [...per.values()].every((n) => n === min || n === min + 1)
}

/** Extra figures of a failover run (on top of RunMetrics). */
export interface FailoverFigures {
  /** kill -9 → every task of the killed worker RUNNING on a survivor (ms). */
  readonly failoverMs: number
  /** New worker's REST ready → tasks balanced over 3 workers again (ms). */
  readonly joinBalancedMs: number
  /** New worker's process spawn → balanced (ms), start-up included. */
  readonly spawnBalancedMs: number
}

const FAILOVER_TASKS = 6

async function failoverRun(ctx: Context, runtime: Runtime, dir: string, topic: string): Promise<RunMetrics> {
  const id = Topics.fresh(`bench-dist-${runtime}`)
  const workers: GroupWorker[] = []
  try {
    for (let n = 0; n < 3; n++)
      workers.push(await startGroupWorker(runtime, path.join(dir, `w${n}`), ctx, id))
    const names = Array.from({ length: FAILOVER_TASKS }, (_, i) => `${id}-sink-${i}`)
    // Any worker answers: the creates are spread over the three (followers forward to the leader).
    for (const [i, name] of names.entries())
      await createConnector(workers[i % 3] as GroupWorker, name, {
        'connector.class': 'FileStreamSink',
        'tasks.max': '1',
        file: path.join(dir, `${name}.out`),
        topics: topic,
      })
    const three = new Set(workers.map((w) => w.workerId))
    await until(
      '6 tasks balanced over 3 workers',
      workers[0] as GroupWorker,
      names,
      balanced(three, FAILOVER_TASKS),
    )
    // The victim: the worker running the most tasks (ties: the first).
    const s = (await taskStatuses(workers[0] as GroupWorker, names)) as Map<string, TaskStatus>
    const load = (w: GroupWorker) => [...s.values()].filter((t) => t.worker_id === w.workerId).length
    const victim = [...workers].sort((a, b) => load(b) - load(a))[0] as GroupWorker
    const survivors = workers.filter((w) => w !== victim)
    const killedAt = performance.now()
    process.kill(victim.child.pid, 'SIGKILL')
    await victim.child.exited
    const live = new Set(survivors.map((w) => w.workerId))
    const failedOverAt = await until(
      'every task RUNNING on the survivors',
      survivors[0] as GroupWorker,
      names,
      allRunningOn(live),
    )
    await until(
      'balanced on the survivors',
      survivors[0] as GroupWorker,
      names,
      balanced(live, FAILOVER_TASKS),
    )
    const joiner = await startGroupWorker(runtime, path.join(dir, 'w3'), ctx, id)
    workers.push(joiner)
    const live3 = new Set([...live, joiner.workerId])
    const balancedAt = await until(
      'balanced over 3 workers after the join',
      survivors[0] as GroupWorker,
      names,
      balanced(live3, FAILOVER_TASKS),
    )
    const figures: FailoverFigures = {
      failoverMs: Math.round(failedOverAt - killedAt),
      joinBalancedMs: Math.round(balancedAt - joiner.readyAt),
      spawnBalancedMs: Math.round(balancedAt - joiner.child.startedAt),
    }
    ctx.log(
      `  ${runtime}: kill -9 → RUNNING elsewhere ${figures.failoverMs} ms; join (REST ready) → balanced ${figures.joinBalancedMs} ms (spawn → balanced ${figures.spawnBalancedMs} ms)`,
    )
    const peak = Math.max(...workers.map((w) => memory(w.child.pid)?.peak ?? 0))
    return {
      ...metrics({
        records: 0,
        complete: true,
        seconds: figures.failoverMs / 1000,
        recordsPerSec: Number.NaN,
        recordSize: RECORD_SIZE,
        cpuSeconds: Number.NaN,
        cpuRecords: 0,
        peakRssBytes: peak,
        restReadyMs: joiner.restReadyMs,
      }),
      ...figures,
    }
  } finally {
    await Promise.all(workers.map((w) => w.child.stop()))
    for (let i = 0; i < FAILOVER_TASKS; i++) rmSync(path.join(dir, `${id}-sink-${i}.out`), { force: true })
  }
}

const SINK_CONNECTORS = 4

function sizeLines(file: string): number {
  try {
    return Math.floor(statSync(file).size / (RECORD_SIZE + 1))
  } catch {
    return 0
  }
}

async function groupSinkRun(
  ctx: Context,
  processes: number,
  topics: readonly string[],
  perTopic: number,
  dir: string,
  seq: number,
): Promise<RunMetrics> {
  const id = Topics.fresh(`bench-dist-sink-${processes}w`)
  const workers: GroupWorker[] = []
  try {
    for (let n = 0; n < processes; n++)
      workers.push(await startGroupWorker('sluice', path.join(dir, `w${n}`), ctx, id))
    const cpu0 = workers.map((w) => cpuSeconds(w.child.pid) ?? Number.NaN)
    const outs = topics.map((_t, i) => path.join(dir, `sink-${i}.out`))
    const startAt = performance.now()
    for (const [i, topic] of topics.entries())
      await createConnector(workers[i % processes] as GroupWorker, `${id}-sink-${seq}-${i}`, {
        'connector.class': 'FileStreamSink',
        'tasks.max': '1',
        file: outs[i] as string,
        topics: topic,
      })
    const target = perTopic * topics.length
    const t = await track(
      () => outs.reduce((n, f) => n + sizeLines(f), 0),
      target,
      startAt,
      ctx.sizes.runTimeoutMs,
    )
    const cpu1 = workers.map((w) => cpuSeconds(w.child.pid) ?? Number.NaN)
    const cpu = cpu1.reduce((s, c, i) => s + (c - (cpu0[i] ?? 0)), 0)
    const peak = workers.reduce((s, w) => s + (memory(w.child.pid)?.peak ?? 0), 0)
    const rate = rateOf(t, startAt)
    const lines = outs.reduce((n, f) => n + countNewlines(f), 0)
    if (t.complete && lines !== target) throw new Error(`the sinks wrote ${lines} lines, expected ${target}`)
    return metrics({
      records: target,
      complete: t.complete,
      seconds: rate.seconds,
      recordsPerSec: rate.recordsPerSec,
      recordSize: RECORD_SIZE,
      cpuSeconds: cpu,
      cpuRecords: t.count,
      peakRssBytes: peak,
      restReadyMs: Math.max(...workers.map((w) => w.restReadyMs)),
      firstRecordMs: t.firstAt - startAt,
    })
  } finally {
    await Promise.all(workers.map((w) => w.child.stop()))
    for (let i = 0; i < topics.length; i++) rmSync(path.join(dir, `sink-${i}.out`), { force: true })
  }
}

/** The distributed group: failover/join per side, then 1 vs 2 Sluice processes of the file sink. */
export async function distributedScenarios(
  ctx: Context,
  sides: readonly Runtime[],
): Promise<ScenarioResult[]> {
  const out: ScenarioResult[] = []
  const small = await ctx.topics.create(Topics.fresh('dist-failover-input'), 1)
  try {
    // Failure detection does not warm up: no discarded runs.
    const noWarmup: Context = { ...ctx, sizes: { ...ctx.sizes, warmups: 0 } }
    const failoverCases: Case[] = sides.map((side) => ({
      id: 'distributed-failover',
      group: 'distributed',
      title: `3 workers, ${FAILOVER_TASKS} sink tasks: kill -9 → RUNNING elsewhere; join → balanced`,
      side,
      params: { workers: 3, tasks: FAILOVER_TASKS, ...DISTRIBUTED_GROUP_PROPS },
      run: (label) => failoverRun(ctx, side, runDir(ctx, { id: 'distributed-failover', side }, label), small),
    }))
    out.push(...(await measureCases(noWarmup, failoverCases)))
  } finally {
    await ctx.topics.delete(small).catch(() => undefined)
  }
  if (!sides.includes('sluice')) return out
  const perTopic = Math.max(1, Math.round(ctx.sizes.sink / SINK_CONNECTORS))
  const topics: string[] = []
  try {
    for (let i = 0; i < SINK_CONNECTORS; i++)
      topics.push(await prefillSinkTopic(ctx, perTopic, path.join(ctx.workDir, `dist-prefill-${i}`)))
    let seq = 0
    const sinkCase = (processes: number): Case => ({
      id: `distributed-sink-${processes}w`,
      group: 'distributed',
      title: `FileStreamSink, ${SINK_CONNECTORS} connectors × ${perTopic.toLocaleString('en-US')} × ${RECORD_SIZE} B, ${processes} Sluice worker process${processes > 1 ? 'es' : ''} in one group`,
      side: 'sluice',
      params: {
        connectors: SINK_CONNECTORS,
        records: perTopic * SINK_CONNECTORS,
        processes,
        ...DISTRIBUTED_GROUP_PROPS,
      },
      run: (label) =>
        groupSinkRun(
          ctx,
          processes,
          topics,
          perTopic,
          runDir(ctx, { id: `distributed-sink-${processes}w`, side: 'sluice' }, label),
          seq++,
        ),
    })
    out.push(...(await measureCases(ctx, [sinkCase(1), sinkCase(2)])))
  } finally {
    for (const t of topics) await ctx.topics.delete(t).catch(() => undefined)
  }
  return out
}
