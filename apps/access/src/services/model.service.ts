import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import type {
  CreateDoorBody,
  CreateLockBody,
  CreatePermissionBody,
  CreateRoomBody,
  CreateSiteBody,
  DoorView,
  ListPermissionsQuery,
  LockMqttCredentials,
  LockRegistered,
  LockView,
  PermissionView,
  RenameBody,
  RoomView,
  SiteView,
  UpdateDoorBody,
  UpdateSiteBody,
} from '@roomkey/contracts';
import { changed, DomainError, Keyring, NotFoundError } from '@roomkey/common';
import { LockAccounts } from '../adapters/lock-accounts';
import { LOCK_KEYRING } from '../config';
import { DoorRow, LockRow, PermissionRow, RoomRow, SiteRow } from '../repositories/entities';

const iso = (d: Date | null) => (d ? d.toISOString() : null);
export const lockAad = (lockId: string) => `lock-secret:${lockId}`;

const siteView = (r: SiteRow): SiteView => ({
  id: r.id,
  name: r.name,
  timeZone: r.timeZone,
  createdAt: r.createdAt.toISOString(),
});
const roomView = (r: RoomRow): RoomView => ({
  id: r.id,
  siteId: r.siteId,
  name: r.name,
  lockedDown: r.lockedDown,
  lockdownChangedAt: iso(r.lockdownChangedAt),
  createdAt: r.createdAt.toISOString(),
});
const lockView = (r: LockRow): LockView => ({
  id: r.id,
  name: r.name,
  state: r.state,
  online: r.online,
  lastSeenAt: iso(r.lastSeenAt),
  createdAt: r.createdAt.toISOString(),
});
const doorView = (r: DoorRow): DoorView => ({
  id: r.id,
  roomId: r.roomId,
  name: r.name,
  lockId: r.lockId,
  kioskId: r.kioskId,
  requireActiveLiveness: r.requireActiveLiveness,
  createdAt: r.createdAt.toISOString(),
});
const permissionView = (r: PermissionRow): PermissionView => ({
  id: r.id,
  roomId: r.roomId,
  userId: r.subjectType === 'user' ? r.subject : null,
  role: r.subjectType === 'role' ? r.subject : null,
  validFrom: iso(r.validFrom),
  validUntil: iso(r.validUntil),
  windows: r.windows,
  createdAt: r.createdAt.toISOString(),
});

const isFkViolation = (err: unknown) => (err as { code?: string }).code === '23503';
const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

