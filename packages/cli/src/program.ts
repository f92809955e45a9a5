import { createRequire } from 'node:module'
import { Command, CommanderError } from 'commander'
import { CliError } from './cli-error.js'
import { DISTRIBUTED_USAGE, runDistributed } from './distributed.js'
import { type CliLogger, consoleLogger, describeError } from './logger.js'
import { runStandalone, STANDALONE_USAGE } from './standalone.js'

/**
 * The `sluice` command line. Each mode is one subcommand registered here (`standalone` now; `distributed`
 * goes next to it), each a thin layer over a `run*` function that returns the exit code.
 */

const require = createRequire(import.meta.url)
const VERSION = (require('../../package.json') as { version: string }).version

/** What a command needs from its surroundings (tests inject their own). */
export interface CliContext {
  readonly logger: CliLogger
  /** Where usage and errors go. */
  readonly writeErr: (text: string) => void
  readonly writeOut: (text: string) => void
}

const defaultContext: CliContext = {
  logger: consoleLogger,
  writeErr: (t) => process.stderr.write(t),
  writeOut: (t) => process.stdout.write(t),
}

/** Configures `cmd` as Kafka's ConnectStandalone: its arguments and the action that runs it. */
function standaloneCommand(cmd: Command, ctx: CliContext, setExit: (code: number) => void): Command {
  return cmd
    .description(
      'Run Kafka Connect in standalone mode: one worker, connector configs from files, offsets in offset.storage.file.filename',
    )
    .usage(STANDALONE_USAGE)
    .argument('<worker.properties>', 'worker configuration (Java properties: connect-standalone.properties)')
    .argument(
      '[connectors...]',
      'connector configurations: .properties, a flat JSON map, or {"name","config","initial_state"}',
    )
    .action(async (workerPropsFile: string, connectorFiles: string[]) => {
      setExit(await runStandalone({ workerPropsFile, connectorFiles, logger: ctx.logger }))
    })
}

/** Configures `cmd` as Kafka's ConnectDistributed. */
function distributedCommand(cmd: Command, ctx: CliContext, setExit: (code: number) => void): Command {
  return cmd
    .description(
      'Run Kafka Connect in distributed mode: workers of one group.id share configs, offsets and statuses through Kafka topics',
    )
    .usage(DISTRIBUTED_USAGE)
    .argument('<worker.properties>', 'worker configuration (Java properties: connect-distributed.properties)')
    .action(async (workerPropsFile: string) => {
      setExit(await runDistributed({ workerPropsFile, logger: ctx.logger }))
    })
}

function baseProgram(name: string, ctx: CliContext): Command {
  return new Command(name)
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr: ctx.writeErr, writeOut: ctx.writeOut })
    .showHelpAfterError()
}

/** Runs a configured program; maps errors to exit codes and prints them without stack traces. */
async function run(
  program: Command,
  argv: readonly string[],
  name: string,
  ctx: CliContext,
  exit: () => number,
): Promise<number> {
  try {
    await program.parseAsync([...argv], { from: 'user' })
    return exit()
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; usage errors exit 1 as ConnectStandalone does.
      return err.exitCode === 0 ? 0 : 1
    }
    if (err instanceof CliError) {
      ctx.writeErr(`${name}: ${err.message}\n`)
      return err.exitCode
    }
    ctx.writeErr(`${name}: ${describeError(err)}\n`)
    return 2
  }
}

/**
 * `sluice <command>`: parses `argv` (without `node` and the script) and runs the command. Modes are
 * subcommands: `standalone` (and later `distributed`).
 * @returns the exit code: 0 after a graceful stop, 1 usage, 2 worker configuration or startup, 3 connectors
 */
export async function runCli(argv: readonly string[], ctx: CliContext = defaultContext): Promise<number> {
  let exitCode = 0
  const setExit = (code: number): void => {
    exitCode = code
  }
  const program = baseProgram('sluice', ctx).description(
    'Sluice: a Kafka Connect-compatible connector runtime',
  )
  standaloneCommand(program.command('standalone'), ctx, setExit)
  distributedCommand(program.command('distributed'), ctx, setExit)
  return run(program, argv, 'sluice', ctx, () => exitCode)
}

/** `connect-distributed worker.properties`: Kafka's script, the same as `sluice distributed`. */
export async function runConnectDistributed(
  argv: readonly string[],
  ctx: CliContext = defaultContext,
): Promise<number> {
  let exitCode = 0
  const program = distributedCommand(baseProgram('connect-distributed', ctx), ctx, (code) => {
    exitCode = code
  })
  return run(program, argv, 'connect-distributed', ctx, () => exitCode)
}

/** `connect-standalone worker.properties [connectors...]`: Kafka's script, the same as `sluice standalone`. */
export async function runConnectStandalone(
  argv: readonly string[],
  ctx: CliContext = defaultContext,
): Promise<number> {
  let exitCode = 0
  const program = standaloneCommand(baseProgram('connect-standalone', ctx), ctx, (code) => {
    exitCode = code
  })
  return run(program, argv, 'connect-standalone', ctx, () => exitCode)
}
