import './tracing';
import { bootFailed, runApp } from '@roomkey/common';
import { accessAppOptions } from './app';

async function main(): Promise<void> {
  await runApp(accessAppOptions());
}

main().catch(bootFailed('access'));
