import './tracing';
import { bootFailed, runApp } from '@roomkey/common';
import { loadFaceConfig } from './config';
import { FaceModule } from './face.module';

async function main(): Promise<void> {
  const config = loadFaceConfig();
  await runApp({ name: 'face', module: FaceModule.forConfig(config), config });
}

main().catch(bootFailed('face'));
