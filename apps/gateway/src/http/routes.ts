import type { Type } from '@nestjs/common';
import { Route, routesOf } from '@roomkey/common';
import { ACCESS_CONTROLLERS } from '../../../access/src/http/routes';
import { AUDIT_CONTROLLERS } from '../../../audit/src/http/routes';
import { AUTH_CONTROLLERS } from '../../../auth/src/http/routes';
import { FACE_CONTROLLERS } from '../../../face/src/http/routes';
import { QR_CONTROLLERS } from '../../../qr/src/http/routes';
import type { GatewayConfig } from '../config';
import { AccessRequestsController } from './access-requests.controller';
import { AlertStreamController } from './alert-stream.controller';

/** An app the gateway forwards to: where it is, how errors name it, and its controllers. */
export interface Upstream {
  url: keyof Pick<GatewayConfig, 'AUTH_URL' | 'QR_URL' | 'FACE_URL' | 'ACCESS_URL' | 'AUDIT_URL'>;
  /** As UPSTREAM_UNAVAILABLE names it. */
  what: string;
  controllers: Type<unknown>[];
}

export const UPSTREAMS: Upstream[] = [
  { url: 'AUTH_URL', what: 'the account service', controllers: AUTH_CONTROLLERS },
  { url: 'QR_URL', what: 'the QR service', controllers: QR_CONTROLLERS },
  { url: 'FACE_URL', what: 'the face service', controllers: FACE_CONTROLLERS },
  { url: 'ACCESS_URL', what: 'the access service', controllers: ACCESS_CONTROLLERS },
  { url: 'AUDIT_URL', what: 'the audit service', controllers: AUDIT_CONTROLLERS },
];

/** The gateway's own routes. */
export const GATEWAY_CONTROLLERS = [AccessRequestsController, AlertStreamController];

/** A route of an app, which the gateway forwards as it is. */
export interface ForwardedRoute extends Route {
  upstream: Upstream;
}

export const FORWARDED_ROUTES: ForwardedRoute[] = UPSTREAMS.flatMap((upstream) =>
  routesOf(upstream.controllers).map((route) => ({ ...route, upstream })),
);

/** Every route of the public API: the gateway's own, then the apps'. */
export const PUBLIC_ROUTES: Route[] = [...routesOf(GATEWAY_CONTROLLERS), ...FORWARDED_ROUTES];

/**
 * The forwarding table: which app serves a path (as Express matches it, `/v1/users/:id`). A path
 * is one app's, whatever the method; two apps declaring one path is an error.
 */
export function forwardingTable(
  routes: ForwardedRoute[] = FORWARDED_ROUTES,
): Map<string, Upstream> {
  const table = new Map<string, Upstream>();
  for (const { pattern, upstream, handler } of routes) {
    const claimed = table.get(pattern);
    if (claimed && claimed !== upstream) {
      throw new Error(
        `${pattern} is served by ${claimed.what} and by ${upstream.what} (${handler})`,
      );
    }
    table.set(pattern, upstream);
  }
  return table;
}
