import { lookup as dnsLookup, LookupAddress, LookupOptions } from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import type { LookupFunction } from 'node:net';
import { Webhook } from 'standardwebhooks';
import {
  addressAllowed,
  checkWebhookUrl,
  WebhookNetworkPolicy,
  WebhookUrlRefused,
} from '../domain/webhook-url';

/** What one attempt got: a status and the start of the answer, or why there was none. */
export interface SendResult {
  status: number | null;
  error: string | null;
  response: string | null;
  durationMs: number;
}

/** One message to one endpoint. */
export interface SendRequest {
  url: string;
  /** `whsec_…`, opened from the database only for this. */
  secret: string;
  messageId: string;
  body: string;
}

/** The most of an answer's body that is kept. */
const RESPONSE_BYTES = 1024;

/**
 * Resolves a name and refuses it unless every address it has is allowed, so that a name
 * pointing at a private address (or re-pointed there after registration) reaches nothing; the
 * connection then goes to an address checked here.
 */
function guardedLookup(policy: WebhookNetworkPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...(options as LookupOptions), all: true }, (err, addresses) => {
      const cb = callback as (
        e: NodeJS.ErrnoException | null,
        a: string | LookupAddress[],
        f?: number,
      ) => void;
      if (err) return cb(err, '');
      const list = addresses;
      const refused = list.length === 0 || list.some((a) => !addressAllowed(a.address, policy));
      if (refused) {
        return cb(
          Object.assign(new Error(`${hostname} resolves to an address that is not allowed`), {
            code: 'WEBHOOK_ADDRESS_NOT_ALLOWED',
          }),
          '',
        );
      }
      if ((options as LookupOptions).all) return cb(null, list);
      return cb(null, list[0]!.address, list[0]!.family);
    });
  };
}

/**
 * Delivers signed messages over HTTP(S) following Standard Webhooks: the headers `webhook-id`,
 * `webhook-timestamp` (Unix seconds, now) and `webhook-signature` (`v1,` and the base64
 * HMAC-SHA256 of `id.timestamp.body` under the endpoint's secret), signed by the
 * `standardwebhooks` library. Redirects are not followed: a 3xx is a failure.
 */
export class WebhookSender {
  constructor(
    private readonly policy: WebhookNetworkPolicy,
    private readonly timeoutMs: number,
  ) {}

  async send(req: SendRequest, now: Date = new Date()): Promise<SendResult> {
    const started = Date.now();
    const done = (r: Omit<SendResult, 'durationMs'>): SendResult => ({
      ...r,
      durationMs: Date.now() - started,
    });
    let url: URL;
    try {
      url = checkWebhookUrl(req.url, this.policy);
    } catch (err) {
      const message = err instanceof WebhookUrlRefused ? err.message : 'bad URL';
      return done({ status: null, error: message, response: null });
    }
    const signature = new Webhook(req.secret).sign(req.messageId, now, req.body);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'roomkey-webhooks/1',
      'webhook-id': req.messageId,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signature,
    };
    return new Promise((resolve) => {
      const client = url.protocol === 'https:' ? https : http;
      const request = client.request(
        url,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': Buffer.byteLength(req.body) },
          lookup: guardedLookup(this.policy),
          timeout: this.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          const finish = () =>
            resolve(
              done({
                status: res.statusCode ?? null,
                error: null,
                response: Buffer.concat(chunks).subarray(0, RESPONSE_BYTES).toString('utf8'),
              }),
            );
          res.on('data', (c: Buffer) => {
            if (size >= RESPONSE_BYTES) return;
            chunks.push(c);
            size += c.length;
            // Enough of it is kept; the rest is not waited for.
            if (size >= RESPONSE_BYTES) {
              finish();
              res.destroy();
            }
          });
          res.on('end', finish);
          res.on('error', finish);
        },
      );
      // The socket's idle timeout, and a deadline for the whole attempt: an endpoint that
      // trickles its answer a byte at a time does not hold a sender longer.
      const tooLate = () => request.destroy(new Error(`no answer within ${this.timeoutMs} ms`));
      request.on('timeout', tooLate);
      const deadline = setTimeout(tooLate, this.timeoutMs).unref();
      request.on('close', () => clearTimeout(deadline));
      request.on('error', (err: NodeJS.ErrnoException) =>
        resolve(done({ status: null, error: describeSendError(err), response: null })),
      );
      request.end(req.body);
    });
  }
}

/** Words for an attempt that got no answer, never more than the admin needs. */
function describeSendError(err: NodeJS.ErrnoException): string {
  if (err.code === 'WEBHOOK_ADDRESS_NOT_ALLOWED') return err.message;
  if (err.code) return `${err.code}: ${err.message}`.slice(0, 300);
  return err.message.slice(0, 300);
}
