import type { PackedRecords } from '@sluice/kafka/packed'
import { forEachPacked, packRecords } from '@sluice/kafka/packed'
import type { ConsumedRecord, ProduceRecord } from './messages.js'

/**
 * Task-thread side of the packed batches (the per-record work lives here, off the main thread).
 * Byte fields of the records read out are views into the batch's transferred buffer (no copy).
 */
export function unpackConsumed(packed: PackedRecords): ConsumedRecord[] {
  const out: ConsumedRecord[] = new Array(packed.length)
  forEachPacked(packed, (r, i) => {
    out[i] = [r.topic, r.partition, r.offset, r.timestamp, r.timestampType, r.key, r.value, r.headers]
  })
  return out
}

/** Packs a source batch on its task thread, ready for one batch-produce call on the main thread. */
export function packProduceRecords(records: readonly ProduceRecord[]): PackedRecords {
  return packRecords(
    records.map((r) => ({
      topic: r[0],
      partition: r[1],
      key: r[2],
      value: r[3],
      timestamp: r[4],
      headers: r[5],
    })),
  )
}

/** The records of a packed source batch (e.g. to send some of them again one by one). */
export function unpackProduceRecords(packed: PackedRecords): ProduceRecord[] {
  const out: ProduceRecord[] = new Array(packed.length)
  forEachPacked(packed, (r, i) => {
    out[i] = [r.topic, r.partition, r.key, r.value, r.timestamp, r.headers]
  })
  return out
}
