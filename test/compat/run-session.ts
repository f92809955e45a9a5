import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import {
  compareResponses,
  type Difference,
  type ListedDifference,
  listedFor,
  normalize,
  type Response,
} from './compare.js'
import { type ConnectProcess, pollUntil } from './servers.js'
import { INPUT_BYTES, INPUT_LINES, SESSION, type Step, type WaitCondition } from './session.js'

/** Per-side values of the session's placeholders. */
export interface SideVars {
  readonly src: string
  readonly snk: string
  readonly topic: string
  readonly dir: string
}

/** Outcome of one step on both sides. */
export interface StepResult {
  readonly step: Step
  readonly java: Response
  readonly sluice: Response
  /** Differences not covered by the listed ones. */
  readonly unexpected: readonly Difference[]
  /** Differences covered by a listed one, with its reason. */
  readonly listed: ReadonlyArray<{ readonly difference: Difference; readonly reason: string }>
}

/** The whole session's report. */
export interface SessionReport {
  readonly results: readonly StepResult[]
  /** Steps whose responses are identical after normalization. */
  readonly identical: number
  /** Steps that differ only by listed differences. */
  readonly listedOnly: number
  /** Steps with at least one unexpected difference. */
  readonly failing: number
}

const WAIT_MS = 45_000

function substitute(s: string, vars: SideVars): string {
  return s.replace(/\$\{(src|snk|topic|dir)\}/g, (_, k: keyof SideVars) => vars[k])
}

function substituteDeep(v: unknown, vars: SideVars): unknown {
  if (typeof v === 'string') return substitute(v, vars)
  if (Array.isArray(v)) return v.map((x) => substituteDeep(x, vars))
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [substitute(k, vars), substituteDeep(x, vars)]),
    )
  }
  return v
}

/** Prepares a side's working files (the source connector's input). */
export function prepareSide(vars: SideVars): void {
  mkdirSync(vars.dir, { recursive: true })
  writeFileSync(path.join(vars.dir, 'in.txt'), INPUT_LINES.map((l) => `${l}\n`).join(''))
}

async function send(server: ConnectProcess, step: Step, vars: SideVars): Promise<Response> {
  const headers: Record<string, string> = { ...(step.headers ?? {}) }
  let body: string | undefined
  if (step.body !== undefined) {
    body =
      typeof step.body === 'string'
        ? substitute(step.body, vars)
        : JSON.stringify(substituteDeep(step.body, vars))
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
      headers['Content-Type'] = 'application/json'
  }
  const r = await fetch(`${server.url}${substitute(step.path, vars)}`, {
    method: step.method,
    headers,
    ...(body !== undefined && { body }),
  })
  return {
    status: r.status,
    contentType: r.headers.get('content-type'),
    location: r.headers.get('location'),
    allow: r.headers.get('allow'),
    text: await r.text(),
  }
}

async function getJson(server: ConnectProcess, p: string): Promise<unknown> {
  const r = await fetch(`${server.url}${p}`)
  return r.status === 200 ? r.json() : undefined
}

/** Polls one side until the step's wait condition holds. */
async function waitFor(server: ConnectProcess, cond: WaitCondition, vars: SideVars): Promise<void> {
  const name = (v: string): string => encodeURIComponent(substitute(v, vars))
  if ('state' in cond) {
    const c = name(cond.connector)
    await pollUntil(
      `${server.side}: ${substitute(cond.connector, vars)} ${cond.state}`,
      WAIT_MS,
      async () => {
        const s = (await getJson(server, `/connectors/${c}/status`)) as
          | { connector: { state: string }; tasks: Array<{ state: string }> }
          | undefined
        if (s === undefined || s.connector.state !== cond.state) return undefined
        if (cond.state === 'STOPPED') return s.tasks.length === 0 ? true : undefined
        return s.tasks.length > 0 && s.tasks.every((t) => t.state === cond.state) ? true : undefined
      },
    )
    return
  }
  if ('sourceCaughtUp' in cond) {
    const c = name(cond.sourceCaughtUp)
    await pollUntil(`${server.side}: source offsets at ${INPUT_BYTES}`, WAIT_MS, async () => {
      const o = (await getJson(server, `/connectors/${c}/offsets`)) as
        | { offsets: Array<{ offset: { position?: number } }> }
        | undefined
      return o?.offsets[0]?.offset?.position === INPUT_BYTES ? true : undefined
    })
    return
  }
  if ('sinkCaughtUp' in cond) {
    const c = name(cond.sinkCaughtUp)
    await pollUntil(`${server.side}: sink offsets at ${INPUT_LINES.length}`, WAIT_MS, async () => {
      const o = (await getJson(server, `/connectors/${c}/offsets`)) as
        | { offsets: Array<{ offset: { kafka_offset?: number } }> }
        | undefined
      return o?.offsets[0]?.offset?.kafka_offset === INPUT_LINES.length ? true : undefined
    })
    return
  }
  const c = name(cond.topicsTracked)
  await pollUntil(`${server.side}: active topics of ${c}`, WAIT_MS, async () => {
    const t = (await getJson(server, `/connectors/${c}/topics`)) as
      | Record<string, { topics: string[] }>
      | undefined
    return t !== undefined && Object.values(t)[0]?.topics.length ? true : undefined
  })
}

