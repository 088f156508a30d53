import './tracing';
import { bootFailed, runApp } from '@roomkey/common';
import { loadAuthConfig } from './config';
import { AuthModule } from './auth.module';

async function main(): Promise<void> {
  const config = loadAuthConfig();
  await runApp({ name: 'auth', module: AuthModule.forConfig(config), config });
}

main().catch(bootFailed('auth'));
