import {
  ACCESS_REQUESTED_V1,
  FACE_CAPTURED_V1,
  FACE_CAPTURED_V2,
  dlqTopicName,
} from '@roomkey/contracts';

/**
 * What of a payload the audit log may keep. A face capture is recorded as having happened, never
 * with its (sealed) pixels; a dead letter of a capture loses its raw value for the same reason.
 * A scanned QR code keeps only its kind: a visitor pass is a credential until it expires, and
 * whoever reads the log must not be able to copy it. Everything else on the topics is already
 * free of secrets by contract.
 */
export function redactPayload(topic: string, payload: unknown): unknown {
  if (!isRecord(payload)) return payload;
  if (topic === FACE_CAPTURED_V1) {
    const { image: _image, ...rest } = payload;
    return { ...rest, image: '[sealed image not recorded]' };
  }
  if (topic === FACE_CAPTURED_V2) {
    // What stays of a burst: how many frames, of which types, when; nothing of any other shape.
    const frames = Array.isArray(payload.frames)
      ? payload.frames.map((f: unknown) =>
          isRecord(f) ? { contentType: f.contentType, atMs: f.atMs } : null,
        )
      : '[frames not recorded]';
    return { ...payload, frames };
  }
  if (topic === ACCESS_REQUESTED_V1 && typeof payload.qr === 'string') {
    return { ...payload, qr: redactQr(payload.qr) };
  }
  const captures = [FACE_CAPTURED_V1, FACE_CAPTURED_V2].map(dlqTopicName);
  if (captures.includes(topic) && 'value' in payload) {
    return { ...payload, value: payload.value === null ? null : '[sealed image not recorded]' };
  }
  if (topic === dlqTopicName(ACCESS_REQUESTED_V1) && 'value' in payload) {
    return { ...payload, value: payload.value === null ? null : '[may hold a pass: not recorded]' };
  }
  return payload;
}

/** `RK1.V.… (62 characters)`: the format and kind of a roomkey code, the length of anything. */
export function redactQr(qr: string): string {
  const kind = /^RK1\.[A-Z]\./.exec(qr)?.[0] ?? '';
  return `${kind}… (${qr.length} characters)`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
