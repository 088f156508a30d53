import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { KioskCode, PersonalPassCode } from '@roomkey/contracts';
import { DomainError, Principal } from '@roomkey/common';
import { QR_CONFIG, QrConfig } from '../config';
import { personalPass, roomCode, secondsToNextStep, stepAt, STEP_SECONDS } from '../domain/codes';
import { renderQr } from './render';
import { Secrets } from './secrets';

/** The codes people are shown: a door's rotating code on its kiosk, a member's own pass. */
@Injectable()
export class Codes {
  constructor(
    private readonly secrets: Secrets,
    @Inject(QR_CONFIG) private readonly config: QrConfig,
  ) {}

  /** The code for one of the kiosk's doors: the one asked for, or its only door. */
  async kioskCode(kiosk: Principal, doorId: string | undefined): Promise<KioskCode> {
    const door = doorId ?? (kiosk.doors.length === 1 ? kiosk.doors[0] : undefined);
    if (!door) {
      throw new DomainError(
        'DOOR_REQUIRED',
        'this kiosk serves several doors: name one with ?doorId=',
        400,
      );
    }
    if (!kiosk.doors.includes(door)) {
      throw new DomainError(
        'DOOR_NOT_IN_SCOPE',
        'a kiosk may only show the codes of the doors it is registered for',
        403,
      );
    }
    const secret = await this.secrets.doorSecretOrNew(door);
    const now = new Date();
    const step = stepAt(now);
    return {
      ...(await renderQr(roomCode(door, secret, now))),
      doorId: door,
      step,
      nextAt: new Date((step + 1) * STEP_SECONDS * 1000).toISOString(),
      refreshInSeconds: secondsToNextStep(now),
    };
  }

  /** A fresh pass for the signed-in person: good once, for PERSONAL_PASS_TTL_S. */
  async personalPass(userId: string): Promise<PersonalPassCode> {
    const key = await this.secrets.currentPassKey();
    const ttl = this.config.PERSONAL_PASS_TTL_S;
    const expiresAt = new Date(Date.now() + ttl * 1000);
    const payload = personalPass(key, userId, expiresAt, randomBytes(8).toString('hex'));
    return {
      ...(await renderQr(payload)),
      expiresAt: new Date(Math.floor(expiresAt.getTime() / 1000) * 1000).toISOString(),
      refreshInSeconds: Math.max(1, Math.floor(ttl / 2)),
    };
  }
}
