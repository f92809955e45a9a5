import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type {
  ConnectorProps,
  OffsetStorageReader,
  SinkTaskContext,
  SourceOffset,
  SourcePartition,
  SourceRecord,
  SourceTask,
  SourceTaskContext,
} from '@sluice/api'
import type { TaskClock } from '../src/index.js'

/** An offset reader serving fixed offsets, counting lookups. */
export class FixedOffsets implements OffsetStorageReader {
  readonly #offsets = new Map<string, SourceOffset>()
  lookups: SourcePartition[] = []

  set(partition: SourcePartition, offset: SourceOffset): this {
    this.#offsets.set(JSON.stringify(partition), offset)
    return this
  }

  async offset(partition: SourcePartition): Promise<SourceOffset | null> {
    this.lookups.push(partition)
    return this.#offsets.get(JSON.stringify(partition)) ?? null
  }

  async offsets(
    partitions: readonly SourcePartition[],
  ): Promise<Array<{ partition: SourcePartition; offset: SourceOffset | null }>> {
    return Promise.all(
      partitions.map(async (partition) => ({ partition, offset: await this.offset(partition) })),
    )
  }
}

/** A source task context over `offsets`. */
export function sourceContext(configs: ConnectorProps, offsets = new FixedOffsets()): SourceTaskContext {
  return { configs, offsetStorageReader: offsets, transactionContext: () => null }
}

/** A sink task context that records what the task asked for. */
export function sinkContext(configs: ConnectorProps): SinkTaskContext & { commitsRequested: number } {
  const ctx = {
    configs,
    commitsRequested: 0,
    offset: () => undefined,
    timeout: () => undefined,
    assignment: () => [],
    pause: () => undefined,
    resume: () => undefined,
    requestCommit: () => {
      ctx.commitsRequested++
    },
    errantRecordReporter: () => null,
  }
  return ctx
}

/** A fresh temporary directory, removed by the returned cleanup. */
export async function tempDir(): Promise<{
  dir: string
  file: (name: string) => string
  cleanup: () => Promise<void>
}> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sluice-file-'))
  return {
    dir,
    file: (name) => path.join(dir, name),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  }
}

/**
 * A clock whose sleeps complete at once by moving simulated time forward (an aborted signal ends a
 * sleep without moving time). Rate arithmetic runs at full speed and stays exact.
 */
export class SimulatedClock implements TaskClock {
  current: number
  sleeps: number[] = []

  constructor(start = 1_000) {
    this.current = start
  }

  now(): number {
    return this.current
  }

  async sleep(ms: number, ...signals: readonly AbortSignal[]): Promise<void> {
    this.sleeps.push(ms)
    if (signals.some((s) => s.aborted)) return
    this.current += ms
  }
}

/** A clock whose sleeps never end on their own: only an abort ends them. Counts sleepers. */
export class FrozenClock implements TaskClock {
  sleeping = 0
  now(): number {
    return 0
  }
  sleep(_ms: number, ...signals: readonly AbortSignal[]): Promise<void> {
    if (signals.some((s) => s.aborted)) return Promise.resolve()
    this.sleeping++
    return new Promise((resolve) => {
      const done = (): void => {
        this.sleeping--
        resolve()
      }
      for (const s of signals) s.addEventListener('abort', done, { once: true })
    })
  }
}

/** Polls until `count` records arrived or `maxPolls` polls returned, whichever first. */
export async function pollRecords(
  task: SourceTask,
  count: number,
  signal: AbortSignal = new AbortController().signal,
  maxPolls = 1000,
): Promise<SourceRecord[]> {
  const out: SourceRecord[] = []
  for (let i = 0; i < maxPolls && out.length < count; i++) {
    const batch = await task.poll(signal)
    if (batch !== null) out.push(...batch)
  }
  return out
}

/** Resolves when `promise` settles, or rejects after `ms` of wall time (a hang guard, not a timing assertion). */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms)
  })
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer))
}
