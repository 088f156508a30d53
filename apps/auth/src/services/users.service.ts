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
import { AccountChange, AccountOutbox } from './account-outbox';
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

/** Accounts that exist: a deleted one stays only until its deletion is announced. */
const live = { deletedAt: null };

/** How often a change is tried again when another change to the account came first. */
const CHANGE_ATTEMPTS = 5;

/** Accounts: creation, lookup, changes by an admin, deletion. */
@Injectable()
export class Users implements OnModuleInit {
  constructor(
    @InjectModel(User.name) private readonly users: Model<User>,
    private readonly passwords: Passwords,
    private readonly tokens: Tokens,
    private readonly outbox: AccountOutbox,
  ) {}

  async onModuleInit(): Promise<void> {
    // Build the unique email index before the first write, not in the background.
    await this.users.init();
  }

  async create(body: CreateUserBody, ctx: CallContext): Promise<UserView> {
    this.passwords.assertAcceptable(body.password, [body.email, body.displayName]);
    const roles = [...new Set(body.roles)];
    const account = { _id: randomUUID(), roles, status: 'active' as const };
    let user: User;
    try {
      // The account and the event announcing it, in one insert.
      user = await this.users.create({
        ...account,
        email: body.email.trim(),
        emailKey: emailKeyOf(body.email),
        displayName: body.displayName,
        passwordHash: await this.passwords.hash(body.password),
        version: 1,
        outbox: [this.outbox.event('registered', account, 1, ctx)],
        pendingSince: new Date(),
      });
    } catch (err) {
      if (isDuplicateKey(err)) {
        throw new DomainError('EMAIL_TAKEN', 'an account with this email already exists', 409);
      }
      throw err;
    }
    this.outbox.runSoon();
    return userView(user);
  }

  async get(id: string): Promise<UserView> {
    const user = await this.findById(id);
    if (!user) throw notFound();
    return userView(user);
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOne({ emailKey: emailKeyOf(email), ...live }).lean();
  }

  findById(id: string): Promise<User | null> {
    return this.users.findOne({ _id: id, ...live }).lean();
  }

  async updatePasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.users.updateOne({ _id: id }, { $set: { passwordHash } });
  }

  async list(query: ListUsersQuery): Promise<UserPage> {
    const filter: FilterQuery<User> = { ...live };
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
    const roles = body.roles ? [...new Set(body.roles)] : undefined;
    const after = await this.change(id, ctx, (before) => {
      const losesAdmin =
        before.roles.includes('admin') &&
        before.status === 'active' &&
        ((roles && !roles.includes('admin')) || body.status === 'disabled');
      const changes: AccountChange[] = [];
      if (roles && !sameRoles(roles, before.roles)) changes.push('role-changed');
      if (body.status && body.status !== before.status) {
        changes.push(body.status === 'disabled' ? 'disabled' : 'enabled');
      }
      return {
        set: { ...body, ...(roles ? { roles } : {}) },
        changes,
        check: losesAdmin ? () => this.assertAnotherAdmin(id) : undefined,
      };
    });
    if (after.status === 'disabled') await this.tokens.revokeAllFor(id);
    return userView(after);
  }

  /**
   * Deletes the account, revokes its sessions and asks every app to erase its data. The account
   * is gone at once for every route; its row goes when the outbox has announced the deletion.
   */
  async delete(id: string, ctx: CallContext): Promise<void> {
    await this.change(id, ctx, (before) => ({
      // The email is free again at once; the status keeps it out of every admin count.
      set: { status: 'disabled', emailKey: `deleted:${id}`, deletedAt: new Date() },
      changes: ['deleted'],
      check:
        before.roles.includes('admin') && before.status === 'active'
          ? () => this.assertAnotherAdmin(id)
          : undefined,
    }));
    await this.tokens.revokeAllFor(id);
  }

  /**
   * Applies a change and writes the events announcing it in one update of the account, guarded
   * by the version read: a change made meanwhile by another request makes this one start again
   * from the new state, so events are announced in the order the changes were stored.
   */
  private async change(
    id: string,
    ctx: CallContext,
    plan: (before: User) => {
      set: Partial<User>;
      changes: AccountChange[];
      check: (() => Promise<void>) | undefined;
    },
  ): Promise<User> {
    for (let attempt = 0; attempt < CHANGE_ATTEMPTS; attempt++) {
      const before = await this.findById(id);
      if (!before) throw notFound();
      const { set, changes, check } = plan(before);
      await check?.();
      const from = before.version ?? 0;
      const state = { ...before, ...set };
      const events = changes.map((kind, i) => this.outbox.event(kind, state, from + i + 1, ctx));
      const after = await this.users
        .findOneAndUpdate(
          { _id: id, version: before.version ?? null, ...live },
          {
            $set: {
              ...set,
              ...(events.length
                ? { version: from + events.length, pendingSince: before.pendingSince ?? new Date() }
                : {}),
            },
            ...(events.length ? { $push: { outbox: { $each: events } } } : {}),
          },
          { new: true },
        )
        .lean();
      if (after) {
        if (events.length) this.outbox.runSoon();
        return after;
      }
    }
    throw new DomainError(
      'CONCURRENT_CHANGE',
      'the account was changed by another request at the same time; try again',
      409,
    );
  }

  hasAdmin(): Promise<boolean> {
    return this.users.exists({ roles: 'admin', ...live }).then(Boolean);
  }

  /** The system never ends up without an active admin. */
  private async assertAnotherAdmin(id: string): Promise<void> {
    const others = await this.users.countDocuments({
      ...live,
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
