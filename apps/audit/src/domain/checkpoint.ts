import { canonicalJson } from './chain';

/** The end of a log's chain at a moment: what a checkpoint says, and signs. */
export interface ChainEnd {
  logId: string;
  rowId: string;
  hash: string;
  chainKeyId: string;
  /** When the checkpoint was made, ISO 8601. */
  at: string;
}

/** A checkpoint as published: the chain's end and its signature. */
export interface SignedCheckpoint extends ChainEnd {
  signingKeyId: string;
  signature: string;
}

/**
 * The bytes a checkpoint's signature covers: a label (so the signature means nothing anywhere
 * else), the signing key's id and the chain's end, as canonical JSON.
 */
export function checkpointMessage(end: ChainEnd, signingKeyId: string): Buffer {
  const { logId, rowId, hash, chainKeyId, at } = end;
  return Buffer.from(
    `roomkey audit checkpoint v1\n${canonicalJson({ logId, rowId, hash, chainKeyId, at, signingKeyId })}`,
  );
}

/** The newest checkpoint: every row up to its row is anchored outside the database. */
export const latestCheckpoint = (checkpoints: SignedCheckpoint[]) =>
  checkpoints.reduce<SignedCheckpoint | undefined>(
    (a, c) => (!a || BigInt(c.rowId) > BigInt(a.rowId) ? c : a),
    undefined,
  );

/** What checking a log against its checkpoints found wrong, one entry per checkpoint. */
export type CheckpointProblem =
  /** The row is there, but its hash is not the one checkpointed: the chain was recomputed. */
  | { problem: 'hash-differs'; rowId: string; at: string }
  /** The row is gone, and the log ends before it: rows were removed from the end. */
  | { problem: 'tail-deleted'; rowId: string; at: string; lastRowId: string | null }
  /** The row is gone from within the log. */
  | { problem: 'row-missing'; rowId: string; at: string }
  /** A checkpoint of this log whose signature does not hold (or by a key not known here). */
  | { problem: 'bad-signature'; rowId: string; at: string; signingKeyId: string };

/**
 * Compares the rows of a log with its checkpoints as the rows go by in id order: each
 * checkpointed row must be there with the hash and key the checkpoint names, and once every row
 * has gone by, a checkpoint whose row never came names a row that is gone.
 */
export class CheckpointCheck {
  private readonly byRow = new Map<string, SignedCheckpoint[]>();
  private readonly problems: CheckpointProblem[] = [];
  private matched = 0;

  constructor(checkpoints: SignedCheckpoint[]) {
    for (const c of checkpoints) this.byRow.set(c.rowId, [...(this.byRow.get(c.rowId) ?? []), c]);
  }

  row(row: { id: string; hash: string | null; chainKeyId: string | null }): void {
    const named = this.byRow.get(row.id);
    if (!named) return;
    this.byRow.delete(row.id);
    for (const c of named) {
      if (c.hash === row.hash && c.chainKeyId === row.chainKeyId) this.matched++;
      else this.problems.push({ problem: 'hash-differs', rowId: c.rowId, at: c.at });
    }
  }

  /**
   * After the last row: what did not match. `complete` says every row of the log went by; when
   * the walk stopped at a break, a checkpoint after it is not judged.
   */
  finish(
    lastRowId: string | null,
    complete: boolean,
  ): { matched: number; problems: CheckpointProblem[] } {
    for (const named of this.byRow.values()) {
      for (const c of named) {
        const beyond = lastRowId === null || BigInt(c.rowId) > BigInt(lastRowId);
        if (beyond && complete) {
          this.problems.push({ problem: 'tail-deleted', rowId: c.rowId, at: c.at, lastRowId });
        } else if (!beyond) {
          this.problems.push({ problem: 'row-missing', rowId: c.rowId, at: c.at });
        }
      }
    }
    return { matched: this.matched, problems: this.problems };
  }
}
