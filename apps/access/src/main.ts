import './tracing';
import { bootFailed, runApp } from '@roomkey/common';
import { loadAccessConfig } from './config';
import { AccessModule } from './access.module';

async function main(): Promise<void> {
  const config = loadAccessConfig();
  await runApp({ name: 'access', module: AccessModule.forConfig(config), config });
}

main().catch(bootFailed('access'));
