import { randomUUID } from 'node:crypto'
import { KafkaAdmin } from '@sluice/kafka'

/**
 * Topic bookkeeping for the harness. Every run gets a topic of its own (a fresh name, created before
 * and deleted after), so no run reads or appends to another's data and the broker never has to
 * finish a deletion before the same name is reused.
 */
export class Topics {
  readonly #admin: KafkaAdmin
  readonly #created = new Set<string>()

  constructor(readonly bootstrap: string) {
    this.#admin = KafkaAdmin.create({ 'bootstrap.servers': bootstrap })
  }

  /** A topic name no earlier run used. */
  static fresh(prefix: string): string {
    return `bench-${prefix}-${randomUUID().slice(0, 8)}`
  }

  async create(topic: string, partitions: number): Promise<string> {
    await this.#admin.createTopic({ topic, partitions, replicationFactor: 1 })
    this.#created.add(topic)
    // Metadata propagates asynchronously even on one broker: wait until every partition has a leader
    // so the first produce of the measured run does not pay for it.
    const deadline = Date.now() + 30_000
    for (;;) {
      try {
        const offsets = await this.#admin.endOffsets(topic, 5000)
        if (offsets.size === partitions) return topic
      } catch {
        // Not visible yet.
      }
      if (Date.now() > deadline) throw new Error(`topic ${topic} did not become ready within 30 s`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  /** Records written to `topic` so far (sum of end offsets; every topic here starts empty). */
  async count(topic: string): Promise<number> {
    let sum = 0
    for (const v of (await this.#admin.endOffsets(topic, 5000)).values()) sum += v
    return sum
  }

  /** Committed offsets of a consumer group (for diagnostics of a stuck sink). */
  async groupOffsets(group: string): Promise<Array<{ topic: string; partition: number; offset: number }>> {
    return this.#admin.groupOffsets(group)
  }

  async delete(topic: string): Promise<void> {
    this.#created.delete(topic)
    try {
      await this.#admin.deleteTopic(topic, 30_000)
    } catch {
      // Best effort: a leftover benchmark topic costs disk, not correctness.
    }
  }

  /** Deletes every topic this instance created and still holds, then closes the admin client. */
  async close(): Promise<void> {
    for (const t of [...this.#created]) await this.delete(t)
    this.#admin.close()
  }
}
