import { unwrap, type Schemas, type Session } from '@roomkey/sdk';
import type { Account, Directory } from './import';

/** Every account, a page of 200 at a time, in id order. */
export async function allAccounts(
  session: Session,
  onPage?: (count: number) => void,
): Promise<Schemas['UserView'][]> {
  const all: Schemas['UserView'][] = [];
  let after: string | undefined;
  do {
    const page = await unwrap(
      session.api.GET('/v1/users', {
        params: { query: { limit: 200, ...(after ? { after } : {}) } },
      }),
    );
    all.push(...page.items);
    onPage?.(all.length);
    after = page.next ?? undefined;
  } while (after);
  return all;
}

/** The accounts behind the public API: an admin's session. */
export function sdkDirectory(session: Session): Directory {
  return {
    all: () => allAccounts(session) as Promise<Account[]>,
    create: async (user) =>
      (await unwrap(session.api.POST('/v1/users', { body: user }))) as Account,
    update: async (id, changes) =>
      (await unwrap(
        session.api.PATCH('/v1/users/{id}', { params: { path: { id } }, body: changes }),
      )) as Account,
  };
}