/** Sites, rooms, locks, doors and permissions, as admins manage them; room lockdown. */
@Injectable()
export class AccessModel {
  constructor(
    @InjectRepository(SiteRow) private readonly sites: Repository<SiteRow>,
    @InjectRepository(RoomRow) private readonly rooms: Repository<RoomRow>,
    @InjectRepository(LockRow) private readonly locks: Repository<LockRow>,
    @InjectRepository(DoorRow) private readonly doors: Repository<DoorRow>,
    @InjectRepository(PermissionRow) private readonly permissions: Repository<PermissionRow>,
    @Inject(LOCK_KEYRING) private readonly keyring: Keyring,
    private readonly lockAccounts: LockAccounts,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async createSite(body: CreateSiteBody): Promise<SiteView> {
    const row = { id: randomUUID(), ...body, createdAt: new Date() };
    await this.sites.insert(row);
    return siteView(row);
  }
  listSites = async () => (await this.sites.find({ order: { createdAt: 'ASC' } })).map(siteView);
  updateSite = async (id: string, body: UpdateSiteBody) =>
    siteView(await this.change(this.sites, id, body, 'SITE_NOT_FOUND', 'site'));

  async createRoom(body: CreateRoomBody): Promise<RoomView> {
    const row: RoomRow = {
      id: randomUUID(),
      ...body,
      lockedDown: false,
      lockdownChangedAt: null,
      lockdownChangedBy: null,
      createdAt: new Date(),
    };
    await this.guard(() => this.rooms.insert(row), 'SITE_NOT_FOUND', 'no site with this id');
    return roomView(row);
  }
  listRooms = async () => (await this.rooms.find({ order: { createdAt: 'ASC' } })).map(roomView);
  getRoom = async (id: string) => roomView(await this.room(id));
  renameRoom = async (id: string, body: RenameBody) =>
    roomView(await this.change(this.rooms, id, body, 'ROOM_NOT_FOUND', 'room'));

  /** Locks down a room (every request for it is denied) or lifts it. */
  async setLockdown(id: string, on: boolean, by: string): Promise<RoomView> {
    await this.room(id);
    await this.rooms.update(
      { id },
      { lockedDown: on, lockdownChangedAt: new Date(), lockdownChangedBy: by },
    );
    return roomView(await this.room(id));
  }

  /**
   * A lock with its secret and its own client on the MQTT broker, both shown once. The broker's
   * client comes first: when the broker cannot make it, nothing is registered.
   */
  async createLock(body: CreateLockBody): Promise<LockRegistered> {
    const id = randomUUID();
    const secret = randomBytes(32);
    const row: LockRow = {
      id,
      name: body.name,
      ...this.keyring.seal(secret, lockAad(id)),
      counter: '0',
      reportCounter: '0',
      state: null,
      online: false,
      lastSeenAt: null,
      createdAt: new Date(),
    };
    const mqtt = await this.lockAccounts.issue(id);
    try {
      await this.locks.insert(row);
    } catch (err) {
      await this.lockAccounts.remove(id).catch(() => undefined);
      throw err;
    }
    return { ...lockView(row), secret: secret.toString('base64'), mqtt };
  }

  /**
   * New MQTT credentials for a lock: for one registered before locks had their own, or one whose
   * password leaked. The old password stops working at once.
   */
  async issueLockCredentials(id: string): Promise<LockMqttCredentials> {
    if (!(await this.locks.existsBy({ id }))) {
      throw new NotFoundError('LOCK_NOT_FOUND', 'no lock with this id');
    }
    return this.lockAccounts.issue(id);
  }

  /**
   * Removes a lock that serves no door, its unlock commands and its client on the broker. The
   * rows go only if the broker's client went too (else nothing changes, and it can be tried again).
   */
  async deleteLock(id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      await m.query('delete from lock_commands where lock_id = $1', [id]);
      const { count: removed } = await changed(m, 'delete from locks where id = $1', [id]).catch(
        (err: unknown) => {
          if (isFkViolation(err)) {
            throw new DomainError(
              'LOCK_IN_USE',
              'this lock serves a door: give the door another lock first',
              409,
            );
          }
          throw err;
        },
      );
      if (!removed) throw new NotFoundError('LOCK_NOT_FOUND', 'no lock with this id');
      await this.lockAccounts.remove(id);
    });
  }
  listLocks = async () => (await this.locks.find({ order: { createdAt: 'ASC' } })).map(lockView);
  renameLock = async (id: string, body: RenameBody) =>
    lockView(await this.change(this.locks, id, body, 'LOCK_NOT_FOUND', 'lock'));

  async createDoor(body: CreateDoorBody): Promise<DoorView> {
    const row: DoorRow = {
      id: randomUUID(),
      ...body,
      kioskId: body.kioskId ?? null,
      requireActiveLiveness: body.requireActiveLiveness ?? false,
      createdAt: new Date(),
    };
    try {
      await this.doors.insert(row);
    } catch (err) {
      if (isFkViolation(err))
        throw new NotFoundError('ROOM_OR_LOCK_NOT_FOUND', 'no room or lock with this id');
      if (isUniqueViolation(err))
        throw new DomainError('LOCK_IN_USE', 'this lock already serves a door', 409);
      throw err;
    }
    return doorView(row);
  }
  listDoors = async () => (await this.doors.find({ order: { createdAt: 'ASC' } })).map(doorView);

  async updateDoor(id: string, body: UpdateDoorBody): Promise<DoorView> {
    try {
      return doorView(await this.change(this.doors, id, body, 'DOOR_NOT_FOUND', 'door'));
    } catch (err) {
      if (isFkViolation(err)) throw new NotFoundError('LOCK_NOT_FOUND', 'no lock with this id');
      if (isUniqueViolation(err))
        throw new DomainError('LOCK_IN_USE', 'this lock already serves a door', 409);
      throw err;
    }
  }

  async createPermission(body: CreatePermissionBody): Promise<PermissionView> {
    const row: PermissionRow = {
      id: randomUUID(),
      roomId: body.roomId,
      subjectType: body.userId ? 'user' : 'role',
      subject: (body.userId ?? body.role)!,
      validFrom: body.validFrom ? new Date(body.validFrom) : null,
      validUntil: body.validUntil ? new Date(body.validUntil) : null,
      windows: body.windows ?? null,
      createdAt: new Date(),
    };
    await this.guard(() => this.permissions.insert(row), 'ROOM_NOT_FOUND', 'no room with this id');
    return permissionView(row);
  }

  async listPermissions(q: ListPermissionsQuery): Promise<PermissionView[]> {
    const rows = await this.permissions.find({
      where: {
        ...(q.roomId ? { roomId: q.roomId } : {}),
        ...(q.userId ? { subjectType: 'user' as const, subject: q.userId } : {}),
      },
      order: { createdAt: 'ASC' },
    });
    return rows.map(permissionView);
  }

  async deletePermission(id: string): Promise<void> {
    const { affected } = await this.permissions.delete({ id });
    if (!affected) throw new NotFoundError('PERMISSION_NOT_FOUND', 'no permission with this id');
  }

  /** Changes the given fields of one row and returns it as it is now. */
  private async change<T extends { id: string }>(
    repo: Repository<T>,
    id: string,
    patch: Partial<T>,
    code: string,
    what: string,
  ): Promise<T> {
    const found = await repo.findOneBy({ id } as never);
    if (!found) throw new NotFoundError(code, `no ${what} with this id`);
    await repo.update(id, patch as never);
    return { ...found, ...patch };
  }

  private async room(id: string): Promise<RoomRow> {
    const row = await this.rooms.findOneBy({ id });
    if (!row) throw new NotFoundError('ROOM_NOT_FOUND', 'no room with this id');
    return row;
  }

  private async guard(work: () => Promise<unknown>, code: string, message: string) {
    try {
      await work();
    } catch (err) {
      if (isFkViolation(err)) throw new NotFoundError(code, message);
      throw err;
    }
  }
}
