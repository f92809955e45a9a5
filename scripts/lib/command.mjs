// The skeleton every `npm run <server> -- <command>` script shares (mariadb.mjs, s3-server.mjs): option
// parsing, the usage text, dispatch to one handler per command, and the exit code.
import { parseArgs } from 'node:util'
import { log } from './proc.mjs'

/**
 * Parses argv (`options` as for `util.parseArgs`, plus `--help`/`-h`), runs `commands[positionals[0]]`
 * with `{ values, args }` (`args`: the positionals after the command) and exits with the code it
 * returns. `--help` prints `usage` and exits 0; no command or an unknown one prints it and exits 2; a
 * thrown error is logged as `[sluice] <message>` and exits 1.
 */
export function runCommand({ usage, options = {}, commands }) {
  const main = async () => {
    const { values, positionals } = parseArgs({
      allowPositionals: true,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
    })
    const [cmd, ...args] = positionals
    if (values.help || !cmd) {
      console.log(usage)
      return values.help ? 0 : 2
    }
    const handler = Object.hasOwn(commands, cmd) ? commands[cmd] : undefined
    if (handler === undefined) {
      console.error(`unknown command "${cmd}"\n${usage}`)
      return 2
    }
    return handler({ values, args })
  }
  main().then(
    (code) => process.exit(code),
    (err) => {
      log(err.message)
      process.exit(1)
    },
  )
}
