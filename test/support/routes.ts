import { randomUUID } from 'node:crypto';
import type { Type } from '@nestjs/common';
import { routesOf } from '@roomkey/common';
import { call } from './auth';

/**
 * Every route of an app's controllers is in the gateway's OpenAPI document, and a call without a
 * token reaches the app behind it (which answers 401 TOKEN_MISSING, not the router's 404).
 */
export async function expectDocumentedAndForwarded(
  gateway: string,
  controllers: Type<unknown>[],
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- an OpenAPI document, read key by key
): Promise<any> {
  const doc = (await call(gateway, 'GET', '/docs-json')).body;
  for (const route of routesOf(controllers)) {
    expect(doc.paths[route.path]?.[route.method]?.responses).toBeDefined();
    const path = route.path.replace('{id}', randomUUID());
    const res = await call(gateway, route.method.toUpperCase(), path, {
      ...(route.method === 'post' ? { body: {} } : {}),
    });
    expect([route.path, res.status, res.body?.code]).toEqual([route.path, 401, 'TOKEN_MISSING']);
  }
  return doc;
}
