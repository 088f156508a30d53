import { Body, Controller, Get, Header, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CreateVisitorPassBody, Id, ListVisitorPassesQuery } from '@roomkey/contracts';
import { Caller, Principal, Roles, ZodPipe } from '@roomkey/common';
import { Secrets } from '../services/secrets';
import { VisitorPasses } from '../services/visitor-passes.service';

const passId = new ZodPipe(Id, 'visitor pass id');

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
  @Header('cache-control', 'no-store')
  create(
    @Body(new ZodPipe(CreateVisitorPassBody)) body: CreateVisitorPassBody,
    @Caller() admin: Principal,
  ) {
    return this.passes.create(body, admin.id);
  }

  @Get('visitor-passes')
  @Roles('admin', 'security')
  list(@Query(new ZodPipe(ListVisitorPassesQuery, 'query')) query: ListVisitorPassesQuery) {
    return this.passes.list(query);
  }

  /** With the live code, which opens doors: admins only. */
  @Get('visitor-passes/:id')
  @Header('cache-control', 'no-store')
  get(@Param('id', passId) id: string) {
    return this.passes.get(id);
  }

  @Post('visitor-passes/:id/revoke')
  @HttpCode(200)
  revoke(@Param('id', passId) id: string) {
    return this.passes.revoke(id);
  }

  @Post('doors/:id/qr-secret/rotate')
  @HttpCode(200)
  rotate(@Param('id', new ZodPipe(Id, 'door id')) doorId: string) {
    return this.secrets.rotateDoorSecret(doorId);
  }
}
