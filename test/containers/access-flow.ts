import { eventually } from '../support/apps';
import { photo } from '../support/face';
import type { oneDoor } from '../e2e/world';

type Door = Awaited<ReturnType<typeof oneDoor>>;

/**
 * The end-to-end flow against a system the test has started some way (images, pods): the
 * member with the kiosk's code and their face is granted and the lock opens once; someone
 * else's face with the same code is denied. `door` is read when the tests run.
 */
export function accessFlowTests(door: () => Door): void {
  it('grants the member with the kiosk’s code and their face; the lock opens once', async () => {
    const d = door();
    const sent = await d.send();
    expect(sent.status).toBe(202);
    const decided = await eventually(
      async () => (await d.gw.decision(d.member.token, sent.requestId!)) ?? undefined,
      30_000,
      'the decision',
    );
    expect(decided).toMatchObject({ status: 'granted', reasons: [] });
    await eventually(async () =>
      d.sim.unlocks.some((c) => c.requestId === sent.requestId) ? true : undefined,
    );
    expect(d.sim.refusals).toEqual([]);
  });

  it('denies someone else’s face with the same code', async () => {
    const d = door();
    const sent = await d.gw.request(
      d.member.token,
      { roomId: d.room.id!, doorId: d.door.id!, qr: await d.code() },
      photo('person_c_rudd_1.jpg'),
    );
    expect(sent.status).toBe(202);
    const decided = await eventually(
      async () => (await d.gw.decision(d.member.token, sent.requestId!)) ?? undefined,
      30_000,
      'the decision',
    );
    expect(decided?.status).toBe('denied');
    expect(decided?.reasons).toContain('face-not-verified');
    expect(d.sim.unlocks.filter((c) => c.requestId === sent.requestId)).toHaveLength(0);
  });
}
