#!/usr/bin/env node
import { runCli } from './program.js'

// `sluice <command>`: `sluice standalone worker.properties [connector files...]`.
process.exitCode = await runCli(process.argv.slice(2))
