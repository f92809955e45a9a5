#!/usr/bin/env node
// `node benchmarks/dist/src/smt-chain.js [--records N] [--passes P]`
/**
 * The CPU cost per record of the benchmark's 3-transform chain (SMT3_CHAIN: HoistField$Value,
 * InsertField$Value, ExtractField$Value) in Sluice (@sluice/transforms, this thread's CPU time) and in
 * Java (Kafka 4.4's connect-transforms through test/java/TransformsHarness.java, the thread's CPU time
 * from ThreadMXBean), on the same 100-character STRING records, after two warm-up passes each. CPU time,
 * not wall time, so other load on the machine does not count. The end-to-end figure is the
 * `source-file-smt3` / `sink-file-smt3` scenarios of `npm run bench`.
 */
import path from 'node:path'
import { parseArgs } from 'node:util'
import type { ConnectRecord, PluginDefinition, Transformation } from '@sluice/api'
import { Schemas, sourceRecord } from '@sluice/api'
import {
  compileHarness,
  findJdks,
  jsonConverterHarnessSource,
  kafkaLib,
  repoRoot,
  runJsonLines,
} from '@sluice/converters/test-support/java'
import { plugins } from '@sluice/transforms'
import { SMT3_CHAIN } from './scenarios/connect.js'

/** `transforms=a,b,c` and `transforms.<a>.*` as [{class, config}] in chain order. */
function chainOf(
  props: Readonly<Record<string, string>>,
): Array<{ class: string; config: Record<string, string> }> {
  return (props.transforms ?? '').split(',').map((alias) => {
    const prefix = `transforms.${alias}.`
    const config: Record<string, string> = {}
    for (const [k, v] of Object.entries(props)) {
      if (k.startsWith(prefix) && k !== `${prefix}type`) config[k.slice(prefix.length)] = v
    }
    return { class: props[`${prefix}type`] as string, config }
  })
}

function sluiceNsPerRecord(chain: ReturnType<typeof chainOf>, n: number, passes: number): number {
  const byClass = new Map<string, PluginDefinition>(plugins.map((p) => [p.className, p]))
  const transforms = chain.map((c) => {
    const t = byClass.get(c.class)?.create() as Transformation
    t.configure(c.config)
    return t
  })
  const filler = 'x'.repeat(90)
  const records = Array.from({ length: n }, (_, i) =>
    sourceRecord({
      topic: 'bench',
      valueSchema: Schemas.STRING,
      value: `${String(i).padStart(9, '0')} ${filler}`,
    }),
  )
  let check = 0
  let measured = 0
  for (let pass = 0; pass < passes + 2; pass++) {
    const t0 = process.cpuUsage()
    for (const r of records) {
      let out: ConnectRecord | null = r
      for (const t of transforms) out = t.apply(out as ConnectRecord)
      check += out === null ? 0 : (out.value as string).length
    }
    const d = process.cpuUsage(t0)
    if (pass >= 2) measured += (d.user + d.system) * 1000
  }
  if (check === 0) throw new Error('the chain produced nothing')
  return measured / (n * passes)
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { records: { type: 'string' }, passes: { type: 'string' } } })
  const n = Number(values.records ?? 200_000)
  const passes = Number(values.passes ?? 5)
  const chain = chainOf(SMT3_CHAIN)
  const sluice = sluiceNsPerRecord(chain, n, passes)
  const lib = await kafkaLib()
  if ('problem' in lib) throw new Error(lib.problem)
  const jdk = findJdks().find((j) => j.javac !== undefined)
  if (jdk === undefined) throw new Error('no JDK with javac found')
  const harness = path.join(repoRoot, 'test', 'java', 'TransformsHarness.java')
  const classes = compileHarness(jdk, lib.lib, [harness, jsonConverterHarnessSource])
  const res = runJsonLines<{ id: string; nsPerRecord?: number; error?: string }>(
    jdk,
    classes,
    lib.lib,
    'TransformsHarness',
    [{ id: 'bench', op: 'bench', class: chain[0]!.class, chain, records: n, passes } as { id: string }],
  ).get('bench')
  if (res?.nsPerRecord === undefined) throw new Error(`the Java harness failed: ${res?.error}`)
  const line = (who: string, ns: number) => `| ${who} | ${ns.toFixed(0)} | ${(ns / 1000).toFixed(3)} |`
  console.log(
    `3-transform chain (${chain.map((c) => c.class.replace('org.apache.kafka.connect.transforms.', '')).join(' → ')}), ${n.toLocaleString('en-US')} records × ${passes} passes, CPU time per record`,
  )
  console.log('| runtime | ns/record | µs/record |\n| --- | --- | --- |')
  console.log(line(`Sluice (Node ${process.version})`, sluice))
  console.log(line(`Java Kafka 4.4 (JDK ${jdk.major})`, res.nsPerRecord))
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
