import { TopicSpec } from './envelope';
import { accessRequestedV1 } from './access/access-requested.v1';
import { accessDecidedV1 } from './access/access-decided.v1';
import { faceCapturedV1 } from './face/face-captured.v1';
import { faceCapturedV2 } from './face/face-captured.v2';
import { faceCheckedV1 } from './face/face-checked.v1';
import { faceEnrolmentV1 } from './face/face-enrolment.v1';
import { qrCheckedV1 } from './qr/qr-checked.v1';
import { lockEventsV1 } from './lock/lock-events.v1';
import { authEventsV1 } from './auth/auth-events.v1';
import { auditAlertsV1 } from './audit/audit-alerts.v1';
import { auditCheckpointsV1 } from './audit/audit-checkpoints.v1';
import { webhooksEventsV1 } from './webhooks/webhooks-events.v1';
import { deadLetterTopic } from './dlq/dead-letter.v1';

/** Every event topic of the design, in flow order. */
export const EVENT_TOPICS: readonly TopicSpec[] = [
  accessRequestedV1,
  faceCapturedV1,
  faceCapturedV2,
  qrCheckedV1,
  faceCheckedV1,
  accessDecidedV1,
  lockEventsV1,
  authEventsV1,
  faceEnrolmentV1,
  auditAlertsV1,
  auditCheckpointsV1,
  webhooksEventsV1,
];

/**
 * One dead-letter topic per consumed event topic: it holds what a consumer could not handle, so
 * a topic no app consumes has none.
 */
export const DLQ_TOPICS: readonly TopicSpec[] = EVENT_TOPICS.filter(
  (t) => t.consumers.length > 0,
).map(deadLetterTopic);

/** Everything the stack creates up front, with partitions and retention. */
export const ALL_TOPICS: readonly TopicSpec[] = [...EVENT_TOPICS, ...DLQ_TOPICS];
