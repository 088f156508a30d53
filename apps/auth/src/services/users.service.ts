import { randomUUID } from 'node:crypto';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { FilterQuery, Model } from 'mongoose';
import type {
  CreateUserBody,
  ListUsersQuery,
  UpdateUserBody,
  UserPage,
  UserRole,
  UserView,
} from '@roomkey/contracts';
import { DomainError, isDuplicateKey, NotFoundError } from '@roomkey/common';
import { User } from '../repositories/schemas';
import { AuthEvents } from './auth-events';
import type { CallContext } from './context';
import { Passwords } from './passwords';
import { Tokens } from './tokens.service';

export const emailKeyOf = (email: string) => email.trim().toLowerCase();

export const userView = (u: User): UserView => ({
  id: u._id,
  email: u.email,
  displayName: u.displayName,
  roles: u.roles,
  status: u.status,
  createdAt: u.createdAt.toISOString(),
  updatedAt: u.updatedAt.toISOString(),
});

const notFound = () => new NotFoundError('USER_NOT_FOUND', 'no user with this id');

/** Accounts: creation, lookup, changes by an admin, deletion. */
@Injectable()
export class Users implements OnModuleInit {
  constructor(
    @InjectModel(User.name) private readonly users: Model<User>,
    private readonly passwords: Passwords,
    private readonly tokens: Tokens,
    private readonly events: AuthEvents,
  ) {}

  async onModuleInit(): Promise<void> {
    // Build the unique email index before the first write, not in the background.
    await this.users.init();
  }

  async create(body: CreateUserBody, ctx: CallContext): Promise<UserView> {
    this.passwords.assertAcceptable(body.password, [body.email, body.displayName]);
    const roles = [...new Set(body.roles)];
    let user: User;
    try {
      user = await this.users.create({
        _id: randomUUID(),
        email: body.email.trim(),
        emailKey: emailKeyOf(body.email),
        displayName: body.displayName,
        roles,
        status: 'active',
        passwordHash: await this.passwords.hash(body.password),
      });
    } catch (err) {
      if (isDuplicateKey(err)) {
        throw new DomainError('EMAIL_TAKEN', 'an account with this email already exists', 409);
      }
      throw err;
    }
    await this.events.emit({ kind: 'registered', userId: user._id, roles }, ctx);
    return userView(user);
  }

  async get(id: string): Promise<UserView> {
    const user = await this.users.findById(id).lean();
    if (!user) throw notFound();
    return userView(user);
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOne({ emailKey: emailKeyOf(email) }).lean();
  }

  findById(id: string): Promise<User | null> {
    return this.users.findById(id).lean();
  }

  async updatePasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.users.updateOne({ _id: id }, { $set: { passwordHash } });
  }

  async list(query: ListUsersQuery): Promise<UserPage> {
    const filter: FilterQuery<User> = {};
    if (query.after) filter._id = { $gt: query.after };
    if (query.role) filter.roles = query.role;
    if (query.status) filter.status = query.status;
    if (query.q) {
      // What people type, matched as text: every regex character is escaped.
      const text = new RegExp(query.q.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
      filter.$or = [{ email: text }, { displayName: text }];
    }
    const rows = await this.users
      .find(filter)
      .sort({ _id: 1 })
      .limit(query.limit + 1)
      .lean();
    const items = rows.slice(0, query.limit).map(userView);
    return { items, next: rows.length > query.limit ? items[items.length - 1]!.id : null };
  }

  async update(id: string, body: UpdateUserBody, ctx: CallContext): Promise<UserView> {
    const before = await this.users.findById(id).lean();
    if (!before) throw notFound();
    const roles = body.roles ? [...new Set(body.roles)] : undefined;
    const losesAdmin =
      before.roles.includes('admin') &&
      before.status === 'active' &&
      ((roles && !roles.includes('admin')) || body.status === 'disabled');
    if (losesAdmin) await this.assertAnotherAdmin(id);
    const after = await this.users
      .findByIdAndUpdate(id, { $set: { ...body, ...(roles ? { roles } : {}) } }, { new: true })
      .lean();
    if (!after) throw notFound();
    if (roles && !sameRoles(roles, before.roles)) {
      await this.events.emit({ kind: 'role-changed', userId: id, roles }, ctx);
    }
    if (body.status && body.status !== before.status) {
      if (body.status === 'disabled') await this.tokens.revokeAllFor(id);
      await this.events.emit(
        { kind: body.status === 'disabled' ? 'disabled' : 'enabled', userId: id },
        ctx,
      );
    }
    return userView(after);
  }

  /** Deletes the account, revokes its sessions and asks every app to erase its data. */
  async delete(id: string, ctx: CallContext): Promise<void> {
    const user = await this.users.findById(id).lean();
    if (!user) throw notFound();
    if (user.roles.includes('admin') && user.status === 'active') await this.assertAnotherAdmin(id);
    await this.tokens.revokeAllFor(id);
    await this.users.deleteOne({ _id: id });
    await this.events.emit({ kind: 'deleted', userId: id }, ctx);
  }

  hasAdmin(): Promise<boolean> {
    return this.users.exists({ roles: 'admin' }).then(Boolean);
  }

  /** The system never ends up without an active admin. */
  private async assertAnotherAdmin(id: string): Promise<void> {
    const others = await this.users.countDocuments({
      _id: { $ne: id },
      roles: 'admin',
      status: 'active',
    });
    if (others === 0) {
      throw new DomainError(
        'LAST_ADMIN',
        'this is the last active admin; make another admin first',
        409,
      );
    }
  }
}

const sameRoles = (a: UserRole[], b: UserRole[]) =>
  a.length === b.length && a.every((r) => b.includes(r));
