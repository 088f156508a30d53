import type { OpenAPIObject } from '@nestjs/swagger';
import { accessOpenApi } from '../../../access/src/http/routes';
import { auditOpenApi } from '../../../audit/src/http/routes';
import { authOpenApi } from '../../../auth/src/http/routes';
import { faceOpenApi } from '../../../face/src/http/routes';
import { qrOpenApi } from '../../../qr/src/http/routes';
import { publicOpenApi } from '../openapi/document';
import { FORWARDED_ROUTES, forwardingTable, PUBLIC_ROUTES, UPSTREAMS } from './routes';

describe('the routes the gateway serves and forwards', () => {
  it('forwards each path of an app to that app, and none of its own', () => {
    const table = forwardingTable();
    for (const route of FORWARDED_ROUTES) expect(table.get(route.pattern)).toBe(route.upstream);
    expect(table.has('/v1/access-requests')).toBe(false);
    expect(table.has('/v1/alerts/stream')).toBe(false);
    expect(table.get('/v1/users/:id/face')?.url).toBe('FACE_URL');
    expect(table.get('/v1/users/:id')?.url).toBe('AUTH_URL');
  });

  it('refuses a path that two apps declare', () => {
    const [auth, qr] = UPSTREAMS as [(typeof UPSTREAMS)[0], (typeof UPSTREAMS)[0]];
    const route = FORWARDED_ROUTES.find((r) => r.upstream === auth)!;
    expect(() => forwardingTable([route, { ...route, upstream: qr }])).toThrow(
      `${route.pattern} is served by the account service and by the QR service`,
    );
  });

  it('documents every route once, a forwarded one with its app unreachable', () => {
    const doc = publicOpenApi();
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      PUBLIC_ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort(),
    );
    const unavailable = (path: string, method: string) =>
      (doc.paths[path] as Record<string, { responses: Record<string, { description: string }> }>)[
        method
      ]!.responses['503']!.description;
    for (const route of FORWARDED_ROUTES) {
      expect(unavailable(route.path, route.method)).toContain(
        `UPSTREAM_UNAVAILABLE (${route.upstream.what} is unreachable)`,
      );
    }
    expect(unavailable('/v1/locks', 'post')).toMatch(
      /^LOCK_BROKER_UNAVAILABLE .*, or UPSTREAM_UNAVAILABLE/,
    );
  });

  it("is the apps' own documents, each operation with its app unreachable added", () => {
    type Operation = { responses: Record<string, unknown> };
    const operations = (doc: OpenAPIObject) =>
      Object.entries(doc.paths).flatMap(([path, item]) =>
        Object.entries(item as Record<string, Operation>).map(
          ([method, op]) => [`${method} ${path}`, op] as const,
        ),
      );
    const pub = new Map(operations(publicOpenApi()));
    const schemas = publicOpenApi().components!.schemas!;
    for (const doc of [
      authOpenApi(),
      qrOpenApi(),
      faceOpenApi(),
      accessOpenApi(),
      auditOpenApi(),
    ]) {
      for (const [operation, op] of operations(doc)) {
        const { 503: _unavailable, ...responses } = pub.get(operation)!.responses;
        const { 503: _own, ...ownResponses } = op.responses;
        expect([operation, { ...pub.get(operation), responses }]).toEqual([
          operation,
          { ...op, responses: ownResponses },
        ]);
      }
      for (const [name, schema] of Object.entries(doc.components!.schemas!)) {
        expect([name, schemas[name]]).toEqual([name, schema]);
      }
    }
  });
});
