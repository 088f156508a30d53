import './tracing';
import { bootFailed, runApp } from '@roomkey/common';
import { loadQrConfig } from './config';
import { QrModule } from './qr.module';

async function main(): Promise<void> {
  const config = loadQrConfig();
  await runApp({ name: 'qr', module: QrModule.forConfig(config), config });
}

main().catch(bootFailed('qr'));
