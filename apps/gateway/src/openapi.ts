import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { AccessRequestView, CreateAccessRequestBody, ErrorBody } from '@roomkey/contracts';
import { addZodSchemas } from '@roomkey/common';

export const DOCS_PATH = 'docs';

/** The public API's OpenAPI document; request and response schemas come from the contracts. */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('roomkey')
    .setDescription(
      "Room access with two factors: a rotating QR code and the person's face. Every error " +
        'answers `{ code, message, requestId }` with a stable code.',
    )
    .setVersion('1')
    .build();
  const doc = SwaggerModule.createDocument(app, config);
  return addZodSchemas(doc, { CreateAccessRequestBody, AccessRequestView, ErrorBody });
}

/** Serves the document at /docs (UI) and /docs-json. */
export function serveOpenApi(app: INestApplication): void {
  SwaggerModule.setup(DOCS_PATH, app, () => openApiDocument(app), {
    jsonDocumentUrl: `${DOCS_PATH}-json`,
  });
}
