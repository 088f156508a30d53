import './tracing';
import { bootFailed, runApp } from '@roomkey/common';
import { qrAppOptions } from './app';

async function main(): Promise<void> {
  await runApp(qrAppOptions());
}

main().catch(bootFailed('qr'));
