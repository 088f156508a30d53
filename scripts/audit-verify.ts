import { stackSettings, stackUrls } from '@roomkey/common';
import { verifyChain } from '../apps/audit/src/verify';

/**
 * `npm run audit:verify`: recomputes the audit log's hash chain (DATABASE_URL, default the
 * local stack's roomkey_audit) and names the first broken row. Exit 0 intact, 1 broken.
 */
const url = process.env.DATABASE_URL ?? stackUrls(stackSettings()).postgres('roomkey_audit');
verifyChain(url)
  .then(({ rows, broken }) => {
    if (!broken) {
      console.log(`audit log intact: ${rows} chained rows verified`);
      return;
    }
    const what = {
      edited: 'its content does not match its hash (edited)',
      'missing-before': 'it does not follow the row before it (a row was deleted or inserted)',
      unchained: 'it has no hash',
    }[broken.problem];
    console.error(`audit log broken at row ${broken.id}: ${what}; ${rows} rows checked`);
    process.exit(1);
  })
  .catch((err: unknown) => {
    console.error(`audit:verify failed: ${(err as Error).message}`);
    process.exit(2);
  });
