import assert from 'node:assert/strict'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { FileOffsetStore } from '@sluice/runtime'
import { registerBadConfigTests } from './bad-config.js'
import { ChildWorker } from './child-worker.js'
import { checkDelivery, type DeliveryGuarantee, seqRange } from './delivery-check.js'
import {
  ConformanceEnvironment,
  type RunningConnector,
  type SuiteWorker,
  startConnector,
  stopConnector,
  waitForState,
} from './environment.js'
import { type CommittedSourceOffsets, SourceCase } from './source-case.js'
import type { SourceConformanceSpec } from './spec.js'
import { Streamer } from './streamer.js'
import { pause, waitFor } from './wait.js'

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

/** Stops the connector (flushing the producer), then reads everything the broker has. */
async function finish(w: SuiteWorker, conn: RunningConnector, c: SourceCase): Promise<void> {
  await stopConnector(w, conn)
  await c.catchUp()
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
  const perTest = { timeout: 5 * (spec.timeoutMs ?? 30_000) }
  const newCase = (label: string) => SourceCase.create(env, label, spec.fixture)

  describe(`source connector conformance: ${spec.name}`, () => {
    before(() => env.open())
    after(() => env.close())

    registerBadConfigTests(env, async (label) => {
      const ctx = await env.newContext(label, spec.topicPartitions ?? 1)
      const fixture = await spec.fixture(ctx)
      env.onClose(() => fixture.cleanup?.())
      return { ctx, fixture }
    })

    test(
      'delivery: existing and new external records reach Kafka exactly once, in order, with their content; their offsets get committed',
      perTest,
      async (t) => {
        const P = env.recordsPerPhase
        const w = await env.sharedWorker()
        const c = await newCase('delivery')
        await c.append(P) // already there when the connector starts
        const conn = await startConnector(w, c.name, c.props)
        await waitForState(w, conn, 'RUNNING', env.timeoutMs)
        await c.waitDelivered()
        await c.append(P) // arrives while the task runs
        await c.waitDelivered()
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
        await finish(w, conn, c)
        t.diagnostic(assertDelivered(c, 2 * P, { kind: 'exactly-once' }))
      },
    )

    test(
      'pause/resume: nothing is delivered while PAUSED; everything is after resuming',
      perTest,
      async (t) => {
        const P = env.recordsPerPhase
        const w = await env.sharedWorker()
        const c = await newCase('pause')
        await c.append(P)
        const conn = await startConnector(w, c.name, c.props)
        await c.waitDelivered()
        await w.worker.setTargetState(c.name, 'PAUSED')
        await waitForState(w, conn, 'PAUSED', env.timeoutMs)
        const before = c.observed.length
        await c.append(P)
        // Absence can only be watched over a window (spec.pausedWindowMs).
        const until = Date.now() + (spec.pausedWindowMs ?? 2500)
        while (Date.now() < until) {
          await c.poll()
          assert.equal(c.observed.length, before, `records reached ${c.topic} while the connector was PAUSED`)
          await pause(50)
        }
        await w.worker.setTargetState(c.name, 'STARTED')
        await waitForState(w, conn, 'RUNNING', env.timeoutMs)
        await c.waitDelivered()
        await finish(w, conn, c)
        t.diagnostic(assertDelivered(c, 2 * P, { kind: 'exactly-once' }))
      },
    )

    test(
      'resume from offset: after stopping the tasks, and after a graceful worker restart, only new records are delivered, none lost',
      perTest,
      async (t) => {
        const P = env.recordsPerPhase
        const c = await newCase('resume')
        const w1 = await env.newWorker()
        await c.append(P)
        let conn = await startConnector(w1, c.name, c.props)
        await c.waitDelivered()
        await finish(w1, conn, c) // stopTasks flushes the offsets of everything acknowledged
        const coverage = c.coverage(await c.committedOffsets(w1))
        assert.deepEqual(coverage.problems, [])
        assert.equal(
          coverage.committed.size,
          P,
          'stopping the tasks commits the offset of every delivered record',
        )

        await c.append(P) // written while nothing runs
        conn = await startConnector(w1, c.name, c.props)
        await c.waitDelivered()
        await finish(w1, conn, c)
        assertDelivered(c, 2 * P, { kind: 'exactly-once' })

        // A graceful worker restart: a new worker on the same offsets file.
        await env.stopWorker(w1)
        await c.append(P)
        const w2 = await env.newWorker(w1.offsetsFile)
        conn = await startConnector(w2, c.name, c.props)
        await c.waitDelivered()
        await finish(w2, conn, c)
        await env.stopWorker(w2)
        t.diagnostic(assertDelivered(c, 3 * P, { kind: 'exactly-once' }))
      },
    )

    test(
      'task restart mid-stream: the graceful stop commits every delivered record; at-least-once, only uncommitted records may repeat',
      perTest,
      async (t) => {
        const P = env.recordsPerPhase
        const w = await env.sharedWorker()
        const c = await newCase('task-restart')
        const conn = await startConnector(w, c.name, c.props)
        let target = Number.POSITIVE_INFINITY
        const chunk = Math.max(1, Math.ceil(P / 15))
        const streamer = new Streamer(
          () => c.append(chunk),
          20,
          () => c.appended >= target,
        ).start()
        try {
          await waitFor(
            async () => {
              await c.poll()
              return c.distinctDelivered() >= P
            },
            `${P} records delivered`,
            env.timeoutMs,
          )
          // What a herder does for POST /connectors/{c}/tasks/{t}/restart: stop the task, start it again.
          await w.worker.stopTasks(conn.tasks.map((task) => task.id))
          await c.catchUp()
          const coverage = c.coverage(await c.committedOffsets(w))
          // A graceful stop waits for the broker's acks and flushes their offsets: even mid-stream,
          // every record in the topic is committed, so the restart repeats nothing.
          assert.equal(
            coverage.committed.size,
            coverage.delivered,
            `stopping the task mid-stream left ${coverage.delivered - coverage.committed.size} of ${coverage.delivered} delivered records uncommitted`,
          )
          for (const task of conn.tasks) await w.worker.startTask(task.id, c.props, task.props, 'STARTED')
          target = c.appended + P // keep streaming after the restart
          await streamer.done()
          await c.waitDelivered()
          await finish(w, conn, c)
          const bound = coverage.delivered - coverage.committed.size
          const summary = assertDelivered(
            c,
            c.appended,
            { kind: 'at-least-once', committed: (s) => coverage.committed.has(s), uncommittedBound: bound },
            coverage.problems,
          )
          t.diagnostic(
            `restart after ${coverage.delivered} records (${coverage.committed.size} committed, bound ${bound}); ${summary}`,
          )
        } finally {
          await streamer.stop()
        }
      },
    )

    test(
      'worker crash (kill -9) mid-stream: at-least-once; only records above the offsets flushed before the crash may repeat',
      perTest,
      async (t) => {
        const P = env.recordsPerPhase
        const c = await newCase('crash')
        const offsetsFile = path.join(c.ctx.dir, 'connect.offsets')
        const child = ChildWorker.start(c.ctx.dir, 'crashing-worker', {
          workerProps: env.workerProps(offsetsFile),
          connectors: [{ name: c.name, props: c.props }],
        })
        env.onClose(() => child.kill())
        await child.ready(env.timeoutMs)
        let target = Number.POSITIVE_INFINITY
        const chunk = Math.max(1, Math.ceil(P / 15))
        const streamer = new Streamer(
          () => c.append(chunk),
          20,
          () => c.appended >= target,
        ).start()
        try {
          // Kill once some offsets were flushed and some delivered records are not covered yet, so both
          // sides of the bound are exercised.
          await waitFor(
            async () => {
              await c.poll()
              const committed = c.coverage(await offsetsInFile(offsetsFile, c.name)).committed.size
              return committed > 0 && c.distinctDelivered() > committed
            },
            'flushed offsets and records delivered beyond them',
            env.timeoutMs,
            () => `${c.distinctDelivered()} delivered; worker log ${child.logFile}`,
          )
          await child.kill()
          await c.catchUp()
          const coverage = c.coverage(await offsetsInFile(offsetsFile, c.name))
          const bound = coverage.delivered - coverage.committed.size
          target = c.appended + P // data keeps coming while the worker is down and after

          const w2 = await env.newWorker(offsetsFile)
          const conn = await startConnector(w2, c.name, c.props)
          await streamer.done()
          await c.waitDelivered()
          await finish(w2, conn, c)
          await env.stopWorker(w2)
          const summary = assertDelivered(
            c,
            c.appended,
            { kind: 'at-least-once', committed: (s) => coverage.committed.has(s), uncommittedBound: bound },
            coverage.problems,
          )
          t.diagnostic(
            `killed after ${coverage.delivered} records (${coverage.committed.size} committed, bound ${bound}); ${summary}`,
          )
        } finally {
          await streamer.stop()
        }
      },
    )
  })
}
