import { SLUICE_EXTENSION_KEYS } from './differences.js'
import type { Projection, Step } from './session.js'

/**
 * Structural comparison of two REST responses: status, Content-Type, Location, then the JSON bodies — same
 * value types and keys everywhere, same key order (Kafka's entity field order) except where a step says
 * Java returns hash order, and equal values (responses are normalized first, so per-side names, paths,
 * ports and worker ids compare equal).
 */

/** One response, as received. */
export interface Response {
  readonly status: number
  readonly contentType: string | null
  readonly location: string | null
  readonly allow: string | null
  readonly text: string
}

/** A difference between the Java and the Sluice response of a step. */
export interface Difference {
  readonly step: string
  /** `#status`, `#content-type`, `#location`, `#allow`, `#body`, or a JSON path like `$.tasks[0].state`. */
  readonly path: string
  readonly kind:
    | 'status'
    | 'header'
    | 'type'
    | 'missing'
    | 'extra'
    | 'order'
    | 'length'
    | 'value'
    | 'elements'
    | 'text'
  readonly java: unknown
  readonly sluice: unknown
}

/** A difference the project accepts, with its reason. */
export interface ListedDifference {
  /** Step id (or pattern). */
  readonly step: string | RegExp
  /** Path (or pattern) of the difference; omitted = any path of the step. */
  readonly path?: string | RegExp
  readonly reason: string
}

function matches(p: string | RegExp, s: string): boolean {
  return typeof p === 'string' ? p === s : p.test(s)
}

/** The listed difference that covers `d`, if any. */
export function listedFor(d: Difference, listed: readonly ListedDifference[]): ListedDifference | undefined {
  return listed.find((l) => matches(l.step, d.step) && (l.path === undefined || matches(l.path, d.path)))
}

/** Replaces per-side values by their placeholders, in strings and object keys, recursively. */
export function normalize(value: unknown, vars: ReadonlyArray<readonly [string, string]>): unknown {
  // Longest values first, so a value containing another is replaced whole.
  const sorted = [...vars].filter(([, v]) => v !== '').sort((a, b) => b[1].length - a[1].length)
  const str = (s: string): string => sorted.reduce((acc, [name, v]) => acc.split(v).join(`\${${name}}`), s)
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return str(v)
    if (Array.isArray(v)) return v.map(walk)
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {}
      for (const [k, x] of Object.entries(v)) out[str(k)] = walk(x)
      return out
    }
    return v
  }
  return walk(value)
}

