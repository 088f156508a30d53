import { randomUUID } from 'node:crypto';
import type { ForwardedRoute } from '../../apps/gateway/src/openapi/forwarded-routes';
import { call } from './auth';

/**
 * Every route of `routes` is in the gateway's OpenAPI document, and a call without a token
 * reaches the app behind it (which answers 401 TOKEN_MISSING, not the router's 404).
 */
export async function expectDocumentedAndForwarded(
  gateway: string,
  routes: ForwardedRoute[],
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- an OpenAPI document, read key by key
): Promise<any> {
  const doc = (await call(gateway, 'GET', '/docs-json')).body;
  for (const route of routes) {
    expect(doc.paths[route.path]?.[route.method]?.responses).toBeDefined();
    const path = route.path.replace('{id}', randomUUID());
    const res = await call(gateway, route.method.toUpperCase(), path, {
      ...(route.method === 'post' ? { body: {} } : {}),
    });
    expect([route.path, res.status, res.body?.code]).toEqual([route.path, 401, 'TOKEN_MISSING']);
  }
  return doc;
}
