#!/usr/bin/env node
import { runConnectStandalone } from './program.js'

// `connect-standalone worker.properties [connector files...]`: Kafka's script name for `sluice standalone`.
process.exitCode = await runConnectStandalone(process.argv.slice(2))
