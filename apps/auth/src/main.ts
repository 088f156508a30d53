import './tracing';
import { bootFailed, runApp } from '@roomkey/common';
import { authAppOptions } from './app';

async function main(): Promise<void> {
  await runApp(authAppOptions());
}

main().catch(bootFailed('auth'));
