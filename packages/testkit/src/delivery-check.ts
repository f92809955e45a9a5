/**
 * The delivery rules the conformance suite checks, as pure functions over sequence numbers (the suite
 * numbers every record it makes the connector move: record `seq` is the `seq`-th the external system or
 * the topic received). Kept apart from Kafka so their own unit tests can prove they catch loss,
 * reordering and out-of-bound duplicates.
 *
 * @packageDocumentation
 */

/** How strict a delivery check is. */
export type DeliveryGuarantee =
  /** Every record exactly once, in order within its partition (no restart happened). */
  | { readonly kind: 'exactly-once' }
  /**
   * At-least-once across one restart: every record at least once; records `committed` at the restart
   * (their offsets were flushed) exactly once; the others may repeat, but only by a partition rewinding
   * to an uncommitted record, and no more than `uncommittedBound` repeats in total.
   */
  | {
      readonly kind: 'at-least-once'
      readonly committed: (seq: number) => boolean
      /** Records delivered before the restart whose offsets were not committed: the most that may repeat. */
      readonly uncommittedBound: number
    }

/** What a check found. */
export interface DeliveryReport {
  /** Records observed (with repeats). */
  readonly delivered: number
  /** Distinct expected records observed. */
  readonly distinct: number
  /** `delivered - distinct`. */
  readonly duplicates: number
  /** Every broken rule, in words; empty when the delivery conforms. */
  readonly problems: readonly string[]
}

/** Largest number of problems listed in a report (the count is always given). */
const MAX_LISTED = 12

/**
 * Checks the records observed per partition (each list in partition order; a "partition" is a Kafka
 * topic-partition for a source, or the partition a record was produced to for a sink) against the
 * sequence numbers that must all be there.
 *
 * Order is checked per partition only: within one partition, sequence numbers must appear in increasing
 * order with no record skipped and later delivered (a "gap"); a repeat is a rewind to an earlier record
 * and is allowed only under `at-least-once`, to an uncommitted record.
 */
export function checkDelivery(
  observed: ReadonlyMap<string, readonly number[]>,
  expected: Iterable<number>,
  guarantee: DeliveryGuarantee,
): DeliveryReport {
  const problems: string[] = []
  let omitted = 0
  const problem = (p: string) => {
    if (problems.length < MAX_LISTED) problems.push(p)
    else omitted++
  }
  const expectedSet = new Set(expected)
  const counts = new Map<number, number>()
  const partitionOf = new Map<number, string>()
  let delivered = 0
  for (const [partition, seqs] of observed) {
    for (const seq of seqs) {
      delivered++
      if (!expectedSet.has(seq)) {
        problem(`${partition}: unexpected record ${seq < 0 ? '(matches no expected record)' : `#${seq}`}`)
        continue
      }
      counts.set(seq, (counts.get(seq) ?? 0) + 1)
      const first = partitionOf.get(seq)
      if (first === undefined) partitionOf.set(seq, partition)
      else if (first !== partition) problem(`record #${seq} appears in both ${first} and ${partition}`)
    }
  }
  const missing = [...expectedSet].filter((s) => !counts.has(s)).sort((a, b) => a - b)
  if (missing.length > 0) {
    problem(
      `${missing.length} of ${expectedSet.size} records lost: #${missing.slice(0, 20).join(', #')}${missing.length > 20 ? ', …' : ''}`,
    )
  }

  for (const [partition, seqs] of observed) {
    const known = seqs.filter((s) => expectedSet.has(s))
    // Ranks of the distinct records of this partition: consecutive records of the partition have
    // consecutive ranks, whatever sequence numbers went to other partitions in between.
    const distinct = [...new Set(known)].sort((a, b) => a - b)
    const rank = new Map(distinct.map((s, i) => [s, i]))
    let prev = -1
    let prevSeq: number | undefined
    for (const seq of known) {
      const r = rank.get(seq)!
      if (r === prev + 1) {
        prev = r
        prevSeq = seq
        continue
      }
      const after = prevSeq === undefined ? 'as the first record' : `after #${prevSeq}`
      if (r > prev + 1) {
        problem(`${partition}: out of order: #${seq} ${after} (#${distinct[prev + 1]} was not delivered yet)`)
      } else if (guarantee.kind === 'exactly-once') {
        problem(`${partition}: #${seq} delivered again ${after} (no restart happened: exactly once expected)`)
      } else if (guarantee.committed(seq)) {
        problem(
          `${partition}: rewound to #${seq} ${after}, but #${seq}'s offset was committed before the restart`,
        )
      }
      prev = r
      prevSeq = seq
    }
  }

  let duplicates = 0
  for (const [seq, n] of counts) {
    if (n === 1) continue
    duplicates += n - 1
    if (guarantee.kind === 'at-least-once' && guarantee.committed(seq)) {
      problem(`record #${seq} was committed before the restart but delivered ${n} times`)
    }
  }
  if (guarantee.kind === 'exactly-once' && duplicates > 0) {
    problem(`${duplicates} duplicate(s) although exactly once was expected`)
  }
  if (guarantee.kind === 'at-least-once' && duplicates > guarantee.uncommittedBound) {
    problem(
      `${duplicates} duplicate(s), more than the ${guarantee.uncommittedBound} record(s) delivered but not committed before the restart`,
    )
  }
  if (omitted > 0) problems.push(`… and ${omitted} more problem(s)`)
  return { delivered, distinct: counts.size, duplicates, problems }
}

/** Sequence numbers `from` … `from + count - 1`. */
export function seqRange(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + i)
}
