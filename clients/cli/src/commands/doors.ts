import type { Command } from 'commander';
import { unwrap } from '@roomkey/sdk';
import type { Context } from '../context';
import { EXIT } from '../exit-codes';
import { table } from '../output';
import type { Run } from './run';

export async function doorsList(ctx: Context): Promise<number> {
  const { api } = ctx.session();
  const [doors, rooms, locks] = await Promise.all([
    unwrap(api.GET('/v1/doors')),
    unwrap(api.GET('/v1/rooms')),
    unwrap(api.GET('/v1/locks')),
  ]);
  const roomName = new Map(rooms.map((r) => [r.id, r]));
  const lockOf = new Map(locks.map((l) => [l.id, l]));
  const list = doors.map((d) => {
    const room = roomName.get(d.roomId);
    const lock = lockOf.get(d.lockId);
    return {
      ...d,
      room: room?.name ?? null,
      lockedDown: room?.lockedDown ?? false,
      lock: lock ? { name: lock.name, online: lock.online, state: lock.state } : null,
    };
  });
  ctx.out.result(list, (l) =>
    ctx.out.line(
      l.length === 0
        ? 'no doors yet (roomkey demo seed makes a demo site)'
        : table([
            ['ID', 'DOOR', 'ROOM', 'LOCK', 'KIOSK'],
            ...l.map((d) => [
              d.id,
              d.name,
              `${d.room ?? d.roomId}${d.lockedDown ? ' (locked down)' : ''}`,
              d.lock
                ? `${d.lock.name}: ${d.lock.online ? (d.lock.state ?? 'online') : 'offline'}`
                : d.lockId,
              d.kioskId ?? '-',
            ]),
          ]),
    ),
  );
  return EXIT.OK;
}

export function registerDoors(program: Command, run: Run): void {
  const doors = program.command('doors').description('doors, their rooms and locks');
  doors
    .command('ls')
    .description('list the doors with their room, their lock (online or not) and kiosk')
    .action(run((ctx) => doorsList(ctx)));
}
