import './tracing';
import { bootFailed, runApp } from '@roomkey/common';
import { gatewayAppOptions } from './app';

runApp(gatewayAppOptions()).catch(bootFailed('gateway'));
