/**
 * Kafka's metric statistics, reproduced so that Sluice's figures read like a Java worker's: windowed
 * samples (`metrics.sample.window.ms`, default 30 s; `metrics.num.samples`, default 2) from which
 * rate, average, maximum and frequency are computed at read time, and cumulative sums. Samples older
 * than `samples × window` are dropped when read or written. Time comes from an injected clock.
 */

export interface StatConfig {
  readonly windowMs: number
  readonly samples: number
  readonly now: () => number
}

export const DEFAULT_STAT_CONFIG: StatConfig = { windowMs: 30_000, samples: 2, now: Date.now }

interface Sample {
  start: number
  count: number
  value: number
  /** Second counter, used by Frequency (the "true" outcomes). */
  hits: number
}

/** A ring of time-windowed samples; the basis of Rate, Avg, Max and Frequency. */
class Samples {
  readonly #cfg: StatConfig
  readonly #samples: Sample[] = []
  readonly #init: number

  constructor(cfg: StatConfig, init: number) {
    this.#cfg = cfg
    this.#init = init
  }

  /** The current sample, a new one when the newest window is over (or full of events, as Kafka does not bound counts). */
  current(now: number): Sample {
    this.purge(now)
    const last = this.#samples[this.#samples.length - 1]
    if (last !== undefined && now - last.start < this.#cfg.windowMs) return last
    const s: Sample = { start: now, count: 0, value: this.#init, hits: 0 }
    this.#samples.push(s)
    if (this.#samples.length > this.#cfg.samples) this.#samples.shift()
    return s
  }

  purge(now: number): void {
    const expire = this.#cfg.samples * this.#cfg.windowMs
    while (this.#samples.length > 0 && now - this.#samples[0]!.start >= expire) this.#samples.shift()
  }

  all(now: number): readonly Sample[] {
    this.purge(now)
    return this.#samples
  }

  /** Start of the oldest live sample, or `now` when there is none. */
  oldestStart(now: number): number {
    const s = this.all(now)
    return s.length === 0 ? now : s[0]!.start
  }
}

/** Kafka's `Rate` (per second) over a windowed sum. */
export class Rate {
  readonly #cfg: StatConfig
  readonly #s: Samples

  constructor(cfg: StatConfig = DEFAULT_STAT_CONFIG) {
    this.#cfg = cfg
    this.#s = new Samples(cfg, 0)
  }

  record(n: number, now = this.#cfg.now()): void {
    const s = this.#s.current(now)
    s.value += n
    s.count++
  }

  /**
   * The windowed sum divided by the elapsed time, where (as in Kafka) the elapsed time is at least
   * `samples - 1` full windows, so that a fresh sensor does not report a huge rate.
   */
  measure(now = this.#cfg.now()): number {
    let total = 0
    for (const s of this.#s.all(now)) total += s.value
    let elapsed = now - this.#s.oldestStart(now)
    const full = Math.floor(elapsed / this.#cfg.windowMs)
    const minFull = this.#cfg.samples - 1
    if (full < minFull) elapsed += (minFull - full) * this.#cfg.windowMs
    return elapsed <= 0 ? 0 : total / (elapsed / 1000)
  }
}

/** Kafka's `Avg`: sum of values over count of values in the live samples (NaN when empty). */
export class Avg {
  readonly #cfg: StatConfig
  readonly #s: Samples

  constructor(cfg: StatConfig = DEFAULT_STAT_CONFIG) {
    this.#cfg = cfg
    this.#s = new Samples(cfg, 0)
  }

  record(v: number, now = this.#cfg.now()): void {
    const s = this.#s.current(now)
    s.value += v
    s.count++
  }

  measure(now = this.#cfg.now()): number {
    let total = 0
    let count = 0
    for (const s of this.#s.all(now)) {
      total += s.value
      count += s.count
    }
    return count === 0 ? Number.NaN : total / count
  }
}

/** Kafka's `Max` over the live samples (NaN when empty). */
export class Max {
  readonly #cfg: StatConfig
  readonly #s: Samples

  constructor(cfg: StatConfig = DEFAULT_STAT_CONFIG) {
    this.#cfg = cfg
    this.#s = new Samples(cfg, Number.NEGATIVE_INFINITY)
  }

  record(v: number, now = this.#cfg.now()): void {
    const s = this.#s.current(now)
    if (v > s.value) s.value = v
    s.count++
  }

  measure(now = this.#cfg.now()): number {
    let max = Number.NEGATIVE_INFINITY
    let count = 0
    for (const s of this.#s.all(now)) {
      count += s.count
      if (s.value > max) max = s.value
    }
    return count === 0 ? Number.NaN : max
  }
}

/**
 * Kafka's boolean `Frequencies` (used for the `*-success-percentage` / `*-failure-percentage` pairs):
 * the fraction, 0.0–1.0, of true (or false) outcomes in the live samples; 0 when there are none.
 */
export class Frequency {
  readonly #cfg: StatConfig
  readonly #s: Samples

  constructor(cfg: StatConfig = DEFAULT_STAT_CONFIG) {
    this.#cfg = cfg
    this.#s = new Samples(cfg, 0)
  }

  record(ok: boolean, now = this.#cfg.now()): void {
    const s = this.#s.current(now)
    s.count++
    if (ok) s.hits++
  }

  /** Fraction of `true` outcomes (`which = true`) or of `false` ones. */
  measure(which: boolean, now = this.#cfg.now()): number {
    let count = 0
    let hits = 0
    for (const s of this.#s.all(now)) {
      count += s.count
      hits += s.hits
    }
    if (count === 0) return 0
    return (which ? hits : count - hits) / count
  }
}

/** Kafka's `CumulativeSum` (`*-total`) and `CumulativeCount`. */
export class Total {
  value = 0

  record(n = 1): void {
    this.value += n
  }
}

/** Rate, total, average and maximum of one measured quantity, as Kafka's sensors combine them. */
export class Meter {
  readonly rate: Rate
  readonly total = new Total()

  constructor(cfg: StatConfig) {
    this.rate = new Rate(cfg)
  }

  record(n: number, now: number): void {
    this.rate.record(n, now)
    this.total.record(n)
  }
}

/** Average and maximum of a measured value (times, sizes, counts). */
export class AvgMax {
  readonly avg: Avg
  readonly max: Max

  constructor(cfg: StatConfig) {
    this.avg = new Avg(cfg)
    this.max = new Max(cfg)
  }

  record(v: number, now: number): void {
    this.avg.record(v, now)
    this.max.record(v, now)
  }
}
