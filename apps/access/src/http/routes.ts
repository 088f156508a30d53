import { openApiDocument, routesOf } from '@roomkey/common';
import { AdminController } from './admin.controller';

/** The access app's public routes: the controllers that serve them, each route declared on its handler. */
export const ACCESS_CONTROLLERS = [AdminController];

/** The access app's own OpenAPI document, from its controllers. */
export const accessOpenApi = () =>
  openApiDocument(
    {
      title: 'roomkey access',
      description: 'Sites, rooms, locks, doors, permissions, lockdown and decision records.',
    },
    routesOf(ACCESS_CONTROLLERS),
  );
