import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { z } from 'zod';
import { API_SCHEMAS, ApiSchemaName, TokenRole, UserRole } from '@roomkey/contracts';
import type { RouteAccess } from '../auth/decorators';
import type { Route } from './routes';
import { pageCsp, securityHeaders } from './security-headers';

const jsonSchema = (schema: z.ZodType) => {
  const json = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  delete json.$schema;
  return json;
};

/**
 * Puts contract schemas into an OpenAPI document's components, generated from the same zod
 * objects that validate at runtime, so the document cannot drift from the code.
 */
export function addZodSchemas(
  doc: OpenAPIObject,
  schemas: Record<string, z.ZodType>,
): OpenAPIObject {
  doc.components ??= {};
  doc.components.schemas ??= {};
  for (const [name, schema] of Object.entries(schemas)) {
    doc.components.schemas[name] = jsonSchema(schema);
  }
  return doc;
}

export const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const sameRoles = (a: readonly TokenRole[], b: readonly TokenRole[]) =>
  a.length === b.length && a.every((r) => b.includes(r));

/** A query's fields as query parameters, each described as its schema describes it. */
function queryParameters(query: z.ZodType): Record<string, unknown>[] {
  const { properties = {}, required = [] } = jsonSchema(query) as {
    properties?: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  return Object.entries(properties).map(([name, { description, ...schema }]) => ({
    name,
    in: 'query',
    required: required.includes(name),
    schema,
    ...(description ? { description } : {}),
  }));
}

/** Who may call, in a line. */
export function accessNote(access: RouteAccess): string {
  if (access.token === 'none') return 'No token needed.';
  if (access.token === 'optional') return 'Token optional.';
  const roles = access.roles;
  if (!roles) return 'Needs an access token.';
  if (sameRoles(roles, UserRole.options)) return 'Needs a user access token.';
  if (sameRoles(roles, ['device'])) return "Needs a kiosk's device token.";
  const named = roles.join(' or ');
  return `Needs ${/^[aeiou]/.test(named) ? 'an' : 'a'} ${named} access token.`;
}

const errorBody = { content: { 'application/json': { schema: schemaRef('ErrorBody') } } };

/** What any operation answers when a database or broker it needs does not (HttpErrorFilter). */
const UNAVAILABLE =
  'UNAVAILABLE (a database or broker it needs did not answer in time; try again after Retry-After)';

function requestBody(route: Route): Record<string, unknown> {
  const { body } = route;
  const upload = route.doc.upload;
  if (!body && !upload) return {};
  const files = upload && {
    type: 'object',
    ...(upload.optional ? {} : { required: [upload.field] }),
    properties: {
      [upload.field]:
        upload.maxFiles === 1
          ? { type: 'string', format: 'binary' }
          : {
              type: 'array',
              maxItems: upload.maxFiles,
              items: { type: 'string', format: 'binary' },
            },
    },
  };
  return {
    requestBody: {
      required: true,
      content: {
        ...(body ? { 'application/json': { schema: schemaRef(body) } } : {}),
        ...(files
          ? {
              // A form with the body's fields as fields, and the files.
              'multipart/form-data': { schema: body ? { allOf: [schemaRef(body), files] } : files },
            }
          : {}),
      },
    },
  };
}

/** A route as an OpenAPI operation. */
function operation(route: Route): Record<string, unknown> {
  const { doc, access } = route;
  const answer = doc.ok.stream
    ? { content: { 'text/event-stream': { schema: { type: 'string' } } } }
    : doc.ok.schema
      ? {
          content: {
            'application/json': { schema: schemaRef(doc.ok.schema) },
            ...(doc.ok.csv ? { 'text/csv': { schema: { type: 'string' } } } : {}),
          },
        }
      : {};
  const responses: Record<string, unknown> = {
    [route.status]: { description: doc.ok.description, ...answer },
    ...(doc.okToo ? { [doc.okToo.status]: { description: doc.okToo.description, ...answer } } : {}),
  };
  const own503 = doc.errors[503];
  const errors = { ...doc.errors, 503: own503 ? `${own503}, or ${UNAVAILABLE}` : UNAVAILABLE };
  for (const [status, description] of Object.entries(errors)) {
    responses[status] = { description, ...errorBody };
  }
  const parameters = [
    ...Object.entries(route.params).map(([name, schema]) => ({
      name,
      in: 'path',
      required: true,
      schema: schema ? jsonSchema(schema) : { type: 'string' },
    })),
    ...(route.query ? queryParameters(route.query) : []),
  ];
  return {
    tags: [doc.tag],
    summary: doc.summary,
    description: [accessNote(access), doc.description].filter(Boolean).join(' '),
    ...(access.token === 'none'
      ? {}
      : { security: access.token === 'optional' ? [{}, { bearer: [] }] : [{ bearer: [] }] }),
    ...(parameters.length ? { parameters } : {}),
    ...requestBody(route),
    responses,
  };
}

/** The schemas the routes name, in the order of API_SCHEMAS, and the error body. */
function schemasOf(routes: Route[]): Partial<typeof API_SCHEMAS> {
  const used = new Set<string | undefined>([
    'ErrorBody',
    ...routes.flatMap((r) => [r.body, r.doc.ok.schema]),
  ]);
  return Object.fromEntries(
    Object.entries(API_SCHEMAS).filter(([name]) => used.has(name as ApiSchemaName)),
  );
}

/**
 * An OpenAPI document of routes (`routesOf`), with the contract schemas they name. Every app
 * has one of its own; the gateway's public one is all of them and its own routes.
 */
export function openApiDocument(
  info: { title: string; description: string },
  routes: Route[],
): OpenAPIObject {
  const doc = {
    ...new DocumentBuilder()
      .setTitle(info.title)
      .setDescription(info.description)
      .setVersion('1')
      .addBearerAuth()
      .build(),
    paths: {},
  } as OpenAPIObject;
  for (const route of routes) {
    const item = (doc.paths[route.path] ??= {}) as Record<string, unknown>;
    if (item[route.method]) {
      throw new Error(`${route.method.toUpperCase()} ${route.path} is declared twice`);
    }
    item[route.method] = operation(route);
  }
  return addZodSchemas(doc, schemasOf(routes) as Record<string, z.ZodType>);
}

export const DOCS_PATH = 'docs';

/** Serves an app's document at /docs (UI) and /docs-json; it is built at once, so a route without @Operation stops the start. */
export function serveOpenApi(app: INestApplication, document: () => OpenAPIObject): void {
  const doc = document();
  // Swagger UI's page has an inline <style> block (never an inline script).
  for (const handler of securityHeaders(pageCsp({ styleSrc: ["'unsafe-inline'"] }))) {
    app.use(`/${DOCS_PATH}`, handler);
  }
  SwaggerModule.setup(DOCS_PATH, app, () => doc, { jsonDocumentUrl: `${DOCS_PATH}-json` });
}
