import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  CreateDeviceBody,
  CreateUserBody,
  Id,
  ListUsersQuery,
  UpdateDeviceBody,
  UpdateUserBody,
} from '@roomkey/contracts';
import {
  ADMIN_ONLY,
  BAD_BODY,
  BAD_ID,
  BAD_QUERY,
  Operation,
  Roles,
  TOKEN,
  ZodPipe,
} from '@roomkey/common';
import type { CallContext } from '../services/context';
import { Devices } from '../services/devices.service';
import { Users } from '../services/users.service';
import { Ctx } from './call-context';

/** Accounts and devices, for admins only. */
@Controller('v1')
@Roles('admin')
export class AdminController {
  constructor(
    private readonly users: Users,
    private readonly devices: Devices,
  ) {}

  @Get('users')
  @Operation({
    tag: 'users',
    summary: 'List accounts, ordered by id, a page at a time.',
    ok: { schema: 'UserPage', description: 'A page of accounts' },
    errors: { 400: BAD_QUERY, 401: TOKEN, 403: ADMIN_ONLY },
  })
  listUsers(@Query(new ZodPipe(ListUsersQuery, 'query')) query: ListUsersQuery) {
    return this.users.list(query);
  }

  @Post('users')
  @Operation({
    tag: 'users',
    summary: 'Create an account with any roles.',
    ok: { schema: 'UserView', description: 'The new account' },
    errors: {
      400: BAD_BODY,
      401: TOKEN,
      403: ADMIN_ONLY,
      409: 'EMAIL_TAKEN',
      422: 'WEAK_PASSWORD',
    },
  })
  createUser(@Body(new ZodPipe(CreateUserBody)) body: CreateUserBody, @Ctx() ctx: CallContext) {
    return this.users.create(body, ctx);
  }

  @Get('users/:id')
  @Operation({
    tag: 'users',
    summary: 'One account.',
    ok: { schema: 'UserView', description: 'The account' },
    errors: { 400: BAD_ID, 401: TOKEN, 403: ADMIN_ONLY, 404: 'USER_NOT_FOUND' },
  })
  getUser(@Param('id', new ZodPipe(Id, 'user id')) id: string) {
    return this.users.get(id);
  }

  @Patch('users/:id')
  @Operation({
    tag: 'users',
    summary:
      'Rename, change roles, disable or enable. Disabling ends every session of the account; its access tokens lapse within their lifetime.',
    ok: { schema: 'UserView', description: 'The account as changed' },
    errors: {
      400: BAD_BODY,
      401: TOKEN,
      403: ADMIN_ONLY,
      404: 'USER_NOT_FOUND',
      409: 'LAST_ADMIN (the change would leave no active admin)',
    },
  })
  updateUser(
    @Param('id', new ZodPipe(Id, 'user id')) id: string,
    @Body(new ZodPipe(UpdateUserBody)) body: UpdateUserBody,
    @Ctx() ctx: CallContext,
  ) {
    return this.users.update(id, body, ctx);
  }

  @Delete('users/:id')
  @HttpCode(204)
  @Operation({
    tag: 'users',
    summary:
      "Delete an account: its sessions end and every app is asked to erase the person's data (face templates).",
    ok: { description: 'Deleted' },
    errors: { 400: BAD_ID, 401: TOKEN, 403: ADMIN_ONLY, 404: 'USER_NOT_FOUND', 409: 'LAST_ADMIN' },
  })
  async deleteUser(@Param('id', new ZodPipe(Id, 'user id')) id: string, @Ctx() ctx: CallContext) {
    await this.users.delete(id, ctx);
  }

  @Get('devices')
  @Operation({
    tag: 'devices',
    summary: 'List kiosks and locks.',
    ok: { schema: 'DeviceList', description: 'The devices' },
    errors: { 401: TOKEN, 403: ADMIN_ONLY },
  })
  listDevices() {
    return this.devices.list();
  }

  @Post('devices')
  @Operation({
    tag: 'devices',
    summary:
      'Register a kiosk or lock for specific doors. The answer holds its secret, shown this once.',
    ok: { schema: 'DeviceRegistered', description: 'The device and its secret' },
    errors: { 400: BAD_BODY, 401: TOKEN, 403: ADMIN_ONLY },
  })
  registerDevice(
    @Body(new ZodPipe(CreateDeviceBody)) body: CreateDeviceBody,
    @Ctx() ctx: CallContext,
  ) {
    return this.devices.register(body, ctx);
  }

  @Patch('devices/:id')
  @Operation({
    tag: 'devices',
    summary:
      'Rename a device. Its doors stay: to serve other doors, register it again and revoke this one.',
    ok: { schema: 'DeviceView', description: 'The device as it is now' },
    errors: {
      400: `${BAD_BODY}, or ${BAD_ID}`,
      401: TOKEN,
      403: ADMIN_ONLY,
      404: 'DEVICE_NOT_FOUND',
    },
  })
  renameDevice(
    @Param('id', new ZodPipe(Id, 'device id')) id: string,
    @Body(new ZodPipe(UpdateDeviceBody)) body: UpdateDeviceBody,
  ) {
    return this.devices.rename(id, body);
  }

  @Post('devices/:id/revoke')
  @HttpCode(200)
  @Operation({
    tag: 'devices',
    summary: 'Revoke a device: it gets no new token; the one it holds lapses within minutes.',
    ok: { schema: 'DeviceView', description: 'The revoked device' },
    errors: { 400: BAD_ID, 401: TOKEN, 403: ADMIN_ONLY, 404: 'DEVICE_NOT_FOUND' },
  })
  revokeDevice(@Param('id', new ZodPipe(Id, 'device id')) id: string, @Ctx() ctx: CallContext) {
    return this.devices.revoke(id, ctx);
  }
}
