import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs'
import path from 'node:path'

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (almost always 100). */
const CLK_TCK = (() => {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim())
    return Number.isFinite(n) && n > 0 ? n : 100
  } catch {
    return 100
  }
})()

function statFields(pid: number | 'self', tid?: number): string[] | undefined {
  try {
    const stat = readFileSync(
      tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`,
      'utf8',
    )
    // The command name (field 2) may contain spaces and parentheses: split after its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  } catch {
    return undefined
  }
}

/** User + system CPU seconds a live process has used so far (all its threads), from /proc. */
export function cpuSeconds(pid: number): number | undefined {
  const f = statFields(pid)
  // Fields after the name start at field 3 (state): utime is field 14, stime field 15.
  if (f === undefined) return undefined
  return (Number(f[11]) + Number(f[12])) / CLK_TCK
}

/**
 * User + system CPU seconds of one thread (for Node the main thread is the one whose id is the pid:
 * where Kafka I/O runs, ADR 0003). Process totals hide whether the main thread is the bottleneck.
 */
export function threadCpuSeconds(pid: number, tid: number): number | undefined {
  const f = statFields(pid, tid)
  if (f === undefined) return undefined
  return (Number(f[11]) + Number(f[12])) / CLK_TCK
}

/**
 * CPU seconds of this process's children that have exited and been reaped (cutime + cstime). The delta
 * across one child's life is exactly that child's CPU, even though /proc/<pid> is gone once it exits.
 */
export function reapedChildrenCpuSeconds(): number {
  const f = statFields('self')
  if (f === undefined) return 0
  return (Number(f[13]) + Number(f[14])) / CLK_TCK
}

/** Current and peak resident set size in bytes (VmRSS, VmHWM), or undefined once the process is gone. */
export function memory(pid: number): { rss: number; peak: number } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? 0) * 1024
    return { rss: kb('VmRSS'), peak: kb('VmHWM') }
  } catch {
    return undefined
  }
}

export interface ExitStatus {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

/** A child process whose output goes to a log file, registered so it never outlives the harness. */
export interface Child {
  readonly name: string
  readonly pid: number
  readonly logFile: string
  readonly startedAt: number
  readonly exited: Promise<ExitStatus>
  running(): boolean
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<ExitStatus>
  /** The last `lines` lines of its log (for failure messages). */
  tail(lines?: number): string
}

const live = new Set<Child>()

/** Kills every child still running, synchronously (exit handlers cannot wait). */
export function killAllChildren(): void {
  for (const c of live) {
    try {
      process.kill(c.pid, 'SIGKILL')
    } catch {
      // Already gone.
    }
  }
  live.clear()
}

let hooked = false
function hookExit(): void {
  if (hooked) return
  hooked = true
  process.once('exit', killAllChildren)
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      killAllChildren()
      process.exit(130)
    })
  }
}

export interface SpawnOptions {
  readonly cwd?: string
  readonly env?: NodeJS.ProcessEnv
}

/** Starts `cmd args` with stdout and stderr appended to `logFile`. */
export function spawnChild(
  name: string,
  cmd: string,
  args: readonly string[],
  logFile: string,
  opts: SpawnOptions = {},
): Child {
  hookExit()
  mkdirSync(path.dirname(logFile), { recursive: true })
  const fd = openSync(logFile, 'a')
  let proc: ChildProcess
  try {
    proc = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      // A file descriptor, not a pipe: the harness never copies the children's output through its own
      // event loop, so it costs no CPU in the measured window.
      stdio: ['ignore', fd, fd],
    })
  } finally {
    closeSync(fd)
  }
  const pid = proc.pid
  if (pid === undefined) throw new Error(`could not start ${cmd} (${name})`)
  let done = false
  const exited = new Promise<ExitStatus>((resolve) => {
    proc.once('exit', (code, signal) => {
      done = true
      live.delete(child)
      resolve({ code, signal })
    })
    proc.once('error', () => {
      done = true
      live.delete(child)
      resolve({ code: -1, signal: null })
    })
  })
  const child: Child = {
    name,
    pid,
    logFile,
    startedAt: performance.now(),
    exited,
    running: () => !done,
    async stop(graceMs = 20_000) {
      if (done) return exited
      proc.kill('SIGTERM')
      const timer = setTimeout(() => {
        if (!done) proc.kill('SIGKILL')
      }, graceMs)
      const status = await exited
      clearTimeout(timer)
      return status
    },
    tail(lines = 30) {
      try {
        return readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n')
      } catch {
        return ''
      }
    },
  }
  live.add(child)
  return child
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
