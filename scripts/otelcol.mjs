#!/usr/bin/env node
// `node scripts/otelcol.mjs build|run [--verbosity basic|normal|detailed]`: builds the OpenTelemetry
// Collector the telemetry tests use into $SLUICE_CACHE_DIR/bin, or runs it in the foreground (OTLP/HTTP on
// a free loopback port, printed first) until interrupted — e.g. as the receiver of a benchmark run.
import { parseArgs } from 'node:util'
import { ensureOtelcol, startOtelcol } from './lib/telemetry-servers.mjs'

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { verbosity: { type: 'string', default: 'basic' } },
})
const cmd = positionals[0]
if (cmd === 'build') {
  console.log(ensureOtelcol())
} else if (cmd === 'run') {
  const c = await startOtelcol({ name: 'otelcol-manual', verbosity: values.verbosity })
  console.log(`OTLP/HTTP receiver at ${c.endpoint} (log ${c.logFile})`)
  const stop = () => c.stop().then(() => process.exit(0))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
} else {
  console.error('usage: node scripts/otelcol.mjs build|run [--verbosity basic|normal|detailed]')
  process.exit(2)
}
