import type { OpenAPIObject } from '@nestjs/swagger';
import { openApiDocument, Route, routesOf } from '@roomkey/common';
import { FORWARDED_ROUTES, ForwardedRoute, GATEWAY_CONTROLLERS } from '../http/routes';

/** A forwarded route also answers 503 and 504 when its app does not. */
function withUpstreamErrors(route: ForwardedRoute): Route {
  const unavailable = `UPSTREAM_UNAVAILABLE (${route.upstream.what} is unreachable); 504 UPSTREAM_TIMEOUT`;
  const own = route.doc.errors[503];
  return {
    ...route,
    doc: {
      ...route.doc,
      errors: { ...route.doc.errors, 503: own ? `${own}, or ${unavailable}` : unavailable },
    },
  };
}

/**
 * The public API's OpenAPI document: the gateway's own routes and those it forwards, each as
 * the controller that serves it declares it; schemas come from the contracts.
 */
export function publicOpenApi(): OpenAPIObject {
  return openApiDocument(
    {
      title: 'roomkey',
      description:
        "Room access with two factors: a rotating QR code and the person's face. Every error " +
        'answers `{ code, message, requestId }` with a stable code. Access tokens are ES256 JWTs ' +
        'from `POST /v1/auth/login` (people) or `POST /v1/auth/device-token` (kiosks and locks), ' +
        'sent as `Authorization: Bearer <token>`.',
    },
    [...routesOf(GATEWAY_CONTROLLERS), ...FORWARDED_ROUTES.map(withUpstreamErrors)],
  );
}
