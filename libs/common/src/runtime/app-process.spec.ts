import { spawn } from 'node:child_process';
import { getPriority } from 'node:os';
import { APP_NICE, applyAppPriority } from './app-process';

describe('app CPU priorities', () => {
  const started: ReturnType<typeof spawn>[] = [];
  const child = () => {
    const c = spawn('sleep', ['30'], { stdio: 'ignore' });
    started.push(c);
    return c;
  };
  afterAll(() => started.forEach((c) => c.kill('SIGKILL')));

  it('puts the audit app below the default and leaves the others at it', () => {
    const audit = child();
    expect(applyAppPriority('audit', audit.pid)).toBeUndefined();
    expect(getPriority(audit.pid)).toBe(APP_NICE.audit);
    expect(APP_NICE.audit).toBeGreaterThan(0);

    const qr = child();
    expect(applyAppPriority('qr', qr.pid)).toBeUndefined();
    expect(getPriority(qr.pid)).toBe(getPriority());
  });

  it('raises the face app where it may, and says so where it may not', () => {
    const face = child();
    const note = applyAppPriority('face', face.pid);
    if (note === undefined) {
      expect(getPriority(face.pid)).toBe(APP_NICE.face);
    } else {
      expect(note).toMatch(/^face runs at the default CPU priority: setting nice -10 was refused/);
      expect(getPriority(face.pid)).toBe(getPriority());
    }
    expect(APP_NICE.face).toBeLessThan(0);
  });

  it('says so for a process that is gone', () => {
    expect(applyAppPriority('audit', 2 ** 22 + 12345)).toMatch(/refused \(ESRCH\)/);
  });
});
