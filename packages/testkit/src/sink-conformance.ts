import assert from 'node:assert/strict'
import path from 'node:path'
import { test } from 'node:test'
import { checkDelivery, type DeliveryGuarantee, seqRange } from './delivery-check.js'
import { ConformanceEnvironment } from './environment.js'
import {
  atLeastOnce,
  crashMidStream,
  deliverTwoPhases,
  finish,
  pauseAndResume,
  restartTasksMidStream,
  runToEnd,
  type ScenarioCase,
} from './scenario.js'
import { SinkCase, type SinkCoverage } from './sink-case.js'
import type { SinkConformanceSpec } from './spec.js'
import { describeConformance } from './suite.js'
import { waitFor } from './wait.js'

/** Fails with every broken rule when the sink's output is not what `guarantee` allows. */
function assertWritten(c: SinkCase, total: number, guarantee: DeliveryGuarantee): string {
  const report = checkDelivery(c.byPartition(), seqRange(0, total), guarantee)
  if (report.problems.length > 0)
    assert.fail(`what ${c.name} wrote breaks the delivery rules:\n  ${report.problems.join('\n  ')}`)
  return `${report.delivered} records written for ${report.distinct} expected, ${report.duplicates} duplicate(s)`
}

/** A sink case for the shared scenario steps: records are produced to the topic, read from the sink's output. */
function scenarioOf(c: SinkCase): ScenarioCase {
  return {
    name: c.name,
    props: c.props,
    dir: c.ctx.dir,
    feed: (n) => c.produce(n),
    fed: () => c.produced,
    refresh: () => c.read(),
    distinct: () => c.distinctWritten(),
    waitOutput: (w) => c.waitWritten(w),
    readAll: () => c.read(),
  }
}

const uncommittedMayRepeat = (coverage: SinkCoverage, extraBound = 0): DeliveryGuarantee =>
  atLeastOnce(coverage.committed, coverage.uncommittedWritten + extraBound)

/**
 * The at-least-once check after a restart or a crash: every record was written, and only records the
 * group offsets in `coverage` (committed before) do not cover may repeat. Returns a summary for the
 * test's diagnostic.
 */
function assertRepeatsOnlyUncommitted(c: SinkCase, coverage: SinkCoverage): string {
  const summary = assertWritten(c, c.produced, uncommittedMayRepeat(coverage))
  return `${coverage.written} records written (${coverage.committed.size} committed, bound ${coverage.uncommittedWritten}); ${summary}`
}

/**
 * Registers the conformance tests of a sink connector (node:test `describe`/`test`), run against the real
 * broker and a real worker driven as a herder drives it. See the package README for what each test
 * proves and how a connector adopts the suite.
 *
 * @example
 * ```ts
 * sinkConformance({
 *   name: 'FileStreamSink', connectorClass: 'FileStreamSink', bootstrapServers: ensureBroker,
 *   fixture: ({ dir, topic }) => { const file = path.join(dir, 'out.txt'); return {
 *     config: { file, topics: topic },
 *     record: (seq) => ({ value: line(seq), valueSchema: Schemas.STRING }),
 *     expected: (seq) => line(seq),
 *     read: () => linesOf(file) } },
 *   badConfigs: [{ description: 'file is a directory', props: (c, { dir }) => ({ ...c, file: dir }),
 *     key: 'file', rejectedBy: 'start', trace: /Couldn't find or create file/ }],
 * })
 * ```
 */
