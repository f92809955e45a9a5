import { Consumer, stringDeserializers } from '@platformatic/kafka'
import '@sluice/kafka/promise-with-resolvers'

/** One record as read back from a topic: key, value and headers as text (null for null). */
export interface TopicRecord {
  readonly partition: number
  readonly offset: bigint
  readonly key: string | null
  readonly value: string | null
  readonly headers: Readonly<Record<string, string>>
}

/**
 * Reads `topic` from the beginning until `expected` records arrived or no record came for `idleMs`
 * (a pure-JS client, so a test reads many topics quickly without a JVM per topic).
 */
export async function readTopic(
  bootstrap: string,
  topic: string,
  opts: { idleMs?: number; expected?: number; timeoutMs?: number } = {},
): Promise<TopicRecord[]> {
  const consumer = new Consumer({
    groupId: `sluice-reader-${topic}-${Math.random().toString(36).slice(2, 8)}`,
    clientId: 'sluice-topic-reader',
    bootstrapBrokers: bootstrap.split(','),
    deserializers: stringDeserializers,
    maxWaitTime: 200,
  })
  const out: TopicRecord[] = []
  try {
    let stream: Awaited<ReturnType<typeof consumer.consume>>
    try {
      stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false })
    } catch (err) {
      // A topic nobody wrote yet reads as empty.
      if (/unknown topic/i.test((err as Error).message)) return out
      throw err
    }
    const idleMs = opts.idleMs ?? 3000
    const deadline = Date.now() + (opts.timeoutMs ?? 60_000)
    await new Promise<void>((resolve, reject) => {
      let timer = setTimeout(finish, idleMs)
      function finish(): void {
        clearTimeout(timer)
        resolve()
      }
      stream.on('data', (m) => {
        const headers: Record<string, string> = {}
        for (const [k, v] of m.headers ?? new Map())
          headers[String(k)] = v === undefined || v === null ? '' : String(v)
        out.push({
          partition: m.partition,
          offset: m.offset,
          key: m.key === undefined || m.key === null || m.key === '' ? null : m.key,
          value: m.value === undefined || m.value === null || m.value === '' ? null : m.value,
          headers,
        })
        clearTimeout(timer)
        if ((opts.expected !== undefined && out.length >= opts.expected) || Date.now() > deadline) finish()
        else timer = setTimeout(finish, idleMs)
      })
      stream.on('error', reject)
    })
    await stream.close()
  } finally {
    await consumer.close(true)
  }
  return out.sort((a, b) => a.partition - b.partition || Number(a.offset - b.offset))
}
