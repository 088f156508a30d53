import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A person's tokens for one gateway, as `roomkey login` got them. */
export interface StoredLogin {
  email: string;
  accessToken: string;
  refreshToken?: string;
  savedAt: string;
}

interface CredentialsFile {
  /** The gateway the last login was for: the default of every command. */
  current?: string;
  logins: Record<string, StoredLogin>;
}

/**
 * The user's config folder: ROOMKEY_CONFIG_DIR, or roomkey under XDG_CONFIG_HOME (~/.config), or
 * under %APPDATA% on Windows.
 */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ROOMKEY_CONFIG_DIR) return env.ROOMKEY_CONFIG_DIR;
  const base =
    env.XDG_CONFIG_HOME ||
    (process.platform === 'win32' && env.APPDATA) ||
    path.join(os.homedir(), '.config');
  return path.join(base, 'roomkey');
}

/**
 * The tokens of `roomkey login`, by gateway URL, in `credentials.json` under the config folder,
 * readable by its owner only (mode 600, the folder 700). A refresh token renews the session; it
 * rotates, so each renewal is written back.
 */
export class Credentials {
  readonly file: string;

  constructor(dir = configDir()) {
    this.file = path.join(dir, 'credentials.json');
  }

  private read(): CredentialsFile {
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<CredentialsFile>;
      return { current: parsed.current, logins: parsed.logins ?? {} };
    } catch {
      return { logins: {} };
    }
  }

  private write(data: CredentialsFile): void {
    const dir = path.dirname(this.file);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Written aside and renamed: a reader never sees half a file, and the mode is set first.
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
  }

  /** The gateway of the last login, if any. */
  current(): string | undefined {
    return this.read().current;
  }

  get(gateway: string): StoredLogin | undefined {
    return this.read().logins[normalise(gateway)];
  }

  save(gateway: string, login: Omit<StoredLogin, 'savedAt'>): void {
    const data = this.read();
    const key = normalise(gateway);
    data.logins[key] = { ...login, savedAt: new Date().toISOString() };
    data.current = key;
    this.write(data);
  }

  /**
   * Forgets the login for a gateway; true when there was one. The gateway stays the default, so
   * the next command says it is not signed in there rather than turning to another.
   */
  remove(gateway: string): boolean {
    const data = this.read();
    const key = normalise(gateway);
    if (!data.logins[key]) return false;
    delete data.logins[key];
    this.write(data);
    return true;
  }
}

/** One spelling per gateway: no trailing slash. */
export const normalise = (url: string) => url.replace(/\/+$/, '');
