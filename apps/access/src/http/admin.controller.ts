import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  CreateDoorBody,
  CreateLockBody,
  CreatePermissionBody,
  CreateRoomBody,
  CreateSiteBody,
  ApiSchemaName,
  Id,
  ListPermissionsQuery,
  RenameBody,
  UpdateDoorBody,
  UpdateSiteBody,
} from '@roomkey/contracts';
import {
  ADMIN_ONLY,
  BAD_BODY,
  BAD_ID,
  Caller,
  Operation,
  OperationDoc,
  Principal,
  Roles,
  STAFF_ONLY,
  TOKEN,
  ZodPipe,
} from '@roomkey/common';
import { AccessModel } from '../services/model.service';
import { Sagas } from '../services/sagas.service';

const id = (what: string) => new ZodPipe(Id, what);

const BROKER_DOWN =
  "LOCK_BROKER_UNAVAILABLE (the locks' MQTT broker did not make the change; try again)";
type Errors = OperationDoc['errors'];
const list = (tag: string, summary: string, schema: ApiSchemaName): OperationDoc => ({
  tag,
  summary,
  ok: { schema, description: 'The list' },
  errors: { 401: TOKEN, 403: STAFF_ONLY },
});
const created = (
  tag: string,
  summary: string,
  schema: ApiSchemaName,
  errors: Errors = {},
): OperationDoc => ({
  tag,
  summary,
  ok: { schema, description: 'Created' },
  errors: { 400: BAD_BODY, 401: TOKEN, 403: ADMIN_ONLY, ...errors },
});
const updated = (
  tag: string,
  summary: string,
  schema: ApiSchemaName,
  notFound: string,
  errors: Errors = {},
): OperationDoc => ({
  tag,
  summary,
  ok: { schema, description: 'As it is now' },
  errors: {
    400: `${BAD_BODY}, or no field to change, or ${BAD_ID}`,
    401: TOKEN,
    403: ADMIN_ONLY,
    404: notFound,
    ...errors,
  },
});

/** Sites, rooms, locks, doors and permissions: admins change them, security staff read them. */
@Controller('v1')
@Roles('admin')
export class AdminController {
  constructor(
    private readonly model: AccessModel,
    private readonly sagas: Sagas,
  ) {}

  @Post('sites')
  @Operation(
    created(
      'sites and rooms',
      'Create a site with the time zone its schedules are written in.',
      'SiteView',
    ),
  )
  createSite(@Body(new ZodPipe(CreateSiteBody)) body: CreateSiteBody) {
    return this.model.createSite(body);
  }

  @Get('sites')
  @Roles('admin', 'security')
  @Operation(list('sites and rooms', 'List sites.', 'SiteList'))
  listSites() {
    return this.model.listSites();
  }

  @Patch('sites/:id')
  @Operation(
    updated(
      'sites and rooms',
      "Rename a site or change its time zone; every schedule of the site's rooms follows the new zone at once.",
      'SiteView',
      'SITE_NOT_FOUND',
    ),
  )
  updateSite(
    @Param('id', id('site id')) siteId: string,
    @Body(new ZodPipe(UpdateSiteBody)) body: UpdateSiteBody,
  ) {
    return this.model.updateSite(siteId, body);
  }

  @Post('rooms')
  @Operation(
    created('sites and rooms', 'Create a room on a site.', 'RoomView', { 404: 'SITE_NOT_FOUND' }),
  )
  createRoom(@Body(new ZodPipe(CreateRoomBody)) body: CreateRoomBody) {
    return this.model.createRoom(body);
  }

  @Get('rooms')
  @Roles('admin', 'security')
  @Operation(list('sites and rooms', 'List rooms, with their lockdown state.', 'RoomList'))
  listRooms() {
    return this.model.listRooms();
  }

  @Get('rooms/:id')
  @Roles('admin', 'security')
  @Operation({
    tag: 'sites and rooms',
    summary: 'One room.',
    ok: { schema: 'RoomView', description: 'The room' },
    errors: { 400: BAD_ID, 401: TOKEN, 403: STAFF_ONLY, 404: 'ROOM_NOT_FOUND' },
  })
  getRoom(@Param('id', id('room id')) roomId: string) {
    return this.model.getRoom(roomId);
  }

  @Patch('rooms/:id')
  @Operation(updated('sites and rooms', 'Rename a room.', 'RoomView', 'ROOM_NOT_FOUND'))
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
  @Operation({
    tag: 'sites and rooms',
    summary: 'Lock a room down: every access request for it is denied (`lockdown`) until lifted.',
    ok: { schema: 'RoomView', description: 'The room, locked down' },
    errors: { 400: BAD_ID, 401: TOKEN, 403: STAFF_ONLY, 404: 'ROOM_NOT_FOUND' },
  })
  lockdown(@Param('id', id('room id')) roomId: string, @Caller() who: Principal) {
    return this.model.setLockdown(roomId, true, who.id);
  }

  @Delete('rooms/:id/lockdown')
  @Roles('admin', 'security')
  @Operation({
    tag: 'sites and rooms',
    summary: "Lift a room's lockdown.",
    ok: { schema: 'RoomView', description: 'The room' },
    errors: { 400: BAD_ID, 401: TOKEN, 403: STAFF_ONLY, 404: 'ROOM_NOT_FOUND' },
  })
  liftLockdown(@Param('id', id('room id')) roomId: string, @Caller() who: Principal) {
    return this.model.setLockdown(roomId, false, who.id);
  }

