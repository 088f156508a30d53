import { randomBytes } from 'node:crypto';
import {
  CheckpointSigner,
  CheckpointVerifier,
  signerOrDevelopment,
  verifierOrDevelopment,
} from '../adapters/checkpoint-keys';
import {
  CheckpointCheck,
  checkpointMessage,
  latestCheckpoint,
  SignedCheckpoint,
} from './checkpoint';

const LOG = '6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';
const seed = () => `cp:${randomBytes(32).toString('base64')}`;
const hashOf = (id: number) => String(id).padStart(64, 'a');

describe('checkpoint signatures', () => {
  const signer = CheckpointSigner.fromSpec(seed());
  const end = {
    logId: LOG,
    rowId: '42',
    hash: hashOf(42),
    chainKeyId: 'k1',
    at: '2026-01-15T09:31:00.000Z',
  };
  const signature = signer.sign(checkpointMessage(end, signer.keyId));

  it('hold under the public key alone, and for nothing else', () => {
    const verifier = CheckpointVerifier.fromSpec(signer.publicKeySpec());
    expect(verifier.keyIds).toEqual(['cp']);
    expect(verifier.verify('cp', checkpointMessage(end, 'cp'), signature)).toBe(true);
    for (const changed of [
      { rowId: '43' },
      { hash: hashOf(43) },
      { at: '2026-01-15T09:32:00.000Z' },
    ]) {
      expect(
        verifier.verify('cp', checkpointMessage({ ...end, ...changed }, 'cp'), signature),
      ).toBe(false);
    }
    // Another key, or a key id the verifier does not know.
    const other = CheckpointVerifier.fromSpec(CheckpointSigner.fromSpec(seed()).publicKeySpec());
    expect(other.verify('cp', checkpointMessage(end, 'cp'), signature)).toBe(false);
    expect(verifier.verify('nope', checkpointMessage(end, 'nope'), signature)).toBe(false);
  });

  it('need a key: none and no ROOMKEY_DEV_KEYS=1 is no start, for the app and for a verifier', () => {
    expect(() => signerOrDevelopment('audit', undefined, false)).toThrow(
      'AUDIT_CHECKPOINT_SIGNING_KEY',
    );
    expect(() => verifierOrDevelopment('audit:verify', { devKeys: false })).toThrow(
      'AUDIT_CHECKPOINT_PUBLIC_KEYS',
    );
    // The development pair, asked for by name, fits together.
    const dev = signerOrDevelopment('audit', undefined, true);
    const devVerifier = verifierOrDevelopment('audit:verify', { devKeys: true });
    expect(
      devVerifier.verify(
        dev.keyId,
        checkpointMessage(end, dev.keyId),
        dev.sign(checkpointMessage(end, dev.keyId)),
      ),
    ).toBe(true);
    // A verifier beside the app can take the signing key and use its public half.
    const beside = verifierOrDevelopment('audit:verify', { signingKey: seed(), devKeys: false });
    expect(beside.keyIds).toEqual(['cp']);
  });
});

describe('CheckpointCheck', () => {
  const checkpoint = (rowId: number, hash = hashOf(rowId)): SignedCheckpoint => ({
    logId: LOG,
    rowId: String(rowId),
    hash,
    chainKeyId: 'k1',
    at: `2026-01-15T09:${String(rowId).padStart(2, '0')}:00.000Z`,
    signingKeyId: 'cp',
    signature: '',
  });
  const rows = (ids: number[], hash = hashOf) =>
    ids.map((id) => ({ id: String(id), hash: hash(id), chainKeyId: 'k1' }));
  const run = (
    checkpoints: SignedCheckpoint[],
    logged: { id: string; hash: string; chainKeyId: string }[],
    complete = true,
  ) => {
    const check = new CheckpointCheck(checkpoints);
    for (const r of logged) check.row(r);
    return check.finish(logged.at(-1)?.id ?? null, complete);
  };

  it('matches checkpoints whose row is there with its hash', () => {
    expect(run([checkpoint(3), checkpoint(5)], rows([1, 2, 3, 4, 5, 6]))).toEqual({
      matched: 2,
      problems: [],
    });
    expect(latestCheckpoint([checkpoint(10), checkpoint(9), checkpoint(3)])?.rowId).toBe('10');
  });

  it('names a row whose hash is not the one checkpointed', () => {
    const rewritten = rows([1, 2, 3, 4, 5], (id) => (id >= 2 ? hashOf(id + 100) : hashOf(id)));
    expect(run([checkpoint(1), checkpoint(5)], rewritten)).toEqual({
      matched: 1,
      problems: [{ problem: 'hash-differs', rowId: '5', at: checkpoint(5).at }],
    });
  });

  it('names a deleted tail, and a row gone from within', () => {
    expect(run([checkpoint(3), checkpoint(7)], rows([1, 2, 3, 4]))).toEqual({
      matched: 1,
      problems: [{ problem: 'tail-deleted', rowId: '7', at: checkpoint(7).at, lastRowId: '4' }],
    });
    expect(run([checkpoint(3)], rows([]))).toEqual({
      matched: 0,
      problems: [{ problem: 'tail-deleted', rowId: '3', at: checkpoint(3).at, lastRowId: null }],
    });
    expect(run([checkpoint(2)], rows([1, 3, 4])).problems).toEqual([
      { problem: 'row-missing', rowId: '2', at: checkpoint(2).at },
    ]);
  });

  it('does not judge checkpoints past a break the walk stopped at', () => {
    expect(run([checkpoint(9)], rows([1, 2, 3]), false)).toEqual({ matched: 0, problems: [] });
  });
});
