import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { FilterQuery, Model } from 'mongoose';
import type {
  CreateVisitorPassBody,
  ListVisitorPassesQuery,
  VisitorPassPage,
  VisitorPassStatus,
  VisitorPassView,
  VisitorPassWithCode,
} from '@roomkey/contracts';
import { DomainError, NotFoundError } from '@roomkey/common';
import { VisitorPassRule, visitorSubject } from '../domain/check';
import { visitorPass } from '../domain/codes';
import { VisitorPassRow } from '../repositories/schemas';
import { Ledger } from './ledger';
import { renderQr } from './render';
import { Secrets } from './secrets';

const notFound = () => new NotFoundError('VISITOR_PASS_NOT_FOUND', 'no visitor pass with this id');

function statusOf(row: VisitorPassRow, now: Date): VisitorPassStatus {
  if (row.revokedAt) return 'revoked';
  return row.validUntil <= now ? 'expired' : 'active';
}

/** Filters that mean the same as statusOf, for listing. */
function statusFilter(status: VisitorPassStatus, now: Date): FilterQuery<VisitorPassRow> {
  switch (status) {
    case 'revoked':
      return { revokedAt: { $ne: null } };
    case 'expired':
      return { revokedAt: null, validUntil: { $lte: now } };
    default:
      return { revokedAt: null, validUntil: { $gt: now } };
  }
}

/** Passes an admin hands to visitors: for some doors, in a window, a number of times. */
@Injectable()
export class VisitorPasses {
  constructor(
    @InjectModel(VisitorPassRow.name) private readonly passes: Model<VisitorPassRow>,
    private readonly ledger: Ledger,
    private readonly secrets: Secrets,
  ) {}

  async create(body: CreateVisitorPassBody, adminId: string): Promise<VisitorPassWithCode> {
    const now = new Date();
    const validFrom = body.validFrom ? new Date(body.validFrom) : now;
    const validUntil = new Date(body.validUntil);
    if (validUntil <= now) {
      throw new DomainError('PASS_WINDOW_OVER', 'validUntil is in the past', 422);
    }
    const row = await this.passes.create({
      _id: randomUUID(),
      name: body.name,
      doorIds: [...new Set(body.doorIds)],
      validFrom,
      validUntil,
      maxUses: body.maxUses,
      userId: body.userId ?? null,
      createdBy: adminId,
      createdAt: now,
      revokedAt: null,
    });
    return this.withCode(row.toObject(), 0);
  }

  async list(query: ListVisitorPassesQuery): Promise<VisitorPassPage> {
    const now = new Date();
    const filter: FilterQuery<VisitorPassRow> = query.status ? statusFilter(query.status, now) : {};
    if (query.after) {
      const cursor = await this.passes.findById(query.after, { createdAt: 1 }).lean();
      if (!cursor) throw new DomainError('VALIDATION_FAILED', 'after: no such pass', 400);
      filter.$or = [
        { createdAt: { $lt: cursor.createdAt } },
        { createdAt: cursor.createdAt, _id: { $lt: cursor._id } },
      ];
    }
    const rows = await this.passes
      .find(filter)
      .sort({ createdAt: -1, _id: -1 })
      .limit(query.limit + 1)
      .lean();
    const page = rows.slice(0, query.limit);
    const uses = await this.ledger.counts(page.map((r) => visitorSubject(r._id)));
    return {
      items: page.map((r) => this.view(r, uses.get(visitorSubject(r._id)) ?? 0, now)),
      next: rows.length > query.limit ? page[page.length - 1]!._id : null,
    };
  }

  /** One pass with its code, to print it again. */
  async get(id: string): Promise<VisitorPassWithCode> {
    const row = await this.passes.findById(id).lean();
    if (!row) throw notFound();
    return this.withCode(row, await this.usesOf(id));
  }

  /** From now on every scan of the pass is refused as `revoked`. Revoking twice is harmless. */
  async revoke(id: string): Promise<VisitorPassView> {
    await this.passes.updateOne({ _id: id, revokedAt: null }, { $set: { revokedAt: new Date() } });
    const row = await this.passes.findById(id).lean();
    if (!row) throw notFound();
    return this.view(row, await this.usesOf(id), new Date());
  }

  /** What the access check needs to know about a pass. */
  async rule(id: string): Promise<VisitorPassRule | undefined> {
    const row = await this.passes.findById(id).lean();
    if (!row) return undefined;
    return {
      id: row._id,
      doorIds: row.doorIds,
      validFrom: row.validFrom,
      validUntil: row.validUntil,
      maxUses: row.maxUses,
      revoked: row.revokedAt !== null,
      ...(row.userId ? { userId: row.userId } : {}),
    };
  }

  /** Deletes passes (and so the visitors' names) long expired. */
  async sweep(expiredBefore: Date): Promise<number> {
    const { deletedCount } = await this.passes.deleteMany({ validUntil: { $lt: expiredBefore } });
    return deletedCount;
  }

  private async usesOf(id: string): Promise<number> {
    return (await this.ledger.counts([visitorSubject(id)])).get(visitorSubject(id)) ?? 0;
  }

  private async withCode(row: VisitorPassRow, uses: number): Promise<VisitorPassWithCode> {
    const key = await this.secrets.currentPassKey();
    return { ...this.view(row, uses, new Date()), code: await renderQr(visitorPass(key, row._id)) };
  }

  private view(row: VisitorPassRow, uses: number, now: Date): VisitorPassView {
    return {
      id: row._id,
      name: row.name,
      doorIds: row.doorIds,
      validFrom: row.validFrom.toISOString(),
      validUntil: row.validUntil.toISOString(),
      maxUses: row.maxUses,
      uses,
      status: statusOf(row, now),
      userId: row.userId,
      createdAt: row.createdAt.toISOString(),
      revokedAt: row.revokedAt ? row.revokedAt.toISOString() : null,
    };
  }
}
