import { openApiDocument, routesOf } from '@roomkey/common';
import { AccountController } from './account.controller';
import { AdminController } from './admin.controller';
import { AuthController } from './auth.controller';

/** The auth app's public routes: the controllers that serve them, each route declared on its handler. */
export const AUTH_CONTROLLERS = [AuthController, AccountController, AdminController];

/** The auth app's own OpenAPI document, from its controllers. */
export const authOpenApi = () =>
  openApiDocument(
    { title: 'roomkey auth', description: 'Accounts, sessions, devices and signing keys.' },
    routesOf(AUTH_CONTROLLERS),
  );