function normalizeResponse(r: Response, server: ConnectProcess, vars: SideVars): Response {
  const pairs: Array<[string, string]> = [
    ['src', vars.src],
    ['snk', vars.snk],
    ['topic', vars.topic],
    ['dir', vars.dir],
    ['worker', server.workerId],
    ['url', server.url],
  ]
  const text = (() => {
    if (r.text === '') return ''
    try {
      return JSON.stringify(normalize(JSON.parse(r.text), pairs))
    } catch {
      return normalize(r.text, pairs) as string
    }
  })()
  return { ...r, text, location: r.location === null ? null : (normalize(r.location, pairs) as string) }
}

/**
 * Plays {@link SESSION} step by step on both workers (Java first, then Sluice, after both satisfy the
 * step's wait condition) and compares the normalized responses.
 */
export async function runSession(
  java: ConnectProcess,
  sluice: ConnectProcess,
  vars: { java: SideVars; sluice: SideVars },
  listed: readonly ListedDifference[],
  log: (line: string) => void = () => {},
): Promise<SessionReport> {
  const results: StepResult[] = []
  for (const step of SESSION) {
    if (step.wait !== undefined) {
      await Promise.all([waitFor(java, step.wait, vars.java), waitFor(sluice, step.wait, vars.sluice)])
    }
    const j = normalizeResponse(await send(java, step, vars.java), java, vars.java)
    const s = normalizeResponse(await send(sluice, step, vars.sluice), sluice, vars.sluice)
    const diffs = compareResponses(step, j, s)
    const unexpected: Difference[] = []
    const covered: Array<{ difference: Difference; reason: string }> = []
    for (const d of diffs) {
      const l = listedFor(d, listed)
      if (l === undefined) unexpected.push(d)
      else covered.push({ difference: d, reason: l.reason })
    }
    results.push({ step, java: j, sluice: s, unexpected, listed: covered })
    const mark = unexpected.length > 0 ? 'DIFF' : covered.length > 0 ? 'listed' : 'same'
    log(`${mark.padEnd(6)} ${step.id.padEnd(40)} ${step.method} ${step.path} -> ${j.status}/${s.status}`)
    for (const d of unexpected)
      log(`         ${d.path} ${d.kind}: java=${JSON.stringify(d.java)} sluice=${JSON.stringify(d.sluice)}`)
  }
  return {
    results,
    identical: results.filter((r) => r.unexpected.length === 0 && r.listed.length === 0).length,
    listedOnly: results.filter((r) => r.unexpected.length === 0 && r.listed.length > 0).length,
    failing: results.filter((r) => r.unexpected.length > 0).length,
  }
}

/** The human-readable summary printed by the test. */
export function summarize(report: SessionReport, listed: readonly ListedDifference[]): string {
  const lines = [
    `REST compatibility: ${report.results.length} requests compared, ${report.identical} identical, ` +
      `${report.listedOnly} differ only by listed differences, ${report.failing} with unexpected differences`,
  ]
  const used = new Map<ListedDifference, string[]>()
  for (const r of report.results) {
    for (const c of r.listed) {
      const l = listed.find((x) => x.reason === c.reason)
      if (l === undefined) continue
      const steps = used.get(l) ?? []
      if (!steps.includes(r.step.id)) steps.push(r.step.id)
      used.set(l, steps)
    }
  }
  if (used.size > 0) lines.push('Listed differences seen:')
  for (const [l, steps] of used) lines.push(`  - ${l.reason} [${steps.join(', ')}]`)
  const failing = report.results.filter((r) => r.unexpected.length > 0)
  if (failing.length > 0) lines.push('Unexpected differences:')
  for (const r of failing) {
    for (const d of r.unexpected) {
      lines.push(
        `  - ${r.step.id} ${d.path} (${d.kind}): java=${JSON.stringify(d.java)} sluice=${JSON.stringify(d.sluice)}`,
      )
    }
  }
  return lines.join('\n')
}
