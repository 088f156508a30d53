import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { z } from 'zod';
import {
  AccessLogPage,
  AccessRequestView,
  AccessStats,
  AlertView,
  CreateDoorBody,
  CreateLockBody,
  CreatePermissionBody,
  CreateRoomBody,
  CreateSiteBody,
  DecisionRecord,
  RenameBody,
  UpdateDoorBody,
  UpdateSiteBody,
  DoorView,
  LockMqttCredentials,
  LockRegistered,
  LockView,
  PermissionView,
  RoomView,
  SiteView,
  ChangePasswordBody,
  CreateAccessRequestBody,
  CreateDeviceBody,
  CreateUserBody,
  CreateVisitorPassBody,
  DeviceRegistered,
  DeviceToken,
  DeviceTokenBody,
  DeviceView,
  DoorSecretRotated,
  ErrorBody,
  FaceConsentBody,
  FaceStatus,
  Jwks,
  KioskCode,
  LoginBody,
  PasswordResetIssued,
  PersonalPassCode,
  RefreshBody,
  ResetPasswordBody,
  RegisterBody,
  TokenPair,
  UpdateDeviceBody,
  UpdateUserBody,
  UserPage,
  UserView,
  VisitorPassPage,
  VisitorPassView,
  VisitorPassWithCode,
} from '@roomkey/contracts';
import { addZodSchemas, pageCsp, securityHeaders } from '@roomkey/common';
import { addForwardedRoutes, AUTH_ROUTES } from './forwarded-routes';
import { ACCESS_ROUTES } from './access-routes';
import { AUDIT_ROUTES } from './audit-routes';
import { FACE_ROUTES } from './face-routes';
import { QR_ROUTES } from './qr-routes';

export const DOCS_PATH = 'docs';

/** The public API's OpenAPI document; request and response schemas come from the contracts. */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('roomkey')
    .setDescription(
      "Room access with two factors: a rotating QR code and the person's face. Every error " +
        'answers `{ code, message, requestId }` with a stable code. Access tokens are ES256 JWTs ' +
        'from `POST /v1/auth/login` (people) or `POST /v1/auth/device-token` (kiosks and locks), ' +
        'sent as `Authorization: Bearer <token>`.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  const doc = SwaggerModule.createDocument(app, config);
  withoutAuthorizationHeader(doc);
  addForwardedRoutes(doc, AUTH_ROUTES, 'the account service');
  addForwardedRoutes(doc, QR_ROUTES, 'the QR service');
  addForwardedRoutes(doc, FACE_ROUTES, 'the face service');
  addForwardedRoutes(doc, ACCESS_ROUTES, 'the access service');
  addForwardedRoutes(doc, AUDIT_ROUTES, 'the audit service');
  return addZodSchemas(doc, {
    CreateAccessRequestBody,
    AccessRequestView,
    ErrorBody,
    RegisterBody,
    LoginBody,
    RefreshBody,
    TokenPair,
    UserView,
    UserPage,
    CreateUserBody,
    UpdateUserBody,
    DeviceView,
    DeviceList: z.array(DeviceView),
    CreateDeviceBody,
    UpdateDeviceBody,
    DeviceRegistered,
    DeviceTokenBody,
    DeviceToken,
    ChangePasswordBody,
    PasswordResetIssued,
    ResetPasswordBody,
    Jwks,
    KioskCode,
    PersonalPassCode,
    CreateVisitorPassBody,
    VisitorPassView,
    VisitorPassWithCode,
    VisitorPassPage,
    DoorSecretRotated,
    FaceConsentBody,
    FaceStatus,
    CreateSiteBody,
    UpdateSiteBody,
    RenameBody,
    UpdateDoorBody,
    SiteView,
    SiteList: z.array(SiteView),
    CreateRoomBody,
    RoomView,
    RoomList: z.array(RoomView),
    CreateLockBody,
    LockView,
    LockRegistered,
    LockMqttCredentials,
    LockList: z.array(LockView),
    CreateDoorBody,
    DoorView,
    DoorList: z.array(DoorView),
    CreatePermissionBody,
    PermissionView,
    PermissionList: z.array(PermissionView),
    DecisionRecord,
    AlertView,
    AlertList: z.array(AlertView),
    AccessLogPage,
    AccessStats,
  });
}

/**
 * Handlers that pass the caller's token on read it with `@Headers('authorization')`, which the
 * document generator lists as a header parameter; the token is the bearer security scheme.
 */
function withoutAuthorizationHeader(doc: OpenAPIObject): void {
  for (const item of Object.values(doc.paths)) {
    for (const op of Object.values(item) as Array<{
      parameters?: Array<{ in?: string; name?: string }>;
    }>) {
      if (!Array.isArray(op?.parameters)) continue;
      op.parameters = op.parameters.filter(
        (p) => !(p.in === 'header' && p.name?.toLowerCase() === 'authorization'),
      );
    }
  }
}

/** Serves the document at /docs (UI) and /docs-json. */
export function serveOpenApi(app: INestApplication): void {
  // Swagger UI's page has an inline <style> block (never an inline script).
  for (const handler of securityHeaders(pageCsp({ styleSrc: ["'unsafe-inline'"] }))) {
    app.use(`/${DOCS_PATH}`, handler);
  }
  SwaggerModule.setup(DOCS_PATH, app, () => openApiDocument(app), {
    jsonDocumentUrl: `${DOCS_PATH}-json`,
  });
}
