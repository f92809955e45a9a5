import { createConsumer, KafkaAdmin, type Message } from '@sluice/kafka'

/**
 * Reads every partition of `topic` from the beginning with a `read_committed` librdkafka consumer (what
 * an exactly-once pipeline downstream sees: records of aborted or still-open transactions never
 * arrive) until `idleMs` pass without a record after the log end was reached.
 */
export async function readCommitted(
  bootstrap: string,
  topic: string,
  opts: { idleMs?: number; timeoutMs?: number } = {},
): Promise<Message[]> {
  const admin = KafkaAdmin.create({ 'bootstrap.servers': bootstrap })
  let partitions: number[]
  try {
    const [d] = await admin.describeTopics([topic])
    partitions = (d?.partitions ?? []).map((p) => p.partition)
  } finally {
    admin.close()
  }
  const consumer = createConsumer({
    'bootstrap.servers': bootstrap,
    'group.id': `eos-reader-${Math.random().toString(36).slice(2, 10)}`,
    'enable.auto.commit': false,
    'isolation.level': 'read_committed',
    'auto.offset.reset': 'earliest',
  })
  await new Promise<void>((resolve, reject) => consumer.connect({}, (err) => (err ? reject(err) : resolve())))
  const out: Message[] = []
  try {
    consumer.assign(partitions.map((partition) => ({ topic, partition, offset: -2 })))
    consumer.setDefaultConsumeTimeout(200)
    const idleMs = opts.idleMs ?? 2000
    const deadline = Date.now() + (opts.timeoutMs ?? 60_000)
    let lastRecord = Date.now()
    while (Date.now() < deadline) {
      const batch = await new Promise<Message[]>((resolve, reject) =>
        consumer.consume(5000, (err, m) => (err ? reject(err) : resolve(m))),
      )
      if (batch.length > 0) {
        out.push(...batch)
        lastRecord = Date.now()
      } else if (Date.now() - lastRecord > idleMs) break
    }
  } finally {
    await new Promise<void>((resolve) => consumer.disconnect(() => resolve()))
  }
  return out
}

/**
 * Checks that the datagen sequence numbers in `values` (`"<task>-<seq>:…"`) are, per task, exactly
 * 0..max, each once. Returns the count per task, or a description of the first duplicate or gap.
 */
export function exactlyOnceSequence(values: ReadonlyArray<string>): {
  perTask: Map<number, number>
  problems: string[]
} {
  const seen = new Map<number, Map<number, number>>()
  for (const v of values) {
    const m = /^(\d+)-(\d+):/.exec(v)
    if (m === null) continue
    const task = Number(m[1])
    const seq = Number(m[2])
    let t = seen.get(task)
    if (t === undefined) {
      t = new Map()
      seen.set(task, t)
    }
    t.set(seq, (t.get(seq) ?? 0) + 1)
  }
  const problems: string[] = []
  const perTask = new Map<number, number>()
  for (const [task, seqs] of seen) {
    let max = -1
    for (const s of seqs.keys()) if (s > max) max = s
    perTask.set(task, seqs.size)
    const dupes = [...seqs].filter(([, n]) => n > 1)
    if (dupes.length > 0)
      problems.push(
        `task ${task}: ${dupes.length} sequence numbers seen more than once (first: ${dupes[0]?.[0]} ×${dupes[0]?.[1]})`,
      )
    const missing: number[] = []
    for (let s = 0; s <= max && missing.length < 5; s++) if (!seqs.has(s)) missing.push(s)
    if (missing.length > 0) problems.push(`task ${task}: missing ${missing.join(', ')}… (max ${max})`)
  }
  return { perTask, problems }
}
