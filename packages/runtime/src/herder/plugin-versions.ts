import { ConfigError } from '@sluice/api'

/**
 * Plugin version requirements of Kafka Connect 4.1 (KIP-891): `connector.plugin.version`,
 * `*.converter.plugin.version`, `transforms.<a>.plugin.version` and `?version=` of the plugin config
 * endpoint take a Maven version range. This is Maven's `VersionRange.createFromVersionSpec` (its syntax,
 * `toString` and error messages) and a simplified `ComparableVersion` ordering.
 */

/** One `[lower,upper)` interval; a missing bound is open. */
interface Restriction {
  readonly lower: string | null
  readonly lowerInclusive: boolean
  readonly upper: string | null
  readonly upperInclusive: boolean
}

/** A parsed hard version range (Maven's `VersionRange` with restrictions). */
export class VersionRange {
  readonly #restrictions: readonly Restriction[]

  private constructor(restrictions: readonly Restriction[]) {
    this.#restrictions = restrictions
  }

  /**
   * Kafka's `PluginUtils.connectorVersionRequirement`: `null`/`latest` → `null` (any version); a bare
   * version `1.2` → the exact range `[1.2]`; otherwise a Maven range such as `[1.0,2.0)`.
   * @throws {@link ConfigError} with Maven's message (`Unbounded range: [1.0`, …)
   */
  static requirement(spec: string | null | undefined): VersionRange | null {
    if (spec === null || spec === undefined || spec === 'latest') return null
    const trimmed = spec.trim()
    const parsed = parseSpec(trimmed)
    return parsed ?? (parseSpec(`[${trimmed}]`) as VersionRange)
  }

  /** Whether `version` lies in one of the intervals. */
  containsVersion(version: string): boolean {
    return this.#restrictions.some((r) => {
      if (r.lower !== null) {
        const c = compareVersions(version, r.lower)
        if (c < 0 || (c === 0 && !r.lowerInclusive)) return false
      }
      if (r.upper !== null) {
        const c = compareVersions(version, r.upper)
        if (c > 0 || (c === 0 && !r.upperInclusive)) return false
      }
      return true
    })
  }

  /** Maven's rendering: `[1.2,1.2]`, `[1.0,2.0)`, `(,1.0],[1.2,)`. */
  toString(): string {
    return this.#restrictions
      .map(
        (r) =>
          `${r.lowerInclusive ? '[' : '('}${r.lower ?? ''},${r.upper ?? ''}${r.upperInclusive ? ']' : ')'}`,
      )
      .join(',')
  }

  /** @internal */
  static of(restrictions: readonly Restriction[]): VersionRange {
    return new VersionRange(restrictions)
  }
}

/**
 * Kafka's `VersionedPluginLoadingException` (a `ConfigException`): a bad version spec or no plugin version
 * in range. Marked so validators can tell version problems from other plugin problems.
 */
export function versionedError(message: string, availableVersions?: readonly string[]): ConfigError {
  const err = new ConfigError(message)
  Object.defineProperty(err, 'versioned', { value: true })
  if (availableVersions !== undefined)
    Object.defineProperty(err, 'availableVersions', { value: [...availableVersions] })
  return err
}

/** Whether `err` came from {@link versionedError}. */
export function isVersionedError(err: unknown): err is ConfigError & { availableVersions?: string[] } {
  return err instanceof ConfigError && (err as { versioned?: boolean }).versioned === true
}

function invalid(message: string): ConfigError {
  return versionedError(message)
}

