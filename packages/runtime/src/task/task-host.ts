/**
 * Piscina worker entry for task actors. Each call is one long-lived actor: it resolves only when
 * the task has stopped or failed (see docs/adr/0003-task-actors-on-piscina.md). Nothing imported
 * from here may load the Kafka client: the binding is not context-aware and aborts the process when
 * used off the main thread.
 */
import type { MessagePort } from 'node:worker_threads'
import { decode } from '../wire/codec.js'
import type { TaskSpec } from '../wire/messages.js'
import { TaskActor } from './task-actor.js'

/** The Piscina task: a transferred mailbox port and the msgpackr-encoded {@link TaskSpec}. */
export interface TaskActorStart {
  readonly port: MessagePort
  readonly spec: ArrayBuffer
}

export default function runTaskActor({ port, spec }: TaskActorStart): Promise<void> {
  return new TaskActor(port, decode<TaskSpec>(spec)).run()
}
