import * as ipaddr from 'ipaddr.js';

/** Where webhooks may go beyond public addresses over https. */
export interface WebhookNetworkPolicy {
  /** Private, link-local and loopback addresses (an on-premises receiver). */
  allowPrivate: boolean;
  /** Development only: http (and https) to a loopback address. */
  devHttpLoopback: boolean;
}

/** Why a URL or an address was refused: a stable code and words for the admin. */
export class WebhookUrlRefused extends Error {
  constructor(
    readonly code: 'WEBHOOK_URL_INVALID' | 'WEBHOOK_URL_NOT_ALLOWED',
    message: string,
  ) {
    super(message);
  }
}

const LOOPBACK_NAMES = new Set(['localhost', 'localhost.localdomain']);

/**
 * Checks what can be told from the URL alone: https (http only to loopback in development),
 * no credentials or fragment, a host; an address written in it must be allowed. The addresses
 * a name resolves to are checked when connecting (`addressAllowed`), every time.
 */
export function checkWebhookUrl(raw: string, policy: WebhookNetworkPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookUrlRefused('WEBHOOK_URL_INVALID', 'not an absolute URL');
  }
  if (url.username || url.password) {
    throw new WebhookUrlRefused('WEBHOOK_URL_INVALID', 'a URL must not carry credentials');
  }
  if (url.hash)
    throw new WebhookUrlRefused('WEBHOOK_URL_INVALID', 'a URL must not have a fragment');
  const host = hostOf(url);
  if (!host) throw new WebhookUrlRefused('WEBHOOK_URL_INVALID', 'the URL has no host');
  const literal = ipaddr.isValid(host) ? ipaddr.parse(host) : undefined;
  const loopback = literal ? isLoopback(literal) : LOOPBACK_NAMES.has(host.toLowerCase());
  if (url.protocol === 'http:') {
    if (!(policy.devHttpLoopback && loopback)) {
      throw new WebhookUrlRefused(
        'WEBHOOK_URL_NOT_ALLOWED',
        'webhooks are delivered over https only',
      );
    }
  } else if (url.protocol !== 'https:') {
    throw new WebhookUrlRefused('WEBHOOK_URL_INVALID', 'the URL must be https');
  }
  if (literal && !addressAllowed(host, policy)) {
    throw new WebhookUrlRefused(
      'WEBHOOK_URL_NOT_ALLOWED',
      'the address is not a public one (private networks are not allowed here)',
    );
  }
  if (!literal && loopback && !policy.allowPrivate && !policy.devHttpLoopback) {
    throw new WebhookUrlRefused('WEBHOOK_URL_NOT_ALLOWED', 'loopback is not allowed here');
  }
  return url;
}

/** The URL's host without IPv6 brackets. */
export const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

const isLoopback = (a: ipaddr.IPv4 | ipaddr.IPv6) => normalised(a).range() === 'loopback';

/** An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) is judged as the IPv4 address it is. */
function normalised(a: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress()
    ? (a as ipaddr.IPv6).toIPv4Address()
    : a;
}

// Link-local is left out on purpose: it holds the cloud metadata address (169.254.169.254).
const PRIVATE_RANGES = new Set(['private', 'uniqueLocal', 'carrierGradeNat']);

/**
 * Whether a delivery may connect to this address: public unicast always; private networks
 * and loopback only when allowed (loopback also in development with http allowed to it);
 * never link-local, the unspecified address, broadcast, multicast or reserved ranges, where a
 * request could reach something no admin meant.
 */
export function addressAllowed(address: string, policy: WebhookNetworkPolicy): boolean {
  if (!ipaddr.isValid(address)) return false;
  const a = normalised(ipaddr.parse(address));
  const range = a.range();
  if (range === 'unicast') return true;
  if (range === 'loopback') return policy.allowPrivate || policy.devHttpLoopback;
  if (PRIVATE_RANGES.has(range)) return policy.allowPrivate;
  return false;
}
