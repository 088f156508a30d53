import { roomkeyClient, type Session, type Tokens } from '@roomkey/sdk';
import { Credentials, normalise } from './credentials';
import { CliError } from './errors';
import { EXIT } from './exit-codes';
import type { Output } from './output';

export const DEFAULT_GATEWAY = 'http://127.0.0.1:3000';

/** What every command is given: where to print, which gateway, and the signed-in session. */
export interface Context {
  out: Output;
  gateway: string;
  credentials: Credentials;
  env: NodeJS.ProcessEnv;
  /** The API as the person who ran `roomkey login` for this gateway. */
  session(): Session;
  /**
   * The API with tokens of the command's own (or none): signing in, a device trading its secret.
   * On this gateway, or the one given.
   */
  anonymous(tokens?: Tokens, gateway?: string): Session;
  /** Stops long-running commands (tail, lock sim) on Ctrl-C. */
  signal: AbortSignal;
  readStdin: () => string;
}

/**
 * The gateway: --gateway, then ROOMKEY_GATEWAY_URL, then the one of the last login, then the
 * local system's.
 */
export function gatewayOf(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  credentials: Credentials,
): string {
  const url = flag ?? env.ROOMKEY_GATEWAY_URL ?? credentials.current() ?? DEFAULT_GATEWAY;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error();
  } catch {
    throw new CliError(`not a gateway URL: ${url} (http:// or https://)`, EXIT.USAGE);
  }
  return normalise(url);
}

export function makeContext(options: {
  out: Output;
  gateway: string;
  credentials: Credentials;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  readStdin: () => string;
}): Context {
  const { gateway, credentials } = options;
  return {
    ...options,
    session() {
      const login = credentials.get(gateway);
      if (!login) {
        throw new CliError(`not signed in to ${gateway}: run roomkey login`, EXIT.AUTH);
      }
      return roomkeyClient({
        baseUrl: gateway,
        tokens: {
          get: () => {
            const now = credentials.get(gateway);
            return now ? { accessToken: now.accessToken, refreshToken: now.refreshToken } : null;
          },
          // A renewed pair is kept for the next command; a failed renewal ends the login.
          set: (tokens) => {
            if (tokens) credentials.save(gateway, { email: login.email, ...tokens });
            else credentials.remove(gateway);
          },
        },
      });
    },
    anonymous(tokens, at = gateway) {
      let held: Tokens | null = tokens ?? null;
      return roomkeyClient({
        baseUrl: at,
        tokens: { get: () => held, set: (t) => void (held = t) },
      });
    },
  };
}
