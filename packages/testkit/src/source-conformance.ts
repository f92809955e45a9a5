import assert from 'node:assert/strict'
import path from 'node:path'
import { test } from 'node:test'
import { FileOffsetStore } from '@sluice/runtime'
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
import { type CommitCoverage, type CommittedSourceOffsets, SourceCase } from './source-case.js'
import type { SourceConformanceSpec } from './spec.js'
import { describeConformance } from './suite.js'
import { waitFor } from './wait.js'

/** Offsets a crashed worker left in its standalone offsets file. */
async function offsetsInFile(file: string, connector: string): Promise<CommittedSourceOffsets> {
  const store = new FileOffsetStore(file)
  await store.load()
  return store.getAll(connector)
}

/** Fails with every broken rule when the topic's content is not what `guarantee` allows. */
function assertDelivered(
  c: SourceCase,
  total: number,
  guarantee: DeliveryGuarantee,
  extra: readonly string[] = [],
): string {
  const report = checkDelivery(c.byPartition(), seqRange(0, total), guarantee)
  const problems = [...c.contentProblems.slice(0, 10), ...extra, ...report.problems]
  if (problems.length > 0) assert.fail(`${c.topic} breaks the delivery rules:\n  ${problems.join('\n  ')}`)
  return `${report.delivered} records for ${report.distinct} expected, ${report.duplicates} duplicate(s)`
}

/**
 * The at-least-once check after a restart or a crash: every record arrived, and only records the offsets
 * in `coverage` (committed before) do not cover may repeat. Returns a summary for the test's diagnostic.
 */
function assertRepeatsOnlyUncommitted(c: SourceCase, coverage: CommitCoverage): string {
  const bound = coverage.delivered - coverage.committed.size
  const summary = assertDelivered(c, c.appended, atLeastOnce(coverage.committed, bound), coverage.problems)
  return `${coverage.delivered} records (${coverage.committed.size} committed, bound ${bound}); ${summary}`
}

/** A source case for the shared scenario steps: records are appended to the external system, read from the topic. */
function scenarioOf(c: SourceCase): ScenarioCase {
  return {
    name: c.name,
    props: c.props,
    dir: c.ctx.dir,
    feed: (n) => c.append(n),
    fed: () => c.appended,
    refresh: () => c.poll(),
    distinct: () => c.distinctDelivered(),
    waitOutput: () => c.waitDelivered(),
    readAll: () => c.catchUp(), // everything the broker has (the stopped connector flushed its producer)
  }
}

/**
 * Registers the conformance tests of a source connector (node:test `describe`/`test`), run against the
 * real broker and a real worker driven as a herder drives it. See the package README for what each test
 * proves and how a connector adopts the suite.
 *
 * @example
 * ```ts
 * sourceConformance({
 *   name: 'FileStreamSource', connectorClass: 'FileStreamSource', bootstrapServers: ensureBroker,
 *   fixture: ({ dir, topic }) => { const file = path.join(dir, 'in.txt'); return {
 *     config: { file, topic },
 *     append: (from, n) => appendFileSync(file, lines(from, n)),
 *     expected: (seq) => ({ key: null, value: line(seq), valueSchema: Schemas.STRING }) } },
 *   badConfigs: [{ description: 'two topics', props: (c) => ({ ...c, topic: 'a,b' }), key: 'topic' }],
 * })
 * ```
 */
