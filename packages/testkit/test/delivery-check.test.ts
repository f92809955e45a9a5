import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { checkDelivery, seqRange } from '../src/delivery-check.js'

// The conformance suite is only as good as these rules: each case shows one kind of broken delivery the
// checker must catch, next to the legitimate at-least-once patterns it must accept.

const p = (...lists: number[][]) => new Map(lists.map((seqs, i) => [`t-${i}`, seqs]))
const exactly = { kind: 'exactly-once' } as const
const afterRestart = (committedBelow: number, bound: number) =>
  ({ kind: 'at-least-once', committed: (s: number) => s < committedBelow, uncommittedBound: bound }) as const

describe('checkDelivery', () => {
  test('accepts every record once, in order per partition, partitions interleaved freely', () => {
    const r = checkDelivery(p([0, 2, 4, 6], [1, 3, 5]), seqRange(0, 7), exactly)
    assert.deepEqual(r.problems, [])
    assert.equal(r.delivered, 7)
    assert.equal(r.duplicates, 0)
  })

  test('catches a lost record', () => {
    const r = checkDelivery(p([0, 1, 3]), seqRange(0, 4), exactly)
    assert.match(r.problems.join('\n'), /1 of 4 records lost: #2/)
  })

  test('catches reordering within a partition', () => {
    const r = checkDelivery(p([0, 2, 1, 3]), seqRange(0, 4), exactly)
    assert.match(r.problems.join('\n'), /out of order: #2 after #0/)
  })

  test('catches a duplicate when no restart happened', () => {
    const r = checkDelivery(p([0, 1, 1, 2]), seqRange(0, 3), exactly)
    assert.match(r.problems.join('\n'), /#1 delivered again after #1/)
    assert.equal(r.duplicates, 1)
  })

  test('catches records that match nothing expected, and a record in two partitions', () => {
    const r = checkDelivery(p([0, -1], [0, 1]), seqRange(0, 2), exactly)
    assert.match(r.problems.join('\n'), /unexpected record \(matches no expected record\)/)
    assert.match(r.problems.join('\n'), /#0 appears in both t-0 and t-1/)
  })

  test('at-least-once: accepts a rewind to the first uncommitted record and its repeats', () => {
    // 0..4 delivered, 0..2 committed, restart rewinds to 3.
    const r = checkDelivery(p([0, 1, 2, 3, 4, 3, 4, 5, 6]), seqRange(0, 7), afterRestart(3, 2))
    assert.deepEqual(r.problems, [])
    assert.equal(r.duplicates, 2)
  })

  test('at-least-once: catches a rewind into committed records', () => {
    const r = checkDelivery(p([0, 1, 2, 3, 4, 2, 3, 4, 5]), seqRange(0, 6), afterRestart(3, 2))
    const text = r.problems.join('\n')
    assert.match(text, /rewound to #2 after #4, but #2's offset was committed/)
    assert.match(text, /record #2 was committed before the restart but delivered 2 times/)
  })

  test('at-least-once: catches more duplicates than records left uncommitted', () => {
    const r = checkDelivery(p([0, 1, 2, 3, 4, 3, 4, 5]), seqRange(0, 6), afterRestart(3, 1))
    assert.match(
      r.problems.join('\n'),
      /2 duplicate\(s\), more than the 1 record\(s\) delivered but not committed/,
    )
  })

  test('at-least-once: a gap is still a gap (a record skipped, then delivered after the restart)', () => {
    const r = checkDelivery(p([0, 1, 3, 2, 3, 4]), seqRange(0, 5), afterRestart(2, 5))
    assert.match(r.problems.join('\n'), /out of order: #3 after #1/)
  })

  test('at-least-once: loss is loss', () => {
    const r = checkDelivery(p([0, 1, 2, 2, 4]), seqRange(0, 5), afterRestart(2, 5))
    assert.match(r.problems.join('\n'), /lost: #3/)
  })

  test('long reports are capped but counted', () => {
    const r = checkDelivery(p([]), seqRange(0, 5), exactly)
    assert.equal(r.problems.length, 1, 'one summary line for all lost records')
    const many = checkDelivery(p(seqRange(0, 40).map(() => -1)), [], exactly)
    assert.match(many.problems.at(-1) ?? '', /and 28 more problem/)
  })
})