export function sinkConformance(spec: SinkConformanceSpec): void {
  const env = new ConformanceEnvironment(spec)
  const commitsAll = spec.commitsAllOnStop ?? true
  const newCase = async (label: string) => {
    const c = await SinkCase.create(env, label, spec.fixture)
    return { c, s: scenarioOf(c) }
  }

  const badConfigFixture = (label: string) => env.newFixture(label, spec.topicPartitions ?? 2, spec.fixture)
  describeConformance('sink', env, badConfigFixture, (perTest) => {
    test(
      'delivery: records already in the topic and new ones are written exactly once, in order per partition, with their content; their offsets get committed',
      perTest,
      async (t) => {
        const P = env.recordsPerPhase
        const w = await env.sharedWorker()
        const { c, s } = await newCase('delivery')
        const conn = await deliverTwoPhases(env, w, s)
        if (commitsAll) {
          // Offsets are committed every offset.flush.interval.ms, after preCommit approved them.
          let committed = new Map<number, number>()
          const ends = await c.endOffsets()
          await waitFor(
            async () => {
              committed = await c.groupOffsets()
              return [...ends].every(([p, end]) => committed.get(p) === end)
            },
            `group connect-${c.name} to commit up to the end offsets`,
            env.timeoutMs,
            () => `committed ${JSON.stringify([...committed])}, end ${JSON.stringify([...ends])}`,
          )
        }
        await finish(w, conn, s)
        t.diagnostic(assertWritten(c, 2 * P, { kind: 'exactly-once' }))
      },
    )

    test(
      'pause/resume: nothing is written while PAUSED; everything is after resuming',
      perTest,
      async (t) => {
        const P = env.recordsPerPhase
        const w = await env.sharedWorker()
        const { c, s } = await newCase('pause')
        await pauseAndResume(env, w, s, {
          everyMs: 100,
          outputSize: async () => (await c.read()).length,
          message: `${c.name} wrote records while PAUSED`,
        })
        t.diagnostic(assertWritten(c, 2 * P, { kind: 'exactly-once' }))
      },
    )

    test(
      'resume from offset: after stopping the tasks, and after a graceful worker restart, only new records are written, none lost',
      perTest,
      async (t) => {
        const P = env.recordsPerPhase
        const { c, s } = await newCase('resume')
        const w1 = await env.newWorker()
        await c.produce(P)
        await runToEnd(w1, s) // stopTasks: the task flushes, its offsets are committed synchronously
        const first = c.coverage(await c.groupOffsets())
        if (commitsAll) {
          assert.deepEqual(
            [...(await c.groupOffsets())].sort(),
            [...(await c.endOffsets())].filter(([, end]) => end > 0).sort(),
            'stopping the tasks commits the offset of every record written',
          )
        }

        await c.produce(P) // produced while nothing runs
        await runToEnd(w1, s)

        // A graceful worker restart: the group's offsets carry over to a new worker.
        await env.stopWorker(w1)
        const second = c.coverage(await c.groupOffsets())
        await c.produce(P)
        const w2 = await env.newWorker()
        await runToEnd(w2, s)
        await env.stopWorker(w2)
        const guarantee: DeliveryGuarantee = commitsAll
          ? { kind: 'exactly-once' }
          : uncommittedMayRepeat(first, second.uncommittedWritten)
        t.diagnostic(assertWritten(c, 3 * P, guarantee))
      },
    )

    test(
      'task restart mid-stream: the graceful stop commits every record written; at-least-once, only uncommitted records may repeat',
      perTest,
      async (t) => {
        const w = await env.sharedWorker()
        const { c, s } = await newCase('task-restart')
        const coverage = await restartTasksMidStream(env, w, s, 'written', async () => {
          const coverage = c.coverage(await c.groupOffsets())
          if (commitsAll) {
            // A graceful stop lets the task finish its batches and commits what was put: even
            // mid-stream, every record written is committed, so the restart repeats nothing.
            assert.equal(
              coverage.uncommittedWritten,
              0,
              `stopping the task mid-stream left ${coverage.uncommittedWritten} of ${coverage.written} written records uncommitted`,
            )
          }
          return coverage
        })
        t.diagnostic(`restart after ${assertRepeatsOnlyUncommitted(c, coverage)}`)
      },
    )

    test(
      'worker crash (kill -9) mid-stream: at-least-once; only records above the offsets committed before the crash may repeat',
      perTest,
      async (t) => {
        const { c, s } = await newCase('crash')
        const crash = {
          // The dead member leaves the group only when its session expires: keep that short (the broker's
          // minimum) so the restarted worker is not kept waiting for the rebalance.
          workerProps: env.workerProps(path.join(c.ctx.dir, 'connect.offsets'), {
            'consumer.session.timeout.ms': '6000',
            'consumer.heartbeat.interval.ms': '1000',
          }),
          // Kill once some offsets were committed and some written records are not covered yet, so both
          // sides of the bound are exercised.
          ready: async () => {
            const coverage = c.coverage(await c.groupOffsets())
            return coverage.committed.size > 0 && coverage.uncommittedWritten > 0
          },
          what: 'committed offsets and records written beyond them',
          progress: () => `${c.distinctWritten()} written`,
          restart: () => env.newWorker(),
        }
        const coverage = await crashMidStream(env, s, crash, async () => c.coverage(await c.groupOffsets()))
        t.diagnostic(`killed after ${assertRepeatsOnlyUncommitted(c, coverage)}`)
      },
    )
  })
}
