import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { AuthEventsV1Payload } from '@roomkey/contracts';
import { isDuplicateKey } from '@roomkey/common';
import { AccountRow } from '../repositories/schemas';

const STATUS_OF: Partial<Record<AuthEventsV1Payload['kind'], AccountRow['status']>> = {
  registered: 'active',
  enabled: 'active',
  disabled: 'disabled',
  deleted: 'deleted',
};

/**
 * Account status, a projection of the auth app's account events, so that the passes of a
 * disabled or deleted account are refused. An event older than the account's known version
 * changes nothing; a deleted account stays deleted.
 */
@Injectable()
export class Accounts {
  constructor(@InjectModel(AccountRow.name) private readonly accounts: Model<AccountRow>) {}

  async apply(p: AuthEventsV1Payload): Promise<void> {
    const status = STATUS_OF[p.kind] ?? (p.kind === 'role-changed' ? p.status : undefined);
    if (!p.userId || !status) return;
    const version = p.version ?? 0;
    try {
      await this.accounts.updateOne(
        { _id: p.userId, version: { $lte: version }, status: { $ne: 'deleted' } },
        { $set: { status, version } },
        { upsert: true },
      );
    } catch (err) {
      // The account is known at a newer version (or deleted): the upsert found no row to change.
      if (!isDuplicateKey(err)) throw err;
    }
  }

  async disabled(userId: string): Promise<boolean> {
    const row = await this.accounts.findById(userId, { status: 1 }).lean();
    return row !== null && row.status !== 'active';
  }
}
