import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import {
  type ConnectorStatusBody,
  type DistributedWorker,
  restJson,
  startSluiceDistributed,
  testGroupProps,
} from '../compat/distributed-servers.js'
import { freePort, pollUntil, sluiceCli } from '../compat/servers.js'
import { ensureBroker, uniqueTopic } from '../src/broker.js'
import { type DebugSpan, type OtelCollector, telemetryServers } from '../src/telemetry-servers.js'

// Two `sluice distributed` workers of one group, exporting traces to a real OpenTelemetry Collector: the
// worker-rebalance group at GET /metrics on both (the second worker's join is a rebalance), and one
// record's trace stamped by the source task on one worker and continued by the sink task on the other.
const LINES = 300

/** One metric's series at GET /metrics: labels (as written) → value. */
async function scrape(w: DistributedWorker, name: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${w.url}/metrics`)).text()
  const out = new Map<string, number>()
  for (const line of text.split('\n')) {
    const m = /^(\w+)(\{[^}]*\})? (\S+)$/.exec(line)
    if (m?.[1] === name) out.set(m[2] ?? '', Number(m[3]))
  }
  return out
}

const one = async (w: DistributedWorker, name: string): Promise<number> => {
  const s = await scrape(w, name)
  assert.equal(s.size, 1, `${name} at ${w.workerId}: ${JSON.stringify([...s])}`)
  return [...s.values()][0]!
}

const R = 'kafka_connect_connect_worker_rebalance_metrics_'

describe('telemetry in distributed mode: rebalance metrics and a trace across two workers', {
  timeout: 240_000,
}, () => {
  const workers: DistributedWorker[] = []
  let collector: OtelCollector | undefined
  let dir: string
  let topic: string
  const output = (): string[] =>
    existsSync(path.join(dir, 'out.txt'))
      ? readFileSync(path.join(dir, 'out.txt'), 'utf8')
          .split('\n')
          .filter((l) => l !== '')
      : []

  before(async () => {
    const bootstrap = ensureBroker()
    const cli = sluiceCli()
    assert.ok(cli, 'the sluice CLI is built (pnpm exec tsc -b packages/cli)')
    const servers = await telemetryServers()
    collector = await servers.startOtelcol({ name: 'distributed' })
    dir = mkdtempSync(path.join(tmpdir(), 'sluice-telemetry-dist-'))
    const id = uniqueTopic('telemetry-dist')
    topic = `${id}-data`
    const props = {
      ...testGroupProps(bootstrap, id),
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'telemetry.otlp.endpoint': collector.endpoint,
      'telemetry.otlp.metrics.interval.ms': '60000',
      // 10 %: about 30 of the 300 records get a trace; none does with a probability of 2e-14.
      'telemetry.traces.sample.ratio': '0.1',
    }
    const start = async (n: number) =>
      workers.push(
        await startSluiceDistributed({
          dir: path.join(dir, `w${n}`),
          port: await freePort(),
          cli: cli as string,
          props,
        }),
      )
    await start(0)
    const post = async (name: string, config: Record<string, string>) => {
      await pollUntil(`POST ${name}`, 60_000, async () => {
        const r = await restJson<unknown>(`${workers[0]!.url}/connectors`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name, config }),
        })
        if (r.status === 409) return undefined // not joined yet, or rebalancing
        assert.equal(r.status, 201, JSON.stringify(r.body))
        return true
      })
    }
    const input = path.join(dir, 'in.txt')
    // The input file appears only once the tasks run on different workers (the source waits for it).
    await post('sink', {
      'connector.class': 'FileStreamSink',
      file: path.join(dir, 'out.txt'),
      topics: topic,
      'tasks.max': '1',
    })
    await post('src', { 'connector.class': 'FileStreamSource', file: input, topic, 'tasks.max': '1' })
    // The second worker joins: a rebalance; with two connectors and two tasks the balanced assignment
    // gives each worker one connector and one task.
    await start(1)
    const placed = await pollUntil('the two tasks RUNNING on different workers', 90_000, async () => {
      const [src, snk] = await Promise.all(
        ['src', 'sink'].map((c) =>
          restJson<ConnectorStatusBody>(`${workers[0]!.url}/connectors/${c}/status`),
        ),
      )
      const s = src!.body.tasks[0]
      const k = snk!.body.tasks[0]
      return s?.state === 'RUNNING' && k?.state === 'RUNNING' && s.worker_id !== k.worker_id
        ? { source: s.worker_id, sink: k.worker_id }
        : undefined
    })
    writeFileSync(input, `${Array.from({ length: LINES }, (_, i) => `line-${i}`).join('\n')}\n`)
    sourceWorker = placed.source
    sinkWorker = placed.sink
    await pollUntil(`${LINES} lines in the sink file`, 90_000, async () =>
      output().length >= LINES ? true : undefined,
    )
  })
  let sourceWorker = ''
  let sinkWorker = ''

  after(async () => {
    for (const w of workers) await w.stop().catch(() => undefined)
    await collector?.stop()
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  })

  test('the worker-rebalance group at GET /metrics of both workers', async () => {
    assert.deepEqual(new Set(output()).size, LINES, 'every line arrived once')
    for (const w of workers) {
      // Nothing is rebalancing once both tasks run; the figures are the last completed rebalance's.
      await pollUntil(`${w.workerId} settled`, 30_000, async () =>
        (await one(w, `${R}rebalancing`)) === 0 ? true : undefined,
      )
      const completed = await one(w, `${R}completed_rebalances_total`)
      assert.ok(completed >= 1, `${w.workerId}: ${completed} completed rebalances`)
      const avg = await one(w, `${R}rebalance_avg_time_ms`)
      const max = await one(w, `${R}rebalance_max_time_ms`)
      assert.ok(Number.isFinite(avg) && avg >= 0 && max >= avg, `${w.workerId}: avg ${avg} ms, max ${max} ms`)
      const since = await one(w, `${R}time_since_last_rebalance_ms`)
      assert.ok(since >= 0 && since < 240_000, `${w.workerId}: ${since} ms since the last rebalance`)
      // The worker group in distributed mode: what this worker runs.
      assert.equal(await one(w, 'kafka_connect_connect_worker_metrics_connector_count'), 1, w.workerId)
      assert.equal(await one(w, 'kafka_connect_connect_worker_metrics_task_count'), 1, w.workerId)
    }
    // Both workers saw the same generation and name the same leader (Kafka's leader-name: its URL).
    const [a, b] = workers as [DistributedWorker, DistributedWorker]
    const epoch = await one(a, `${R}epoch`)
    assert.ok(epoch >= 2, `generation ${epoch}: the first worker joined, then the second`)
    assert.equal(await one(b, `${R}epoch`), epoch)
    const leaders = [...(await scrape(a, `${R}leader_name`)).keys()]
    assert.equal(leaders.length, 1, JSON.stringify(leaders))
    assert.deepEqual([...(await scrape(b, `${R}leader_name`)).keys()], leaders)
    assert.match(leaders[0]!, /leader="http:\/\/127\.0\.0\.1:\d+\/?"/)
    assert.deepEqual([...(await scrape(a, `${R}connect_protocol`)).keys()], ['{protocol="sessioned"}'])
  })

  test('one record’s trace: send on the source task’s worker, process on the sink task’s worker', async () => {
    let spans: DebugSpan[] = []
    const linked = (): { send: DebugSpan; process: DebugSpan } | undefined => {
      const byId = new Map(spans.map((s) => [s.id, s]))
      for (const p of spans) {
        if (p.name !== `process ${topic}` || !spans.some((c) => c.name === 'commit' && c.parentId === p.id))
          continue
        const send = byId.get(p.parentId)
        if (send !== undefined) return { send, process: p }
      }
      return undefined
    }
    await pollUntil('a record traced from source to sink commit', 60_000, async () => {
      spans = collector!.spans()
      return linked()
    })
    const { send, process } = linked()!
    assert.equal(send.name, `send ${topic}`)
    assert.equal(send.instance, sourceWorker, 'the send span comes from the source task’s worker')
    assert.equal(process.instance, sinkWorker, 'the process span from the sink task’s worker')
    assert.notEqual(sourceWorker, sinkWorker)
    assert.equal(process.traceId, send.traceId)
    assert.match(process.attributes['messaging.kafka.offset'] ?? '', /^\d+$/)
    const root = spans.find((s) => s.id === send.parentId)
    assert.equal(root?.name, `create ${topic}`)
    assert.equal(root!.parentId, '')
    const children = spans
      .filter((s) => s.parentId === process.id)
      .map((s) => s.name)
      .sort()
    assert.deepEqual(children, ['commit', 'consume', 'convert', 'put', 'transform'])
  })
})