  @Post('locks')
  @Operation(
    created(
      'doors and locks',
      'Register a smart lock. The answer holds its secret (base64) and its own MQTT credentials (a client allowed only its own topics, with only its client id), shown this once: configure them into the lock.',
      'LockRegistered',
      { 503: BROKER_DOWN },
    ),
  )
  createLock(@Body(new ZodPipe(CreateLockBody)) body: CreateLockBody) {
    return this.model.createLock(body);
  }

  @Get('locks')
  @Roles('admin', 'security')
  @Operation(
    list(
      'doors and locks',
      'List locks with their last reported state and whether they are online.',
      'LockList',
    ),
  )
  listLocks() {
    return this.model.listLocks();
  }

  /** New MQTT credentials for the lock, shown once; the old ones stop working. */
  @Post('locks/:id/mqtt-credentials')
  @Operation({
    tag: 'doors and locks',
    summary:
      'Issue new MQTT credentials for a lock, shown this once: for a lock registered before locks had their own, or one whose password leaked. The old password stops working and its connection is closed.',
    ok: { schema: 'LockMqttCredentials', description: 'The new credentials' },
    errors: { 400: BAD_ID, 401: TOKEN, 403: ADMIN_ONLY, 404: 'LOCK_NOT_FOUND', 503: BROKER_DOWN },
  })
  issueLockCredentials(@Param('id', id('lock id')) lockId: string) {
    return this.model.issueLockCredentials(lockId);
  }

  /** Removes a lock that serves no door, and its client on the MQTT broker. */
  @Delete('locks/:id')
  @HttpCode(204)
  @Operation({
    tag: 'doors and locks',
    summary:
      'Remove a lock that serves no door, with its unlock commands and its client on the MQTT broker.',
    ok: { description: 'Removed' },
    errors: {
      400: BAD_ID,
      401: TOKEN,
      403: ADMIN_ONLY,
      404: 'LOCK_NOT_FOUND',
      409: 'LOCK_IN_USE (a door uses it: give the door another lock first)',
      503: BROKER_DOWN,
    },
  })
  async deleteLock(@Param('id', id('lock id')) lockId: string) {
    await this.model.deleteLock(lockId);
  }

  @Patch('locks/:id')
  @Operation(updated('doors and locks', 'Rename a lock.', 'LockView', 'LOCK_NOT_FOUND'))
  renameLock(
    @Param('id', id('lock id')) lockId: string,
    @Body(new ZodPipe(RenameBody)) body: RenameBody,
  ) {
    return this.model.renameLock(lockId, body);
  }

  @Post('doors')
  @Operation(
    created(
      'doors and locks',
      'Create a door of a room, with the lock that opens it (one door per lock).',
      'DoorView',
      { 404: 'ROOM_OR_LOCK_NOT_FOUND', 409: 'LOCK_IN_USE' },
    ),
  )
  createDoor(@Body(new ZodPipe(CreateDoorBody)) body: CreateDoorBody) {
    return this.model.createDoor(body);
  }

  @Get('doors')
  @Roles('admin', 'security')
  @Operation(list('doors and locks', 'List doors.', 'DoorList'))
  listDoors() {
    return this.model.listDoors();
  }

  @Patch('doors/:id')
  @Operation(
    updated(
      'doors and locks',
      'Rename a door, give it another lock (one door per lock), or set or clear its kiosk.',
      'DoorView',
      'DOOR_NOT_FOUND or LOCK_NOT_FOUND',
      { 409: 'LOCK_IN_USE' },
    ),
  )
  updateDoor(
    @Param('id', id('door id')) doorId: string,
    @Body(new ZodPipe(UpdateDoorBody)) body: UpdateDoorBody,
  ) {
    return this.model.updateDoor(doorId, body);
  }

  @Post('permissions')
  @Operation(
    created(
      'permissions',
      "Let a user or a role into a room: optionally from/until, and within weekly windows in the site's time zone.",
      'PermissionView',
      { 404: 'ROOM_NOT_FOUND' },
    ),
  )
  createPermission(@Body(new ZodPipe(CreatePermissionBody)) body: CreatePermissionBody) {
    return this.model.createPermission(body);
  }

  @Get('permissions')
  @Roles('admin', 'security')
  @Operation(list('permissions', 'List permissions, by room or user.', 'PermissionList'))
  listPermissions(@Query(new ZodPipe(ListPermissionsQuery, 'query')) q: ListPermissionsQuery) {
    return this.model.listPermissions(q);
  }

  @Delete('permissions/:id')
  @HttpCode(204)
  @Operation({
    tag: 'permissions',
    summary: 'Withdraw a permission.',
    ok: { description: 'Withdrawn' },
    errors: { 400: BAD_ID, 401: TOKEN, 403: ADMIN_ONLY, 404: 'PERMISSION_NOT_FOUND' },
  })
  async deletePermission(@Param('id', id('permission id')) permissionId: string) {
    await this.model.deletePermission(permissionId);
  }

  /** The decision record of a request: reasons, door, lock, whether the door confirmed. */
  @Get('access-decisions/:id')
  @Roles('admin', 'security')
  @Operation({
    tag: 'access',
    summary:
      "The access service's record of a decision: reasons, door, lock, and whether the lock confirmed the unlock.",
    ok: { schema: 'DecisionRecord', description: 'The decision record' },
    errors: { 400: BAD_ID, 401: TOKEN, 403: STAFF_ONLY, 404: 'DECISION_NOT_FOUND' },
  })
  decision(@Param('id', id('request id')) requestId: string) {
    return this.sagas.decisionRecord(requestId);
  }
}