/** Applies a step's projection to a parsed body. */
export function project(body: unknown, projection: Projection | undefined): unknown {
  if (projection === undefined) return body
  if (projection === 'fileStreamPlugins') {
    return Array.isArray(body)
      ? body.filter((p) => String((p as { class?: unknown }).class).includes('.FileStream'))
      : body
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body
  const out: Record<string, unknown> = {}
  for (const k of projection.loggers) if (k in body) out[k] = (body as Record<string, unknown>)[k]
  return out
}

function kindOf(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  return typeof v
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(v)
}

/** `unordered` entries use `[*]` for any array index; `$` is the root. */
function isUnordered(path: string, unordered: readonly string[]): boolean {
  const generic = path.replace(/\[\d+\]/g, '[*]')
  return unordered.some(
    (u) => u === path || u === generic || (u.endsWith('.*') && generic.startsWith(u.slice(0, -2))),
  )
}

/** Compares two JSON values; returns every difference found. */
export function compareJson(
  step: string,
  java: unknown,
  sluice: unknown,
  unordered: readonly string[],
  path = '$',
): Difference[] {
  const out: Difference[] = []
  const jk = kindOf(java)
  const sk = kindOf(sluice)
  if (jk !== sk) return [{ step, path, kind: 'type', java, sluice }]
  if (jk === 'array') {
    const a = java as unknown[]
    const b = sluice as unknown[]
    if (isUnordered(path, unordered)) {
      const ca = a.map(canonical).sort()
      const cb = b.map(canonical).sort()
      if (ca.join('\n') !== cb.join('\n')) {
        // Fall back to element-wise comparison of the sorted elements for useful paths.
        if (a.length !== b.length) return [{ step, path, kind: 'length', java: a.length, sluice: b.length }]
        const sa = [...a].sort((x, y) => canonical(x).localeCompare(canonical(y)))
        const sb = [...b].sort((x, y) => canonical(x).localeCompare(canonical(y)))
        for (const [i, x] of sa.entries())
          out.push(...compareJson(step, x, sb[i], unordered, `${path}[${i}]`))
      }
      return out
    }
    if (a.length !== b.length) out.push({ step, path, kind: 'length', java: a.length, sluice: b.length })
    for (let i = 0; i < Math.min(a.length, b.length); i++)
      out.push(...compareJson(step, a[i], b[i], unordered, `${path}[${i}]`))
    return out
  }
  if (jk === 'object') {
    const a = java as Record<string, unknown>
    const b = sluice as Record<string, unknown>
    const ka = Object.keys(a)
    const kb = Object.keys(b)
    const key = (k: string): string =>
      /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`
    for (const k of ka)
      if (!(k in b)) out.push({ step, path: key(k), kind: 'missing', java: a[k], sluice: undefined })
    for (const k of kb)
      if (!(k in a)) out.push({ step, path: key(k), kind: 'extra', java: undefined, sluice: b[k] })
    const common = ka.filter((k) => k in b)
    const commonB = kb.filter((k) => k in a)
    if (!isUnordered(path, unordered) && common.join('\0') !== commonB.join('\0')) {
      out.push({ step, path, kind: 'order', java: common, sluice: commonB })
    }
    for (const k of common) out.push(...compareJson(step, a[k], b[k], unordered, key(k)))
    return out
  }
  // Timestamps (`last_modified`) differ between any two runs: compared by type only.
  if (java !== sluice && !(jk === 'number' && /\.last_modified$/.test(path)))
    out.push({ step, path, kind: 'value', java, sluice })
  return out
}

function parse(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text === '') return { ok: true, value: undefined }
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false }
  }
}

/** Compares the Java and Sluice responses of one step (both already normalized). */
export function compareResponses(step: Step, java: Response, sluice: Response): Difference[] {
  const out: Difference[] = []
  if (java.status !== sluice.status)
    out.push({ step: step.id, path: '#status', kind: 'status', java: java.status, sluice: sluice.status })
  const ct = (c: string | null): string | null =>
    c === null ? null : (c.split(';')[0] ?? '').trim().toLowerCase()
  if (ct(java.contentType) !== ct(sluice.contentType)) {
    out.push({
      step: step.id,
      path: '#content-type',
      kind: 'header',
      java: java.contentType,
      sluice: sluice.contentType,
    })
  }
  if (java.location !== sluice.location) {
    out.push({
      step: step.id,
      path: '#location',
      kind: 'header',
      java: java.location,
      sluice: sluice.location,
    })
  }
  if (java.allow !== sluice.allow)
    out.push({ step: step.id, path: '#allow', kind: 'header', java: java.allow, sluice: sluice.allow })
  const a = parse(java.text)
  const b = parse(sluice.text)
  if (!a.ok || !b.ok || (ct(java.contentType) ?? '') === 'text/plain') {
    if (java.text !== sluice.text)
      out.push({ step: step.id, path: '#body', kind: 'text', java: java.text, sluice: sluice.text })
    return out
  }
  out.push(
    ...compareJson(
      step.id,
      project(a.value, step.project),
      withoutSluiceExtensionKeys(project(b.value, step.project)),
      step.unordered ?? [],
    ),
  )
  return out
}

/**
 * Sluice's own connector keys (documented extensions, see SLUICE_EXTENSION_KEYS in differences.ts) are
 * removed from Sluice's plugin-config and validate answers before they are compared: Java has no such
 * key, and an extra entry would shift every later index of the list.
 */
export function withoutSluiceExtensionKeys(body: unknown): unknown {
  const isExtension = (name: unknown): boolean => typeof name === 'string' && SLUICE_EXTENSION_KEYS.has(name)
  if (Array.isArray(body))
    return body.filter(
      (e) => !(e !== null && typeof e === 'object' && isExtension((e as { name?: unknown }).name)),
    )
  if (body === null || typeof body !== 'object') return body
  const configs = (body as { configs?: unknown }).configs
  if (!Array.isArray(configs)) return body
  return {
    ...body,
    configs: configs.filter((c) => {
      const e = c as { definition?: { name?: unknown } | null; value?: { name?: unknown } | null }
      return !isExtension(e?.definition?.name ?? e?.value?.name)
    }),
  }
}
