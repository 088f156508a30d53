import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  CreateDoorBody,
  CreateLockBody,
  CreatePermissionBody,
  CreateRoomBody,
  CreateSiteBody,
  Id,
  ListPermissionsQuery,
  RenameBody,
  UpdateDoorBody,
  UpdateSiteBody,
} from '@roomkey/contracts';
import { Caller, Principal, Roles, ZodPipe } from '@roomkey/common';
import { AccessModel } from '../services/model.service';
import { Sagas } from '../services/sagas.service';

const id = (what: string) => new ZodPipe(Id, what);

/** Sites, rooms, locks, doors and permissions: admins change them, security staff read them. */
@Controller('v1')
@Roles('admin')
export class AdminController {
  constructor(
    private readonly model: AccessModel,
    private readonly sagas: Sagas,
  ) {}

  @Post('sites')
  createSite(@Body(new ZodPipe(CreateSiteBody)) body: CreateSiteBody) {
    return this.model.createSite(body);
  }

  @Get('sites')
  @Roles('admin', 'security')
  listSites() {
    return this.model.listSites();
  }

  @Patch('sites/:id')
  updateSite(
    @Param('id', id('site id')) siteId: string,
    @Body(new ZodPipe(UpdateSiteBody)) body: UpdateSiteBody,
  ) {
    return this.model.updateSite(siteId, body);
  }

  @Post('rooms')
  createRoom(@Body(new ZodPipe(CreateRoomBody)) body: CreateRoomBody) {
    return this.model.createRoom(body);
  }

  @Get('rooms')
  @Roles('admin', 'security')
  listRooms() {
    return this.model.listRooms();
  }

  @Get('rooms/:id')
  @Roles('admin', 'security')
  getRoom(@Param('id', id('room id')) roomId: string) {
    return this.model.getRoom(roomId);
  }

  @Patch('rooms/:id')
  renameRoom(
    @Param('id', id('room id')) roomId: string,
    @Body(new ZodPipe(RenameBody)) body: RenameBody,
  ) {
    return this.model.renameRoom(roomId, body);
  }

  /** Lockdown: every request for the room is denied until it is lifted. */
  @Post('rooms/:id/lockdown')
  @HttpCode(200)
  @Roles('admin', 'security')
  lockdown(@Param('id', id('room id')) roomId: string, @Caller() who: Principal) {
    return this.model.setLockdown(roomId, true, who.id);
  }

  @Delete('rooms/:id/lockdown')
  @Roles('admin', 'security')
  liftLockdown(@Param('id', id('room id')) roomId: string, @Caller() who: Principal) {
    return this.model.setLockdown(roomId, false, who.id);
  }

  @Post('locks')
  createLock(@Body(new ZodPipe(CreateLockBody)) body: CreateLockBody) {
    return this.model.createLock(body);
  }

  @Get('locks')
  @Roles('admin', 'security')
  listLocks() {
    return this.model.listLocks();
  }

  /** New MQTT credentials for the lock, shown once; the old ones stop working. */
  @Post('locks/:id/mqtt-credentials')
  issueLockCredentials(@Param('id', id('lock id')) lockId: string) {
    return this.model.issueLockCredentials(lockId);
  }

  /** Removes a lock that serves no door, and its client on the MQTT broker. */
  @Delete('locks/:id')
  @HttpCode(204)
  async deleteLock(@Param('id', id('lock id')) lockId: string) {
    await this.model.deleteLock(lockId);
  }

  @Patch('locks/:id')
  renameLock(
    @Param('id', id('lock id')) lockId: string,
    @Body(new ZodPipe(RenameBody)) body: RenameBody,
  ) {
    return this.model.renameLock(lockId, body);
  }

  @Post('doors')
  createDoor(@Body(new ZodPipe(CreateDoorBody)) body: CreateDoorBody) {
    return this.model.createDoor(body);
  }

  @Get('doors')
  @Roles('admin', 'security')
  listDoors() {
    return this.model.listDoors();
  }

  @Patch('doors/:id')
  updateDoor(
    @Param('id', id('door id')) doorId: string,
    @Body(new ZodPipe(UpdateDoorBody)) body: UpdateDoorBody,
  ) {
    return this.model.updateDoor(doorId, body);
  }

  @Post('permissions')
  createPermission(@Body(new ZodPipe(CreatePermissionBody)) body: CreatePermissionBody) {
    return this.model.createPermission(body);
  }

  @Get('permissions')
  @Roles('admin', 'security')
  listPermissions(@Query(new ZodPipe(ListPermissionsQuery, 'query')) q: ListPermissionsQuery) {
    return this.model.listPermissions(q);
  }

  @Delete('permissions/:id')
  @HttpCode(204)
  async deletePermission(@Param('id', id('permission id')) permissionId: string) {
    await this.model.deletePermission(permissionId);
  }

  /** The decision record of a request: reasons, door, lock, whether the door confirmed. */
  @Get('access-decisions/:id')
  @Roles('admin', 'security')
  decision(@Param('id', id('request id')) requestId: string) {
    return this.sagas.decisionRecord(requestId);
  }
}
