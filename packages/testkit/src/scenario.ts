import assert from 'node:assert/strict'
import type { ConnectorProps } from '@sluice/api'
import { ChildWorker } from './child-worker.js'
import type { DeliveryGuarantee } from './delivery-check.js'
import {
  type ConformanceEnvironment,
  type RunningConnector,
  type SuiteWorker,
  startConnector,
  stopConnector,
  waitForState,
} from './environment.js'
import { Streamer } from './streamer.js'
import { pause, waitFor } from './wait.js'

/**
 * A test case as the shared scenario steps see it: a connector, how records are fed to it (appended to the
 * external system for a source, produced to the topic for a sink) and how its output is looked at.
 */
export interface ScenarioCase {
  readonly name: string
  readonly props: ConnectorProps
  /** The test's directory. */
  readonly dir: string
  /** Feeds the next `n` records to the connector. */
  feed(n: number): Promise<void>
  /** How many records were fed so far. */
  fed(): number
  /** Looks at the output once. */
  refresh(): Promise<unknown>
  /** Distinct expected records in the output (as of the last look). */
  distinct(): number
  /** Waits until every record fed so far is in the output at least once. */
  waitOutput(w: SuiteWorker): Promise<void>
  /** Reads everything the output holds now. */
  readAll(): Promise<unknown>
}

/** A background feed started by {@link whileStreaming}. */
export interface Feed {
  /** Lets the feed end once `more` further records were fed. */
  endAfter(more: number): void
  /** Waits until the feed ended (see {@link endAfter}) and rethrows a failure. */
  done(): Promise<void>
}

/** At-least-once: records in `committed` are not repeated, at most `uncommittedBound` others may be. */
export const atLeastOnce = (committed: ReadonlySet<number>, uncommittedBound: number): DeliveryGuarantee => ({
  kind: 'at-least-once',
  committed: (s) => committed.has(s),
  uncommittedBound,
})

/** Stops the connector (tasks flush and commit their offsets), then reads the whole output. */
export async function finish(w: SuiteWorker, conn: RunningConnector, s: ScenarioCase): Promise<void> {
  await stopConnector(w, conn)
  await s.readAll()
}

/** Waits until `feed` (if any) ended and everything fed is in the output, then {@link finish}es. */
export async function drainAndFinish(
  w: SuiteWorker,
  conn: RunningConnector,
  s: ScenarioCase,
  feed?: Feed,
): Promise<void> {
  await feed?.done()
  await s.waitOutput(w)
  await finish(w, conn, s)
}

/** Starts the connector on `w`, then {@link drainAndFinish}es it. */
export async function runToEnd(w: SuiteWorker, s: ScenarioCase, feed?: Feed): Promise<void> {
  const conn = await startConnector(w, s.name, s.props)
  await drainAndFinish(w, conn, s, feed)
}

/**
 * Feeds a phase of records, starts the connector, waits until it is RUNNING and they are out, then feeds
 * a second phase while it runs and waits for that too. Returns the connector, still running.
 */
export async function deliverTwoPhases(
  env: ConformanceEnvironment,
  w: SuiteWorker,
  s: ScenarioCase,
): Promise<RunningConnector> {
  await s.feed(env.recordsPerPhase) // already there when the connector starts
  const conn = await startConnector(w, s.name, s.props)
  await waitForState(w, conn, 'RUNNING', env.timeoutMs)
  await s.waitOutput(w)
  await s.feed(env.recordsPerPhase) // arrives while the task runs
  await s.waitOutput(w)
  return conn
}

/** Sets the connector's target state and waits until it and its tasks are PAUSED, or RUNNING for STARTED. */
async function setTargetState(
  w: SuiteWorker,
  conn: RunningConnector,
  target: 'PAUSED' | 'STARTED',
  timeoutMs: number,
): Promise<void> {
  await w.worker.setTargetState(conn.name, target)
  await waitForState(w, conn, target === 'PAUSED' ? 'PAUSED' : 'RUNNING', timeoutMs)
}

/**
 * The pause/resume scenario: feeds a phase, starts the connector and waits for its output, pauses it,
 * feeds a second phase and fails with `message` if `outputSize()` (taken every `everyMs` for the spec's
 * `pausedWindowMs`) changes while PAUSED; then resumes and {@link drainAndFinish}es it.
 */
export async function pauseAndResume(
  env: ConformanceEnvironment,
  w: SuiteWorker,
  s: ScenarioCase,
  watch: { readonly everyMs: number; readonly outputSize: () => Promise<number>; readonly message: string },
): Promise<void> {
  await s.feed(env.recordsPerPhase)
  const conn = await startConnector(w, s.name, s.props)
  await s.waitOutput(w)
  await setTargetState(w, conn, 'PAUSED', env.timeoutMs)
  const before = await watch.outputSize()
  await s.feed(env.recordsPerPhase)
  await assertUnchangedFor(
    env.spec.pausedWindowMs ?? 2500,
    watch.everyMs,
    watch.outputSize,
    before,
    watch.message,
  )
  await setTargetState(w, conn, 'STARTED', env.timeoutMs)
  await drainAndFinish(w, conn, s)
}

/**
 * Fails with `message` if `count()`, taken every `everyMs`, is ever not `expected` during `windowMs`:
 * absence can only be watched over a window.
 */