export function sourceConformance(spec: SourceConformanceSpec): void {
  const env = new ConformanceEnvironment(spec)
  const newCase = async (label: string) => {
    const c = await SourceCase.create(env, label, spec.fixture)
    return { c, s: scenarioOf(c) }
  }

  const badConfigFixture = (label: string) => env.newFixture(label, spec.topicPartitions ?? 1, spec.fixture)
  describeConformance('source', env, badConfigFixture, (perTest) => {
    test(
      'delivery: existing and new external records reach Kafka exactly once, in order, with their content; their offsets get committed',
      perTest,
      async (t) => {
        const P = env.recordsPerPhase
        const w = await env.sharedWorker()
        const { c, s } = await newCase('delivery')
        const conn = await deliverTwoPhases(env, w, s)
        // Offsets are flushed every offset.flush.interval.ms; every delivered record gets covered.
        let coverage = c.coverage([])
        await waitFor(
          async () => {
            coverage = c.coverage(await c.committedOffsets(w))
            return coverage.problems.length > 0 || coverage.committed.size === 2 * P
          },
          'the committed offsets to cover every delivered record',
          env.timeoutMs,
          () => `${coverage.committed.size} of ${2 * P} covered`,
        )
        assert.deepEqual(coverage.problems, [], 'committed offsets must belong to records in the topic')
        await finish(w, conn, s)
        t.diagnostic(assertDelivered(c, 2 * P, { kind: 'exactly-once' }))
      },
    )

    test(
      'pause/resume: nothing is delivered while PAUSED; everything is after resuming',
      perTest,
      async (t) => {
        const P = env.recordsPerPhase
        const w = await env.sharedWorker()
        const { c, s } = await newCase('pause')
        await pauseAndResume(env, w, s, {
          everyMs: 50,
          outputSize: async () => {
            await c.poll()
            return c.observed.length
          },
          message: `records reached ${c.topic} while the connector was PAUSED`,
        })
        t.diagnostic(assertDelivered(c, 2 * P, { kind: 'exactly-once' }))
      },
    )

    test(
      'resume from offset: after stopping the tasks, and after a graceful worker restart, only new records are delivered, none lost',
      perTest,
      async (t) => {
        const P = env.recordsPerPhase
        const { c, s } = await newCase('resume')
        const w1 = await env.newWorker()
        await c.append(P)
        await runToEnd(w1, s) // stopTasks flushes the offsets of everything acknowledged
        const coverage = c.coverage(await c.committedOffsets(w1))
        assert.deepEqual(coverage.problems, [])
        assert.equal(
          coverage.committed.size,
          P,
          'stopping the tasks commits the offset of every delivered record',
        )

        await c.append(P) // written while nothing runs
        await runToEnd(w1, s)
        assertDelivered(c, 2 * P, { kind: 'exactly-once' })

        // A graceful worker restart: a new worker on the same offsets file.
        await env.stopWorker(w1)
        await c.append(P)
        const w2 = await env.newWorker(w1.offsetsFile)
        await runToEnd(w2, s)
        await env.stopWorker(w2)
        t.diagnostic(assertDelivered(c, 3 * P, { kind: 'exactly-once' }))
      },
    )

    test(
      'task restart mid-stream: the graceful stop commits every delivered record; at-least-once, only uncommitted records may repeat',
      perTest,
      async (t) => {
        const w = await env.sharedWorker()
        const { c, s } = await newCase('task-restart')
        const coverage = await restartTasksMidStream(env, w, s, 'delivered', async () => {
          const coverage = c.coverage(await c.committedOffsets(w))
          // A graceful stop waits for the broker's acks and flushes their offsets: even mid-stream,
          // every record in the topic is committed, so the restart repeats nothing.
          assert.equal(
            coverage.committed.size,
            coverage.delivered,
            `stopping the task mid-stream left ${coverage.delivered - coverage.committed.size} of ${coverage.delivered} delivered records uncommitted`,
          )
          return coverage
        })
        t.diagnostic(`restart after ${assertRepeatsOnlyUncommitted(c, coverage)}`)
      },
    )

    test(
      'worker crash (kill -9) mid-stream: at-least-once; only records above the offsets flushed before the crash may repeat',
      perTest,
      async (t) => {
        const { c, s } = await newCase('crash')
        const offsetsFile = path.join(c.ctx.dir, 'connect.offsets')
        const flushed = async () => c.coverage(await offsetsInFile(offsetsFile, c.name))
        const crash = {
          workerProps: env.workerProps(offsetsFile),
          // Kill once some offsets were flushed and some delivered records are not covered yet, so both
          // sides of the bound are exercised.
          ready: async () => {
            const committed = (await flushed()).committed.size
            return committed > 0 && c.distinctDelivered() > committed
          },
          what: 'flushed offsets and records delivered beyond them',
          progress: () => `${c.distinctDelivered()} delivered`,
          restart: () => env.newWorker(offsetsFile),
        }
        const coverage = await crashMidStream(env, s, crash, flushed)
        t.diagnostic(`killed after ${assertRepeatsOnlyUncommitted(c, coverage)}`)
      },
    )
  })
}
