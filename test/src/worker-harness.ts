import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ConnectorProps } from '@sluice/api'
import type {
  Clock,
  ConnectorTaskId,
  CreateWorkerOptions,
  State,
  StatusListener,
  Worker,
} from '@sluice/runtime'
import { createWorker } from '@sluice/runtime'
import { ensureBroker } from './broker.js'

export { uniqueTopic } from './broker.js'

/** Bootstrap servers of the broker the test run uses (started by `npm test`, or here when run alone). */
export const bootstrap = ensureBroker()

/** Directory of the deliberately misbehaving test plugins, for `plugin.path`. */
export const testPluginsDir = path.resolve(
  fileURLToPath(import.meta.url),
  '../../../../packages/test-plugins',
)

export interface StateEvent {
  readonly connector: string
  readonly task: number | null
  readonly state: State
  readonly trace: string | undefined
}

/** A listener that records every state change, with a way to wait for one. */
export class RecordingListener implements StatusListener {
  readonly events: StateEvent[] = []
  #waiters: Array<() => void> = []

  onConnectorState(connector: string, state: State, trace?: string): void {
    this.#push({ connector, task: null, state, trace })
  }

  onTaskState(id: ConnectorTaskId, state: State, trace?: string): void {
    this.#push({ connector: id.connector, task: id.task, state, trace })
  }

  #push(e: StateEvent): void {
    this.events.push(e)
    const w = this.#waiters
    this.#waiters = []
    for (const f of w) f()
  }

  /** Task states seen so far, in order. */
  taskStates(connector: string, task = 0): State[] {
    return this.events.filter((e) => e.connector === connector && e.task === task).map((e) => e.state)
  }

  /** Waits for the first event (of the connector or one of its tasks) of `connector` in `state`; returns it. */
  async first(connector: string, state: State, what: string = state): Promise<StateEvent> {
    const match = (e: StateEvent) => e.connector === connector && e.state === state
    await this.waitFor((ev) => ev.some(match), what)
    return this.events.find(match) as StateEvent
  }

  /** Waits until `pred` holds for the recorded events (events arrive asynchronously from threads). */
  async waitFor(
    pred: (events: readonly StateEvent[]) => boolean,
    what: string,
    timeoutMs = 60_000,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!pred(this.events)) {
      if (Date.now() > deadline) {
        throw new Error(
          `timed out waiting for ${what}; events: ${JSON.stringify(this.events.map((e) => [e.connector, e.task, e.state]))}`,
        )
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 200)
        this.#waiters.push(() => {
          clearTimeout(t)
          resolve()
        })
      })
    }
  }
}

/** Creates a worker against the test broker with a fresh offsets file. */
export async function startTestWorker(
  extra: Record<string, string> = {},
  opts: { clock?: Clock; restartPolicy?: CreateWorkerOptions['restartPolicy'] } = {},
): Promise<{ worker: Worker; listener: RecordingListener; dir: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-test-'))
  const listener = new RecordingListener()
  const worker = await createWorker({
    props: {
      'bootstrap.servers': bootstrap,
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'offset.storage.file.filename': path.join(dir, 'connect.offsets'),
      'offset.flush.interval.ms': '1000',
      'plugin.path': testPluginsDir,
      ...extra,
    },
    listener,
    ...(opts.clock !== undefined && { clock: opts.clock }),
    ...(opts.restartPolicy !== undefined && { restartPolicy: opts.restartPolicy }),
  })
  return { worker, listener, dir }
}

/** Starts a connector and all its tasks directly on a worker (what the herder does). */
export async function runConnector(
  worker: Worker,
  name: string,
  props: ConnectorProps,
): Promise<ConnectorTaskId[]> {
  const full = { name, ...props }
  await worker.startConnector(name, full, 'STARTED')
  const configs = await worker.connectorTaskConfigs(name)
  const ids = configs.map((_, task) => ({ connector: name, task }))
  for (const [i, c] of configs.entries()) await worker.startTask(ids[i]!, full, c, 'STARTED')
  return ids
}
