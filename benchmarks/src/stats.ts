/** Median and spread of repeated measurements. */
export interface Summary {
  readonly median: number
  readonly min: number
  readonly max: number
  /** (max − min) / median, in percent: the spread the README's tables quote. */
  readonly spreadPct: number
  readonly n: number
}

export function median(values: readonly number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b)
  if (v.length === 0) return Number.NaN
  const mid = v.length >> 1
  return v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2
}

export function summarize(values: readonly number[]): Summary {
  const v = values.filter((x) => Number.isFinite(x))
  if (v.length === 0)
    return { median: Number.NaN, min: Number.NaN, max: Number.NaN, spreadPct: Number.NaN, n: 0 }
  const med = median(v)
  const min = Math.min(...v)
  const max = Math.max(...v)
  return { median: med, min, max, spreadPct: med === 0 ? 0 : ((max - min) / med) * 100, n: v.length }
}

/** The `p`-th percentile (0–100) of already sorted values, nearest-rank. */
export function percentile(sorted: Float64Array | readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!
}