async function assertUnchangedFor(
  windowMs: number,
  everyMs: number,
  count: () => Promise<number>,
  expected: number,
  message: string,
): Promise<void> {
  const until = Date.now() + windowMs
  while (Date.now() < until) {
    assert.equal(await count(), expected, message)
    await pause(everyMs)
  }
}

/**
 * Runs `body` while records are fed in the background (a small chunk every 20 ms), so restarts happen
 * while records are flowing; the feed runs until `body` ends it with {@link Feed.endAfter}, and stops
 * when `body` returns or fails.
 */
export async function whileStreaming(
  env: ConformanceEnvironment,
  s: ScenarioCase,
  body: (feed: Feed) => Promise<void>,
): Promise<void> {
  let target = Number.POSITIVE_INFINITY
  const chunk = Math.max(1, Math.ceil(env.recordsPerPhase / 15))
  const streamer = new Streamer(
    () => s.feed(chunk),
    20,
    () => s.fed() >= target,
  ).start()
  try {
    await body({
      endAfter: (more) => {
        target = s.fed() + more
      },
      done: () => streamer.done(),
    })
  } finally {
    await streamer.stop()
  }
}

/** Waits until `n` distinct expected records are in the output (`verb`: how they got there). */
export async function waitForDistinct(
  env: ConformanceEnvironment,
  s: ScenarioCase,
  n: number,
  verb: string,
): Promise<void> {
  await waitFor(
    async () => {
      await s.refresh()
      return s.distinct() >= n
    },
    `${n} records ${verb}`,
    env.timeoutMs,
  )
}

/** What a herder does for POST /connectors/{c}/tasks/{t}/restart, first half: stop the tasks. */
export async function stopTasks(w: SuiteWorker, conn: RunningConnector): Promise<void> {
  await w.worker.stopTasks(conn.tasks.map((task) => task.id))
}

/** Second half of a task restart: start the tasks again. */
export async function startTasks(w: SuiteWorker, conn: RunningConnector): Promise<void> {
  for (const task of conn.tasks) await w.worker.startTask(task.id, conn.props, task.props, 'STARTED')
}

/** Starts a child worker running the case's connector (to be killed by the test) and waits until it is up. */
export async function startCrashingWorker(
  env: ConformanceEnvironment,
  s: ScenarioCase,
  workerProps: Record<string, string>,
): Promise<ChildWorker> {
  const child = ChildWorker.start(s.dir, 'crashing-worker', {
    workerProps,
    connectors: [{ name: s.name, props: s.props }],
  })
  env.onClose(() => child.kill())
  await child.ready(env.timeoutMs)
  return child
}

/**
 * The task-restart scenario, as a herder runs POST /connectors/{c}/tasks/{t}/restart mid-stream: starts
 * the connector on `w` while records stream in; once a phase of distinct records is out (`verb`: how they
 * got there), stops its tasks gracefully, reads all output and calls `afterStop` (which checks what the
 * stop committed); then starts the tasks again, lets another phase stream in and drains. Returns what
 * `afterStop` returned, for the final delivery check.
 */
export async function restartTasksMidStream<R>(
  env: ConformanceEnvironment,
  w: SuiteWorker,
  s: ScenarioCase,
  verb: string,
  afterStop: () => Promise<R>,
): Promise<R> {
  const conn = await startConnector(w, s.name, s.props)
  let result: R | undefined
  await whileStreaming(env, s, async (feed) => {
    await waitForDistinct(env, s, env.recordsPerPhase, verb)
    await stopTasks(w, conn)
    await s.readAll()
    result = await afterStop()
    await startTasks(w, conn)
    feed.endAfter(env.recordsPerPhase) // keep streaming after the restart
    await drainAndFinish(w, conn, s, feed)
  })
  return result as R
}

/**
 * The worker-crash scenario: runs the connector on a child worker (`workerProps`) while records stream
 * in, kills it (kill -9) once `ready()` holds after a look at the output (`what` says what it waits for),
 * reads all output and calls `afterKill` (which takes what was committed before the crash); records keep
 * coming while no worker runs and after a new one (`restart()`) took over, which runs to the end. Returns
 * what `afterKill` returned, for the final delivery check.
 */
export async function crashMidStream<R>(
  env: ConformanceEnvironment,
  s: ScenarioCase,
  crash: {
    readonly workerProps: Record<string, string>
    readonly ready: () => Promise<boolean>
    readonly what: string
    /** What the output holds, for the timeout message. */
    readonly progress: () => string
    readonly restart: () => Promise<SuiteWorker>
  },
  afterKill: () => Promise<R>,
): Promise<R> {
  const child = await startCrashingWorker(env, s, crash.workerProps)
  let result: R | undefined
  await whileStreaming(env, s, async (feed) => {
    await waitFor(
      async () => {
        await s.refresh()
        return crash.ready()
      },
      crash.what,
      env.timeoutMs,
      () => `${crash.progress()}; worker log ${child.logFile}`,
    )
    await child.kill()
    await s.readAll()
    result = await afterKill()
    feed.endAfter(env.recordsPerPhase) // records keep coming while the worker is down and after
    const w2 = await crash.restart()
    await runToEnd(w2, s, feed)
    await env.stopWorker(w2)
  })
  return result as R
}
