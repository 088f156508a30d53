import type { MigrationInterface } from 'typeorm';
import { CreateFace1768000000000 } from './1768000000000-create-face';
import { FaceCheckTimings1770000000000 } from './1770000000000-face-check-timings';
import { RateCounters1772000000000 } from './1772000000000-rate-counters';
import { FaceEnrolments1774000000000 } from './1774000000000-face-enrolments';
import { DropQrResults1776000000000 } from './1776000000000-drop-qr-results';
import { FaceChallenges1778000000000 } from './1778000000000-face-challenges';

/** The face app's migrations, in order; run at boot. */
export const MIGRATIONS: Array<new () => MigrationInterface> = [
  CreateFace1768000000000,
  FaceCheckTimings1770000000000,
  RateCounters1772000000000,
  FaceEnrolments1774000000000,
  DropQrResults1776000000000,
  FaceChallenges1778000000000,
];
