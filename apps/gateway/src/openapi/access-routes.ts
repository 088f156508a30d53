import { ADMIN_ONLY, BAD_BODY, BAD_ID, ForwardedRoute, TOKEN } from './forwarded-routes';

const STAFF_ONLY = 'INSUFFICIENT_ROLE (admin or security only)';
const BROKER_DOWN =
  "LOCK_BROKER_UNAVAILABLE (the locks' MQTT broker did not make the change; try again)";
const list = (path: string, summary: string, schema: string): ForwardedRoute => ({
  method: 'get',
  path,
  summary,
  access: 'staff',
  ok: { status: 200, schema, description: 'The list' },
  errors: { 401: TOKEN, 403: STAFF_ONLY },
});
const create = (
  path: string,
  summary: string,
  body: string,
  schema: string,
  errors: Record<number, string> = {},
): ForwardedRoute => ({
  method: 'post',
  path,
  summary,
  access: 'admin',
  body,
  ok: { status: 201, schema, description: 'Created' },
  errors: { 400: BAD_BODY, 401: TOKEN, 403: ADMIN_ONLY, ...errors },
});

const update = (
  path: string,
  summary: string,
  body: string,
  schema: string,
  notFound: string,
  errors: Record<number, string> = {},
): ForwardedRoute => ({
  method: 'patch',
  path,
  summary,
  access: 'admin',
  body,
  ok: { status: 200, schema, description: 'As it is now' },
  errors: {
    400: `${BAD_BODY}, or no field to change, or ${BAD_ID}`,
    401: TOKEN,
    403: ADMIN_ONLY,
    404: notFound,
    ...errors,
  },
});

/** The routes the gateway forwards to the access app. */
export const ACCESS_ROUTES: ForwardedRoute[] = [
  create(
    '/v1/sites',
    'Create a site with the time zone its schedules are written in.',
    'CreateSiteBody',
    'SiteView',
  ),
  list('/v1/sites', 'List sites.', 'SiteList'),
  update(
    '/v1/sites/{id}',
    "Rename a site or change its time zone; every schedule of the site's rooms follows the new zone at once.",
    'UpdateSiteBody',
    'SiteView',
    'SITE_NOT_FOUND',
  ),
  create('/v1/rooms', 'Create a room on a site.', 'CreateRoomBody', 'RoomView', {
    404: 'SITE_NOT_FOUND',
  }),
  list('/v1/rooms', 'List rooms, with their lockdown state.', 'RoomList'),
  update('/v1/rooms/{id}', 'Rename a room.', 'RenameBody', 'RoomView', 'ROOM_NOT_FOUND'),
  {
    method: 'get',
    path: '/v1/rooms/{id}',
    summary: 'One room.',
    access: 'staff',
    ok: { status: 200, schema: 'RoomView', description: 'The room' },
    errors: { 400: BAD_ID, 401: TOKEN, 403: STAFF_ONLY, 404: 'ROOM_NOT_FOUND' },
  },
  {
    method: 'post',
    path: '/v1/rooms/{id}/lockdown',
    summary: 'Lock a room down: every access request for it is denied (`lockdown`) until lifted.',
    access: 'staff',
    ok: { status: 200, schema: 'RoomView', description: 'The room, locked down' },
    errors: { 400: BAD_ID, 401: TOKEN, 403: STAFF_ONLY, 404: 'ROOM_NOT_FOUND' },
  },
  {
    method: 'delete',
    path: '/v1/rooms/{id}/lockdown',
    summary: "Lift a room's lockdown.",
    access: 'staff',
    ok: { status: 200, schema: 'RoomView', description: 'The room' },
    errors: { 400: BAD_ID, 401: TOKEN, 403: STAFF_ONLY, 404: 'ROOM_NOT_FOUND' },
  },
  create(
    '/v1/locks',
    'Register a smart lock. The answer holds its secret (base64) and its own MQTT credentials (a client allowed only its own topics, with only its client id), shown this once: configure them into the lock.',
    'CreateLockBody',
    'LockRegistered',
    { 503: BROKER_DOWN },
  ),
  {
    method: 'post',
    path: '/v1/locks/{id}/mqtt-credentials',
    summary:
      'Issue new MQTT credentials for a lock, shown this once: for a lock registered before locks had their own, or one whose password leaked. The old password stops working and its connection is closed.',
    access: 'admin',
    ok: { status: 201, schema: 'LockMqttCredentials', description: 'The new credentials' },
    errors: { 400: BAD_ID, 401: TOKEN, 403: ADMIN_ONLY, 404: 'LOCK_NOT_FOUND', 503: BROKER_DOWN },
  },
  {
    method: 'delete',
    path: '/v1/locks/{id}',
    summary:
      'Remove a lock that serves no door, with its unlock commands and its client on the MQTT broker.',
    access: 'admin',
    ok: { status: 204, description: 'Removed' },
    errors: {
      400: BAD_ID,
      401: TOKEN,
      403: ADMIN_ONLY,
      404: 'LOCK_NOT_FOUND',
      409: 'LOCK_IN_USE (a door uses it: give the door another lock first)',
      503: BROKER_DOWN,
    },
  },
  list(
    '/v1/locks',
    'List locks with their last reported state and whether they are online.',
    'LockList',
  ),
  update('/v1/locks/{id}', 'Rename a lock.', 'RenameBody', 'LockView', 'LOCK_NOT_FOUND'),
  create(
    '/v1/doors',
    'Create a door of a room, with the lock that opens it (one door per lock).',
    'CreateDoorBody',
    'DoorView',
    {
      404: 'ROOM_OR_LOCK_NOT_FOUND',
      409: 'LOCK_IN_USE',
    },
  ),
  list('/v1/doors', 'List doors.', 'DoorList'),
  update(
    '/v1/doors/{id}',
    'Rename a door, give it another lock (one door per lock), or set or clear its kiosk.',
    'UpdateDoorBody',
    'DoorView',
    'DOOR_NOT_FOUND or LOCK_NOT_FOUND',
    { 409: 'LOCK_IN_USE' },
  ),
  create(
    '/v1/permissions',
    "Let a user or a role into a room: optionally from/until, and within weekly windows in the site's time zone.",
    'CreatePermissionBody',
    'PermissionView',
    { 404: 'ROOM_NOT_FOUND' },
  ),
  {
    ...list('/v1/permissions', 'List permissions, by room or user.', 'PermissionList'),
    query: [
      { name: 'roomId', schema: { type: 'string', format: 'uuid' }, description: 'Only this room' },
      { name: 'userId', schema: { type: 'string', format: 'uuid' }, description: 'Only this user' },
    ],
  },
  {
    method: 'delete',
    path: '/v1/permissions/{id}',
    summary: 'Withdraw a permission.',
    access: 'admin',
    ok: { status: 204, description: 'Withdrawn' },
    errors: { 400: BAD_ID, 401: TOKEN, 403: ADMIN_ONLY, 404: 'PERMISSION_NOT_FOUND' },
  },
  {
    method: 'get',
    path: '/v1/access-decisions/{id}',
    summary:
      "The access service's record of a decision: reasons, door, lock, and whether the lock confirmed the unlock.",
    access: 'staff',
    ok: { status: 200, schema: 'DecisionRecord', description: 'The decision record' },
    errors: { 400: BAD_ID, 401: TOKEN, 403: STAFF_ONLY, 404: 'DECISION_NOT_FOUND' },
  },
];
