import { type ChildProcess, spawn } from 'node:child_process'
import { createWriteStream, writeFileSync } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { StatusEvent } from './status-recorder.js'
import { waitFor } from './wait.js'
import type { WorkerProcessConfig, WorkerProcessEvent } from './worker-process.js'

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker-process.js')

/** A worker running in a child process (see `worker-process.ts`), to be killed like a crashed one. */
export class ChildWorker {
  readonly #child: ChildProcess
  readonly #exited: Promise<number | string>
  readonly events: StatusEvent[] = []
  readonly logFile: string
  #ready = false
  #error: string | undefined

  private constructor(child: ChildProcess, logFile: string) {
    this.#child = child
    this.logFile = logFile
    this.#exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)))
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let e: WorkerProcessEvent
      try {
        e = JSON.parse(line) as WorkerProcessEvent
      } catch {
        return // connector output on stdout (e.g. a sink writing to stdout): not ours
      }
      if (e.type === 'ready') this.#ready = true
      else if (e.type === 'error') this.#error = e.trace
      else if (e.type === 'state')
        this.events.push({
          connector: e.connector,
          task: e.task,
          state: e.state as StatusEvent['state'],
          trace: e.trace,
        })
    })
  }

  /** Starts the child with `config`; its stderr goes to `<dir>/<name>.log`. */
  static start(dir: string, name: string, config: WorkerProcessConfig): ChildWorker {
    const configFile = path.join(dir, `${name}.json`)
    writeFileSync(configFile, JSON.stringify(config))
    const logFile = path.join(dir, `${name}.log`)
    const child = spawn(process.execPath, [SCRIPT, configFile], { stdio: ['ignore', 'pipe', 'pipe'] })
    child.stderr!.pipe(createWriteStream(logFile))
    return new ChildWorker(child, logFile)
  }

  /** Waits until every connector and task started (fails with the child's error trace if it did not). */
  async ready(timeoutMs: number): Promise<void> {
    await waitFor(
      () => {
        if (this.#error !== undefined) throw new Error(`the child worker failed to start:\n${this.#error}`)
        if (this.#child.exitCode !== null)
          throw new Error(`the child worker exited (${this.#child.exitCode}); see ${this.logFile}`)
        return this.#ready
      },
      'the child worker to start its connector and tasks',
      timeoutMs,
    )
  }

  /** Kills the worker with SIGKILL (no flush, no commit, no goodbye) and waits until it is gone. */
  async kill(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGKILL')
    await this.#exited
  }
}
