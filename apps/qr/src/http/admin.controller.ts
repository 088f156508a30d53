import { Body, Controller, Get, Header, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CreateVisitorPassBody, Id, ListVisitorPassesQuery } from '@roomkey/contracts';
import {
  ADMIN_ONLY,
  BAD_BODY,
  BAD_ID,
  BAD_QUERY,
  Caller,
  Operation,
  Principal,
  Roles,
  STAFF_ONLY,
  TOKEN,
  ZodPipe,
} from '@roomkey/common';
import { Secrets } from '../services/secrets';
import { VisitorPasses } from '../services/visitor-passes.service';

const passId = new ZodPipe(Id, 'visitor pass id');
const PASS_NOT_FOUND = 'VISITOR_PASS_NOT_FOUND';

/**
 * Visitor passes and door secrets. Security staff may list passes (never their codes); only
 * admins see a code or change anything.
 */
@Controller('v1')
@Roles('admin')
export class AdminController {
  constructor(
    private readonly passes: VisitorPasses,
    private readonly secrets: Secrets,
  ) {}

  @Post('visitor-passes')
  @Operation({
    tag: 'visitor passes',
    summary:
      'Create a pass for a visitor: some doors, a time window, a number of uses. The answer holds the printable code.',
    ok: { schema: 'VisitorPassWithCode', description: 'The pass and its code' },
    errors: {
      400: BAD_BODY,
      401: TOKEN,
      403: ADMIN_ONLY,
      422: 'PASS_WINDOW_OVER (validUntil is in the past)',
    },
  })
  @Header('cache-control', 'no-store')
  create(
    @Body(new ZodPipe(CreateVisitorPassBody)) body: CreateVisitorPassBody,
    @Caller() admin: Principal,
  ) {
    return this.passes.create(body, admin.id);
  }

  @Get('visitor-passes')
  @Roles('admin', 'security')
  @Operation({
    tag: 'visitor passes',
    summary: 'List visitor passes, newest first, a page at a time.',
    ok: { schema: 'VisitorPassPage', description: 'A page of passes' },
    errors: { 400: BAD_QUERY, 401: TOKEN, 403: STAFF_ONLY },
  })
  list(@Query(new ZodPipe(ListVisitorPassesQuery, 'query')) query: ListVisitorPassesQuery) {
    return this.passes.list(query);
  }

  /** With the live code, which opens doors: admins only. */
  @Get('visitor-passes/:id')
  @Operation({
    tag: 'visitor passes',
    summary:
      'One visitor pass with its printable code, to print it again. Admins only: the code opens doors while the pass is good.',
    ok: { schema: 'VisitorPassWithCode', description: 'The pass and its code' },
    errors: { 400: BAD_ID, 401: TOKEN, 403: ADMIN_ONLY, 404: PASS_NOT_FOUND },
  })
  @Header('cache-control', 'no-store')
  get(@Param('id', passId) id: string) {
    return this.passes.get(id);
  }

  @Post('visitor-passes/:id/revoke')
  @HttpCode(200)
  @Operation({
    tag: 'visitor passes',
    summary: 'Withdraw a visitor pass: every later scan is refused as `revoked`.',
    ok: { schema: 'VisitorPassView', description: 'The revoked pass' },
    errors: { 400: BAD_ID, 401: TOKEN, 403: ADMIN_ONLY, 404: PASS_NOT_FOUND },
  })
  revoke(@Param('id', passId) id: string) {
    return this.passes.revoke(id);
  }

  @Post('doors/:id/qr-secret/rotate')
  @HttpCode(200)
  @Operation({
    tag: 'doors and locks',
    summary:
      'Give the door a new QR secret (made if it has none): codes made with the old one stop working at once. The secret itself is never shown.',
    ok: { schema: 'DoorSecretRotated', description: 'The new secret version' },
    errors: { 400: BAD_ID, 401: TOKEN, 403: ADMIN_ONLY },
  })
  rotate(@Param('id', new ZodPipe(Id, 'door id')) doorId: string) {
    return this.secrets.rotateDoorSecret(doorId);
  }
}
