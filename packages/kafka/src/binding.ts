import { createRequire } from 'node:module'
import { isMainThread } from 'node:worker_threads'
import type * as Rd from '@confluentinc/kafka-javascript'

/**
 * Loads `@confluentinc/kafka-javascript` once, on the main thread only. The addon is not context-aware:
 * in a worker thread it fails with "Module did not self-register" or aborts the whole process
 * (docs/adr/0003-task-actors-on-piscina.md), so a load from a worker is refused with a clear error
 * before the native module is touched.
 */
let binding: typeof Rd | undefined

export function kafkaBinding(): typeof Rd {
  if (binding !== undefined) return binding
  if (!isMainThread) {
    throw new Error(
      '@sluice/kafka was loaded in a worker thread; the Kafka client only works on the main thread. ' +
        'Move the Kafka call to the Kafka I/O actor on the main thread.',
    )
  }
  binding = createRequire(import.meta.url)('@confluentinc/kafka-javascript') as typeof Rd
  return binding
}
