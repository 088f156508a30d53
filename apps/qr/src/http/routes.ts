import { openApiDocument, routesOf } from '@roomkey/common';
import { AdminController } from './admin.controller';
import { CodesController } from './codes.controller';

/** The qr app's public routes: the controllers that serve them, each route declared on its handler. */
export const QR_CONTROLLERS = [CodesController, AdminController];

/** The qr app's own OpenAPI document, from its controllers. */
export const qrOpenApi = () =>
  openApiDocument(
    { title: 'roomkey qr', description: 'Door codes, personal and visitor passes, door secrets.' },
    routesOf(QR_CONTROLLERS),
  );