/** Parses a range spec; `null` for a soft (bare) version, which Kafka then turns into `[v]`. */
function parseSpec(spec: string): VersionRange | null {
  const restrictions: Restriction[] = []
  let process = spec
  let upperBound: string | null = null
  while (process.startsWith('[') || process.startsWith('(')) {
    const close = process.indexOf(')')
    const closeInclusive = process.indexOf(']')
    let index = closeInclusive
    if ((closeInclusive < 0 || close < closeInclusive) && close >= 0) index = close
    if (index < 0) throw invalid(`Unbounded range: ${spec}`)
    const r = parseRestriction(process.slice(0, index + 1))
    if (upperBound !== null && (r.lower === null || compareVersions(r.lower, upperBound) < 0)) {
      throw invalid(`Ranges overlap: ${spec}`)
    }
    restrictions.push(r)
    upperBound = r.upper
    process = process.slice(index + 1).trim()
    if (process.startsWith(',')) process = process.slice(1).trim()
  }
  if (process.length > 0) {
    if (restrictions.length > 0)
      throw invalid(`Only fully-qualified sets allowed in multiple set scenario: ${spec}`)
    return null
  }
  // No interval at all (an empty spec) is a soft version too.
  return restrictions.length === 0 ? null : VersionRange.of(restrictions)
}

function parseRestriction(spec: string): Restriction {
  const lowerInclusive = spec.startsWith('[')
  const upperInclusive = spec.endsWith(']')
  const body = spec.slice(1, -1).trim()
  const comma = body.indexOf(',')
  if (comma < 0) {
    if (!lowerInclusive || !upperInclusive) throw invalid(`Single version must be surrounded by []: ${spec}`)
    return { lower: body, lowerInclusive: true, upper: body, upperInclusive: true }
  }
  const lower = body.slice(0, comma).trim()
  const upper = body.slice(comma + 1).trim()
  if (lower !== '' && upper !== '' && compareVersions(upper, lower) < 0) {
    throw invalid(`Range defies version ordering: ${spec}`)
  }
  return {
    lower: lower === '' ? null : lower,
    lowerInclusive,
    upper: upper === '' ? null : upper,
    upperInclusive,
  }
}

/** Qualifier ranks of Maven's `ComparableVersion` (unknown qualifiers sort after these, by name). */
const QUALIFIERS: Readonly<Record<string, number>> = {
  alpha: 0,
  a: 0,
  beta: 1,
  b: 1,
  milestone: 2,
  m: 2,
  rc: 3,
  cr: 3,
  snapshot: 4,
  '': 5,
  ga: 5,
  final: 5,
  release: 5,
  sp: 6,
}

type Item = number | string

function items(version: string): Item[] {
  const out: Item[] = []
  for (const part of version.toLowerCase().split(/[.-]/)) {
    for (const token of part.match(/\d+|[^\d]+/g) ?? [''])
      out.push(/^\d+$/.test(token) ? Number(token) : token)
  }
  // Trailing zeros and release qualifiers do not count: 1.0 == 1 == 1.0.0 == 1-ga.
  while (out.length > 1) {
    const last = out[out.length - 1]
    if (last === 0 || (typeof last === 'string' && QUALIFIERS[last] === 5)) out.pop()
    else break
  }
  return out
}

function compareItems(a: Item | undefined, b: Item | undefined): number {
  if (a === undefined && b === undefined) return 0
  if (a === undefined) return -compareItems(b, a)
  if (b === undefined) {
    // 1.0.1 > 1.0; 1.0-alpha < 1.0; 1.0-sp > 1.0
    if (typeof a === 'number') return a === 0 ? 0 : 1
    return compareItems(a, '')
  }
  if (typeof a === 'number' && typeof b === 'number') return a - b
  if (typeof a === 'number') return 1
  if (typeof b === 'number') return -1
  const ra = QUALIFIERS[a]
  const rb = QUALIFIERS[b]
  if (ra !== undefined && rb !== undefined) return ra - rb
  if (ra !== undefined) return -1
  if (rb !== undefined) return 1
  return a < b ? -1 : a > b ? 1 : 0
}

/** Orders versions like Maven (`1.0` = `1.0.0` < `1.0.1`; `1.0-SNAPSHOT` < `1.0`). */
export function compareVersions(a: string, b: string): number {
  const ia = items(a)
  const ib = items(b)
  for (let i = 0; i < Math.max(ia.length, ib.length); i++) {
    const c = compareItems(ia[i], ib[i])
    if (c !== 0) return Math.sign(c)
  }
  return 0
}
