import { openApiDocument, routesOf } from '@roomkey/common';
import { AccessLogController } from './access-log.controller';
import { AlertsController } from './alerts.controller';
import { WebhooksController } from './webhooks.controller';

/** The audit app's public routes: the controllers that serve them, each route declared on its handler. */
export const AUDIT_CONTROLLERS = [AlertsController, AccessLogController, WebhooksController];

/** The audit app's own OpenAPI document, from its controllers. */
export const auditOpenApi = () =>
  openApiDocument(
    {
      title: 'roomkey audit',
      description:
        "Alerts, the access log, figures for dashboards, each member's own history, and webhooks.",
    },
    routesOf(AUDIT_CONTROLLERS),
  );
