import { Command, CommanderError } from 'commander';
import { makeContext, gatewayOf, type Context } from './context';
import { Credentials, configDir } from './credentials';
import { explain } from './errors';
import { EXIT } from './exit-codes';
import { makeOutput, type Streams } from './output';
import type { Run } from './commands/run';
import { registerLogin } from './commands/login';
import { registerUsers } from './commands/users';
import { registerDoors } from './commands/doors';
import { registerPasses } from './commands/passes';
import { registerLog } from './commands/log';
import { registerAlerts } from './commands/alerts';
import { registerOperator } from './commands/operator';
import { registerDemo } from './commands/demo';
import { registerWebhooks } from './commands/webhooks';

export interface Environment {
  streams: Streams;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** All of standard input, for --password-stdin and `-` as a file. */
  readStdin: () => string;
}

export const EXIT_CODES_HELP = `
Exit codes:
  0   done
  1   done, and the answer is no: rows refused, the door denied, the audit log broken
  2   wrong command line or unreadable input; nothing was done
  3   not signed in, session over, or wrong email or password
  4   the account's role may not do this
  5   the API refused the request (its code is printed)
  6   the gateway, Kafka or the database cannot be reached
  70  a fault of the CLI itself

The gateway is --gateway, else ROOMKEY_GATEWAY_URL, else the one of the last login, else
http://127.0.0.1:3000. Logins are kept in ${'$'}ROOMKEY_CONFIG_DIR (default ~/.config/roomkey).`;

/**
 * The whole command line. Each action returns its exit code, kept in `exit.code`; errors are
 * turned into one line and a code by `explain`, never a stack trace.
 */
export function buildProgram(environment: Environment): {
  program: Command;
  exit: { code: number };
} {
  const exit = { code: EXIT.OK as number };
  const program = new Command('roomkey')
    .description(
      "roomkey's command line: people, doors, passes, the access log and alerts through the public API, the operator's tools on Kafka and the database, and a demo site.",
    )
    .version('0.1.0')
    .option('--gateway <url>', 'the gateway (public API) to talk to')
    .option('--json', 'print JSON for scripts (streams: one JSON object per line)')
    .showHelpAfterError('(roomkey --help shows every command)')
    .addHelpText('after', EXIT_CODES_HELP)
    .configureOutput({
      writeOut: (s) => void environment.streams.stdout.write(s),
      writeErr: (s) => void environment.streams.stderr.write(s),
    })
    .exitOverride();

  const contextFor = (command: Command): Context => {
    const globals = command.optsWithGlobals<{ gateway?: string; json?: boolean }>();
    const out = makeOutput(globals.json === true, environment.streams);
    const credentials = new Credentials(configDir(environment.env));
    return makeContext({
      out,
      credentials,
      env: environment.env,
      signal: environment.signal,
      readStdin: environment.readStdin,
      gateway: gatewayOf(globals.gateway, environment.env, credentials),
    });
  };

  const run: Run =
    (action) =>
    async (...args) => {
      const command = args[args.length - 1] as Command;
      const json = command.optsWithGlobals<{ json?: boolean }>().json === true;
      try {
        const ctx = contextFor(command);
        exit.code = await action(ctx, ...(args.slice(0, -1) as never));
      } catch (err) {
        const e = explain(err);
        environment.streams.stderr.write(
          json
            ? `${JSON.stringify({ error: { message: e.message, exitCode: e.exitCode, ...(e.code ? { code: e.code } : {}) } })}\n`
            : `roomkey: ${e.message}\n`,
        );
        exit.code = e.exitCode;
      }
    };

  registerLogin(program, run);
  registerUsers(program, run);
  registerDoors(program, run);
  registerPasses(program, run);
  registerLog(program, run);
  registerAlerts(program, run);
  registerOperator(program, run);
  registerDemo(program, run);
  registerWebhooks(program, run);
  // Every subcommand reports bad usage the same way, and its help ends with the exit codes.
  const configure = (c: Command) => {
    c.showHelpAfterError(`(roomkey ${c.name()} --help shows its options)`).exitOverride();
    c.configureOutput(program.configureOutput());
    c.commands.forEach(configure);
  };
  program.commands.forEach(configure);
  return { program, exit };
}

/** Runs a command line; resolves to the exit code. */
export async function runCli(argv: string[], environment: Environment): Promise<number> {
  const { program, exit } = buildProgram(environment);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exit.code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version end well; anything else commander refuses is a usage error.
      return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    const e = explain(err);
    environment.streams.stderr.write(`roomkey: ${e.message}\n`);
    return e.exitCode;
  }
}
