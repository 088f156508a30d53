import './tracing';
import { bootFailed, runApp } from '@roomkey/common';
import { faceAppOptions } from './app';

async function main(): Promise<void> {
  await runApp(faceAppOptions());
}

main().catch(bootFailed('face'));
