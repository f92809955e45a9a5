/**
 * Entry point of a worker in a child process, for the crash tests: the suite starts it, waits until the
 * connector streams, then kills it with SIGKILL — nothing is flushed or committed on the way out, which is
 * what a crashed worker leaves behind. It drives the worker as a herder would (connector, then tasks)
 * and reports state changes as JSON lines on stdout.
 *
 * Usage: `node worker-process.js <config.json>` with `{ workerProps, connectors: [{ name, props }] }`.
 *
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs'
import type { ConnectorProps } from '@sluice/api'
import { errorTrace } from '@sluice/api'
import { createWorker, type Worker } from '@sluice/runtime'

/** What the parent writes to the config file. */
export interface WorkerProcessConfig {
  readonly workerProps: Record<string, string>
  readonly connectors: ReadonlyArray<{ readonly name: string; readonly props: ConnectorProps }>
}

/** One line the child prints. */
export type WorkerProcessEvent =
  | { readonly type: 'state'; connector: string; task: number | null; state: string; trace?: string }
  | { readonly type: 'ready' }
  | { readonly type: 'error'; trace: string }

const emit = (e: WorkerProcessEvent) => process.stdout.write(`${JSON.stringify(e)}\n`)

async function main(): Promise<void> {
  const file = process.argv[2]
  if (file === undefined) throw new Error('usage: worker-process.js <config.json>')
  const config = JSON.parse(readFileSync(file, 'utf8')) as WorkerProcessConfig
  const worker: Worker = await createWorker({
    props: config.workerProps,
    listener: {
      onConnectorState: (connector, state, trace) =>
        emit({ type: 'state', connector, task: null, state, ...(trace !== undefined && { trace }) }),
      onTaskState: (id, state, trace) =>
        emit({
          type: 'state',
          connector: id.connector,
          task: id.task,
          state,
          ...(trace !== undefined && { trace }),
        }),
    },
  })
  process.on('SIGTERM', () => {
    void worker.stop().then(() => process.exit(0))
  })
  for (const { name, props } of config.connectors) {
    const full = { ...props, name }
    await worker.startConnector(name, full, 'STARTED')
    const taskConfigs = await worker.connectorTaskConfigs(name)
    for (const [task, taskProps] of taskConfigs.entries())
      await worker.startTask({ connector: name, task }, full, taskProps, 'STARTED')
  }
  emit({ type: 'ready' })
  // The worker's pool and clients keep the process alive; this makes it explicit.
  setInterval(() => undefined, 60_000)
}

main().catch((err: unknown) => {
  emit({ type: 'error', trace: errorTrace(err) })
  process.exit(1)
})
