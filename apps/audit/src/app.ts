import { AppOptions, kafkaConsumerOptions } from '@roomkey/common';
import { AuditConfig, loadAuditConfig } from './config';
import { AuditModule } from './audit.module';

/** Everything needed to build the audit app; main.ts runs it, tests build it in-process. */
export function auditAppOptions(config: AuditConfig = loadAuditConfig()): AppOptions {
  return {
    name: 'audit',
    module: AuditModule.forConfig(config),
    config,
    // The log must hold every record, so a new audit deployment reads topics from the start.
    consumer: kafkaConsumerOptions(config, { fromBeginning: true }),
  };
}
