import { type ChildProcess, spawn } from 'node:child_process'
import { createWriteStream, existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { repoRoot } from './broker.js'

/** The `sluice` executable of packages/cli (its package.json `bin`). */
export function sluiceBin(): string {
  const manifest = path.join(repoRoot, 'packages', 'cli', 'package.json')
  if (!existsSync(manifest))
    throw new Error('packages/cli is missing: the standalone worker cannot be started')
  const bin = (JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: Record<string, string> }).bin?.sluice
  if (bin === undefined) throw new Error('packages/cli/package.json declares no "sluice" bin')
  const file = path.join(repoRoot, 'packages', 'cli', bin)
  if (!existsSync(file)) throw new Error(`${file} does not exist: build the workspace first (npm test does)`)
  return file
}

export interface Worker {
  readonly child: ChildProcess
  readonly logFile: string
  /** Resolves with the exit code (or signal name). */
  readonly exited: Promise<number | string>
}

/** Starts `sluice standalone <args>` in `cwd`, logging to `<cwd>/<logName>`. */
export function startStandalone(
  cwd: string,
  args: readonly string[],
  logName = 'worker.log',
  env: NodeJS.ProcessEnv = {},
): Worker {
  const logFile = path.join(cwd, logName)
  const log = createWriteStream(logFile, { flags: 'a' })
  const child = spawn(process.execPath, [sluiceBin(), 'standalone', ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout?.pipe(log)
  child.stderr?.pipe(log)
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  )
  return { child, logFile, exited }
}

/** SIGTERM to a worker that still runs, and its exit. */
export async function stopStandalone(worker: Worker | undefined): Promise<void> {
  if (worker === undefined || worker.child.exitCode !== null) return
  worker.child.kill('SIGTERM')
  await worker.exited
}

/** The non-empty lines of a file (none while it does not exist), e.g. what a FileStreamSink wrote. */
export function fileLines(file: string): string[] {
  return existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
    : []
}

/** Waits for `pred`, polling; fails with `what` and the worker log's tail on timeout. */
export async function waitUntil(
  pred: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs: number,
  worker?: Worker,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await pred())) {
    if (Date.now() > deadline) {
      const tail =
        worker && existsSync(worker.logFile)
          ? readFileSync(worker.logFile, 'utf8').split('\n').slice(-30).join('\n')
          : ''
      throw new Error(
        `timed out after ${timeoutMs / 1000} s waiting for ${what}${tail ? `\n--- worker log ---\n${tail}` : ''}`,
      )
    }
    await new Promise((r) => setTimeout(r, 200))
  }
}

/** Resident set size of a process in bytes (Linux /proc), or 0 once it is gone. */
export function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) * 1024 : 0
  } catch {
    return 0
  }
}
