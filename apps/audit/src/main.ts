import './tracing';
import { bootFailed, runApp } from '@roomkey/common';
import { auditAppOptions } from './app';

runApp(auditAppOptions()).catch(bootFailed('audit'));
