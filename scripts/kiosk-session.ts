import { randomUUID } from 'node:crypto';
import cookieParser from 'cookie-parser';
import express, { type Express, type Request, type Response } from 'express';

/**
 * The kiosk's device secret, kept by the kiosk's own server in an HttpOnly cookie, so that no
 * script on the kiosk's page can read it (ADR 017). The page hands the secret over once, from
 * its setup link, and from then on asks this server for short-lived device tokens:
 *
 *   POST   /kiosk/session  {deviceId, secret}  checks it with the gateway, keeps it, answers a token
 *   POST   /kiosk/token                        a fresh device token from the kept secret
 *   DELETE /kiosk/session                      forgets it
 *
 * Only JSON bodies are taken, so that another site's form cannot post here; the cookie is
 * SameSite=Strict and sent only to /kiosk/.
 */
export const KIOSK_COOKIE = 'roomkey_kiosk';
const COOKIE_PATH = '/kiosk/';
/** As long as browsers keep a cookie; the admin web revokes a kiosk. */
const COOKIE_DAYS = 400;

interface Credentials {
  deviceId: string;
  secret: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function credentialsOf(value: unknown): Credentials | null {
  if (!value || typeof value !== 'object') return null;
  const { deviceId, secret } = value as Record<string, unknown>;
  const ok =
    typeof deviceId === 'string' &&
    UUID.test(deviceId) &&
    typeof secret === 'string' &&
    secret.length > 0 &&
    secret.length <= 256;
  return ok ? { deviceId, secret } : null;
}

const fromCookie = (req: Request): Credentials | null => {
  const raw: unknown = (req.cookies as Record<string, unknown>)[KIOSK_COOKIE];
  if (typeof raw !== 'string') return null;
  try {
    return credentialsOf(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
  } catch {
    return null;
  }
};

const refuse = (res: Response, status: number, code: string, message: string) =>
  res.status(status).json({ code, message, requestId: randomUUID() });

/** The routes above, as an app of their own to mount on the kiosk's server (or Vite's). */
export function kioskSession(gateway: string): Express {
  const router = express();
  router.disable('x-powered-by');
  router.use(cookieParser());
  router.use(express.json({ limit: '2kb' }));

  /** The gateway's answer to trading these credentials for a device token; null: no answer. */
  const trade = async (
    req: Request,
    credentials: Credentials,
  ): Promise<{ status: number; body: string } | null> => {
    try {
      const answer = await fetch(new URL('/v1/auth/device-token', gateway), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          // The gateway sees the kiosk's address, as through the /v1 forwarding.
          ...(req.ip ? { 'x-forwarded-for': req.ip } : {}),
        },
        body: JSON.stringify(credentials),
        signal: AbortSignal.timeout(5000),
      });
      return { status: answer.status, body: await answer.text() };
    } catch {
      return null;
    }
  };
  /** Passes the gateway's answer on as it is; no answer is a 502. */
  const answerWith = (res: Response, answer: { status: number; body: string } | null) =>
    answer
      ? res.status(answer.status).type('application/json').send(answer.body)
      : refuse(res, 502, 'UPSTREAM_UNAVAILABLE', 'roomkey cannot be reached: try again');
  const cookieOptions = (req: Request) => ({
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: req.secure,
    path: COOKIE_PATH,
  });
  const jsonOnly = (req: Request, res: Response) => {
    if (req.is('application/json')) return true;
    refuse(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
    return false;
  };

  router.post('/kiosk/session', async (req, res) => {
    if (!jsonOnly(req, res)) return;
    const credentials = credentialsOf(req.body);
    if (!credentials) {
      refuse(res, 400, 'VALIDATION_FAILED', 'send the deviceId and secret of the setup link');
      return;
    }
    const answer = await trade(req, credentials);
    // Kept only once the gateway took it: a wrong link is told at once.
    if (answer && answer.status === 200) {
      res.cookie(KIOSK_COOKIE, Buffer.from(JSON.stringify(credentials)).toString('base64url'), {
        ...cookieOptions(req),
        maxAge: COOKIE_DAYS * 86_400_000,
      });
    }
    answerWith(res, answer);
  });

  router.post('/kiosk/token', async (req, res) => {
    if (!jsonOnly(req, res)) return;
    const credentials = fromCookie(req);
    if (!credentials) {
      refuse(res, 401, 'KIOSK_NOT_SET_UP', 'this kiosk has no device secret: set it up again');
      return;
    }
    const answer = await trade(req, credentials);
    // A revoked kiosk forgets its secret and goes back to its setup screen.
    if (answer?.status === 401) res.clearCookie(KIOSK_COOKIE, cookieOptions(req));
    answerWith(res, answer);
  });

  router.delete('/kiosk/session', (req, res) => {
    res.clearCookie(KIOSK_COOKIE, cookieOptions(req)).status(204).end();
  });
  return router;
}
