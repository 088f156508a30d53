import { AppOptions, kafkaConsumerOptions } from '@roomkey/common';
import { AuditConfig, loadAuditConfig } from './config';
import { AuditModule } from './audit.module';
import { auditOpenApi } from './http/routes';

/** Everything needed to build the audit app; main.ts runs it, tests build it in-process. */
export function auditAppOptions(config: AuditConfig = loadAuditConfig()): AppOptions {
  return {
    name: 'audit',
    module: AuditModule.forConfig(config),
    config,
    openApi: auditOpenApi,
    consumer: kafkaConsumerOptions(config, {
      // The log must hold every record, so a new audit deployment reads topics from the start.
      fromBeginning: true,
      // Records of several partitions at once, so that they are logged together (see
      // EventLogService.append); each partition's records still in order.
      partitionsConsumedConcurrently: 8,
    }),
  };
}
