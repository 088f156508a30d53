import type { MigrationInterface } from 'typeorm';
import { CreateEventLog1767000000000 } from './1767000000000-create-event-log';
import { ChainEventLog1769500000000 } from './1769500000000-chain-event-log';
import { CreateAlerts1769600000000 } from './1769600000000-create-alerts';
import { CreateAccessLog1769800000000 } from './1769800000000-create-access-log';
import { KeyEventLogChain1772000000000 } from './1772000000000-key-event-log-chain';
import { RevokeEventLogChanges1773000000000 } from './1773000000000-revoke-event-log-changes';
import { DeviceRejectionsIndex1774000000000 } from './1774000000000-device-rejections-index';
import { CreateWebhooks1776000000000 } from './1776000000000-create-webhooks';
import { AccessLogLiveness1777000000000 } from './1777000000000-access-log-liveness';

/** The audit app's migrations, in order; run at boot. */
export const MIGRATIONS: Array<new () => MigrationInterface> = [
  CreateEventLog1767000000000,
  ChainEventLog1769500000000,
  CreateAlerts1769600000000,
  CreateAccessLog1769800000000,
  KeyEventLogChain1772000000000,
  RevokeEventLogChanges1773000000000,
  DeviceRejectionsIndex1774000000000,
  CreateWebhooks1776000000000,
  AccessLogLiveness1777000000000,
];
