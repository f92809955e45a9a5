import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { ProfileSummary } from './model.js'

interface CpuProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
}

interface CpuProfile {
  nodes: CpuProfileNode[]
  startTime: number
  endTime: number
  samples?: number[]
  timeDeltas?: number[]
}

/** `file:///…/node_modules/.pnpm/x@1/node_modules/x/lib/a.js` → `x/lib/a.js`; workspace paths shortened. */
export function shortLocation(url: string, line: number): string {
  if (url === '') return ''
  let u = url.replace(/^file:\/\//, '')
  const nm = u.lastIndexOf('/node_modules/')
  if (nm !== -1) u = u.slice(nm + '/node_modules/'.length)
  else {
    const m = /\/(packages\/.*)$/.exec(u)
    if (m?.[1] !== undefined) u = m[1]
  }
  return `${u}:${line + 1}`
}

/**
 * Self time per function over one or more .cpuprofile files (one per thread: `--cpu-prof` writes the main
 * thread's and each worker thread's). A sample's time is the delta before it, as DevTools counts it.
 * `(idle)` is left out: it is waiting, not cost.
 */
export function summarizeProfiles(
  scenario: string,
  files: ReadonlyArray<{ file: string; thread: string }>,
  topN = 15,
): ProfileSummary {
  const self = new Map<string, { function: string; location: string; thread: string; selfMs: number }>()
  let totalMs = 0
  const threads: ProfileSummary['threads'] = []
  for (const { file, thread } of files) {
    const prof = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
    const busyBefore = totalMs
    const byId = new Map(prof.nodes.map((n) => [n.id, n]))
    const samples = prof.samples ?? []
    const deltas = prof.timeDeltas ?? []
    for (let i = 0; i < samples.length; i++) {
      const node = byId.get(samples[i]!)
      if (node === undefined) continue
      const fn = node.callFrame.functionName || '(anonymous)'
      if (fn === '(idle)') continue
      const ms = (deltas[i] ?? 0) / 1000
      totalMs += ms
      const location = shortLocation(node.callFrame.url, node.callFrame.lineNumber)
      // Same function on different threads is kept apart: where it runs matters for ADR 0003.
      const key = `${fn}\u0000${location}\u0000${thread}`
      const e = self.get(key)
      if (e === undefined) self.set(key, { function: fn, location, thread, selfMs: ms })
      else e.selfMs += ms
    }
    // A thread busy for a small share of the run means the run waited, not computed.
    threads.push({
      thread,
      wallMs: Math.round((prof.endTime - prof.startTime) / 1000),
      busyMs: Math.round(totalMs - busyBefore),
    })
  }
  const top = [...self.values()]
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, topN)
    .map((e) => ({ ...e, selfMs: Math.round(e.selfMs), pct: totalMs > 0 ? (e.selfMs / totalMs) * 100 : 0 }))
  return {
    scenario,
    files: files.map((f) => path.basename(f.file)),
    totalMs: Math.round(totalMs),
    threads,
    top,
  }
}
