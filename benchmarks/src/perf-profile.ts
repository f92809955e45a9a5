import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { sleep } from './proc.js'

/**
 * Main-thread profile of a Sluice worker with Linux `perf` (Debian: `apt-get install linux-perf`), because
 * V8's --cpu-prof misattributes time spent inside the native Kafka binding (it showed postMessage at 12.6 %
 * of the main thread where perf shows 0.7 %: shared/reference/kafka-binding-performance.md). The worker
 * runs with --perf-basic-prof-only-functions so perf can name JIT-compiled JavaScript.
 */

export type Bucket = 'binding' | 'Sluice JS' | 'other JS' | 'GC' | 'event loop' | 'node/V8 other'
export const BUCKETS: readonly Bucket[] = [
  'binding',
  'Sluice JS',
  'other JS',
  'GC',
  'event loop',
  'node/V8 other',
]

export interface MainThreadProfile {
  readonly samples: number
  readonly buckets: Array<{ bucket: Bucket; samples: number; pct: number; usPerRecord?: number }>
  /** The heaviest leaf symbols, for a look below the buckets. */
  readonly top: Array<{ symbol: string; bucket: Bucket; pct: number }>
}

export function perfAvailable(): boolean {
  try {
    execFileSync('perf', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Finds the pid of the process whose command line contains `marker` (the run's own folder). */
async function waitForProcess(marker: string, timeoutMs: number): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    try {
      const out = execFileSync('pgrep', ['-f', '--', marker], { encoding: 'utf8' })
      const pids = out
        .split('\n')
        .map(Number)
        .filter((p) => p > 0 && p !== process.pid)
      for (const pid of pids) {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
        if (cmd.includes('--perf-basic-prof')) return pid
      }
    } catch {
      // not started yet
    }
    await sleep(20)
  }
  return undefined
}

/**
 * Attaches `perf record -g` to the main thread (tid == pid) of the Sluice worker that will start with
 * `marker` in its command line; `stop()` ends the recording once the run is over.
 */
export async function recordMainThread(
  marker: string,
  outFile: string,
): Promise<{ pid: Promise<number | undefined>; stop: () => Promise<void> }> {
  let perf: ChildProcess | undefined
  const pid = waitForProcess(marker, 60_000).then((p) => {
    if (p !== undefined) {
      perf = spawn('perf', ['record', '-g', '-F', '999', '-t', String(p), '-o', outFile], { stdio: 'ignore' })
    }
    return p
  })
  return {
    pid,
    async stop() {
      await pid
      const p = perf
      if (p === undefined || p.exitCode !== null) return
      const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()))
      p.kill('SIGINT')
      await Promise.race([exited, sleep(15_000)])
    },
  }
}

const GC =
  /v8::internal::(Heap::|Scavenger|ScavengeJob|MarkCompact|MinorMarkCompact|MinorMarkSweep|Sweeper|ConcurrentMarking|IncrementalMarking|MarkingVisitor|GCTracer|MemoryAllocator)|Scavenge|Evacuat/
const BINDING_DSO = /confluent-kafka-javascript\.node|librdkafka/
const LOOP = /^uv_|uv__|epoll_wait|epoll_pwait|__GI_epoll|do_epoll/

interface Frame {
  sym: string
  dso: string
}

function classify(frames: readonly Frame[]): Bucket {
  if (frames.some((f) => GC.test(f.sym))) return 'GC'
  for (const f of frames) {
    if (BINDING_DSO.test(f.dso)) return 'binding'
    if (f.dso.includes('perf-') && f.dso.endsWith('.map')) {
      // JavaScript: the binding's own JS wrapper counts as the binding.
      if (f.sym.includes('kafka-javascript')) return 'binding'
      if (/\/(packages|benchmarks)\//.test(f.sym) && !f.sym.includes('node_modules')) return 'Sluice JS'
      return 'other JS'
    }
  }
  if (frames.some((f) => LOOP.test(f.sym))) return 'event loop'
  return 'node/V8 other'
}

/** Buckets the samples of `perf record` output; µs per record from the run's main-thread CPU. */
export function summarizePerf(dataFile: string, mainUsPerRecord: number | undefined): MainThreadProfile {
  const text = execFileSync('perf', ['script', '-i', dataFile, '-F', 'tid,ip,sym,dso'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  const counts = new Map<Bucket, number>()
  const leaves = new Map<string, { bucket: Bucket; n: number }>()
  let samples = 0
  let frames: Frame[] = []
  const flush = () => {
    if (frames.length === 0) return
    const b = classify(frames)
    counts.set(b, (counts.get(b) ?? 0) + 1)
    const leaf = `${frames[0]!.sym}`.slice(0, 100)
    const e = leaves.get(leaf)
    if (e === undefined) leaves.set(leaf, { bucket: b, n: 1 })
    else e.n++
    samples++
    frames = []
  }
  for (const line of text.split('\n')) {
    const m = /^\s+[0-9a-f]+\s+(.*)\s+\((.*)\)\s*$/.exec(line)
    if (m !== null) frames.push({ sym: m[1]!, dso: m[2]! })
    else flush()
  }
  flush()
  const pct = (n: number) => (samples > 0 ? (n / samples) * 100 : 0)
  return {
    samples,
    buckets: BUCKETS.map((bucket) => {
      const n = counts.get(bucket) ?? 0
      return {
        bucket,
        samples: n,
        pct: pct(n),
        ...(mainUsPerRecord !== undefined && Number.isFinite(mainUsPerRecord)
          ? { usPerRecord: (pct(n) / 100) * mainUsPerRecord }
          : {}),
      }
    }),
    top: [...leaves.entries()]
      .sort((a, b) => b[1].n - a[1].n)
      .slice(0, 12)
      .map(([symbol, e]) => ({ symbol, bucket: e.bucket, pct: pct(e.n) })),
  }
}
