import { FACE_CAPTURED_V1, dlqTopicName } from '@roomkey/contracts';

/**
 * What of a payload the audit log may keep. A face capture is recorded as having happened, never
 * with its (sealed) pixels; a dead letter of a capture loses its raw value for the same reason.
 * Everything else on the topics is already free of secrets by contract.
 */
export function redactPayload(topic: string, payload: unknown): unknown {
  if (!isRecord(payload)) return payload;
  if (topic === FACE_CAPTURED_V1) {
    const { image: _image, ...rest } = payload;
    return { ...rest, image: '[sealed image not recorded]' };
  }
  if (topic === dlqTopicName(FACE_CAPTURED_V1) && 'value' in payload) {
    return { ...payload, value: payload.value === null ? null : '[sealed image not recorded]' };
  }
  return payload;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
