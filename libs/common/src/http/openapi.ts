import type { OpenAPIObject } from '@nestjs/swagger';
import { z } from 'zod';

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
    const json = z.toJSONSchema(schema, {
      target: 'openapi-3.0',
      io: 'input',
      unrepresentable: 'any',
    }) as Record<string, unknown>;
    delete json.$schema;
    doc.components.schemas[name] = json;
  }
  return doc;
}

export const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });
