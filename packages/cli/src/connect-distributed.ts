#!/usr/bin/env node
import { runConnectDistributed } from './program.js'

// `connect-distributed worker.properties`: Kafka's script name for `sluice distributed`.
process.exitCode = await runConnectDistributed(process.argv.slice(2))
