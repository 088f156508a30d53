import { openApiDocument, routesOf } from '@roomkey/common';
import { FaceController } from './face.controller';

/** The face app's public routes: the controllers that serve them, each route declared on its handler. */
export const FACE_CONTROLLERS = [FaceController];

/** The face app's own OpenAPI document, from its controllers. */
export const faceOpenApi = () =>
  openApiDocument(
    { title: 'roomkey face', description: 'Face enrolment, status and erasure.' },
    routesOf(FACE_CONTROLLERS),
  );
