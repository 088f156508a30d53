import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * The gateway's OpenAPI document, built from the apps' controllers without starting any, written
 * to clients/sdk/openapi.json, which the typed client is generated from. With `--check` it
 * writes nothing and fails when the committed document or the types generated from it differ:
 * the API changed and `npm run sdk:generate` was not run.
 */
const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'clients/sdk/openapi.json');
const TYPES = path.join(ROOT, 'clients/sdk/src/schema.d.ts');
/** The built gateway (`npm run build`): its decorators carry the routes' metadata. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded at run time, once built
const built = (file: string): unknown => require(path.join(ROOT, 'dist/apps/gateway/src', file));

/** The SDK's types, by openapi-typescript. */
function generateTypes(document: string, output: string): void {
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'node_modules/openapi-typescript/bin/cli.js'), document, '--output', output],
    { stdio: 'ignore' },
  );
}

async function main(): Promise<void> {
  const { publicOpenApi } = built('openapi/document') as {
    publicOpenApi: () => OpenAPIObject;
  };
  const doc = `${JSON.stringify(publicOpenApi(), null, 2)}\n`;
  if (process.argv.includes('--check')) {
    const tmp = mkdtempSync(path.join(tmpdir(), 'roomkey-sdk-'));
    try {
      writeFileSync(path.join(tmp, 'openapi.json'), doc);
      generateTypes(path.join(tmp, 'openapi.json'), path.join(tmp, 'schema.d.ts'));
      const stale = [
        readFileSync(OUT, 'utf8') !== doc && 'clients/sdk/openapi.json',
        readFileSync(TYPES, 'utf8') !== readFileSync(path.join(tmp, 'schema.d.ts'), 'utf8') &&
          'clients/sdk/src/schema.d.ts',
      ].filter(Boolean);
      if (stale.length > 0) {
        console.error(
          `${stale.join(' and ')} no longer match the gateway's API: run \`npm run sdk:generate\``,
        );
        process.exit(1);
      }
      console.log('the SDK matches the gateway’s OpenAPI document');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    return;
  }
  mkdirSync(path.dirname(OUT), { recursive: true });
  writeFileSync(OUT, doc);
  generateTypes(OUT, TYPES);
  console.log('wrote clients/sdk/openapi.json and clients/sdk/src/schema.d.ts');
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
