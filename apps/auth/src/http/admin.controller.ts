import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  CreateDeviceBody,
  CreateUserBody,
  Id,
  ListUsersQuery,
  UpdateDeviceBody,
  UpdateUserBody,
} from '@roomkey/contracts';
import { Roles, ZodPipe } from '@roomkey/common';
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
  listUsers(@Query(new ZodPipe(ListUsersQuery, 'query')) query: ListUsersQuery) {
    return this.users.list(query);
  }

  @Post('users')
  createUser(@Body(new ZodPipe(CreateUserBody)) body: CreateUserBody, @Ctx() ctx: CallContext) {
    return this.users.create(body, ctx);
  }

  @Get('users/:id')
  getUser(@Param('id', new ZodPipe(Id, 'user id')) id: string) {
    return this.users.get(id);
  }

  @Patch('users/:id')
  updateUser(
    @Param('id', new ZodPipe(Id, 'user id')) id: string,
    @Body(new ZodPipe(UpdateUserBody)) body: UpdateUserBody,
    @Ctx() ctx: CallContext,
  ) {
    return this.users.update(id, body, ctx);
  }

  @Delete('users/:id')
  @HttpCode(204)
  async deleteUser(@Param('id', new ZodPipe(Id, 'user id')) id: string, @Ctx() ctx: CallContext) {
    await this.users.delete(id, ctx);
  }

  @Get('devices')
  listDevices() {
    return this.devices.list();
  }

  @Post('devices')
  registerDevice(
    @Body(new ZodPipe(CreateDeviceBody)) body: CreateDeviceBody,
    @Ctx() ctx: CallContext,
  ) {
    return this.devices.register(body, ctx);
  }

  @Patch('devices/:id')
  renameDevice(
    @Param('id', new ZodPipe(Id, 'device id')) id: string,
    @Body(new ZodPipe(UpdateDeviceBody)) body: UpdateDeviceBody,
  ) {
    return this.devices.rename(id, body);
  }

  @Post('devices/:id/revoke')
  @HttpCode(200)
  revokeDevice(@Param('id', new ZodPipe(Id, 'device id')) id: string, @Ctx() ctx: CallContext) {
    return this.devices.revoke(id, ctx);
  }
}
