import {
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { z } from 'zod';
import type { Request, Response } from 'express';
import {
  AccessRequestView,
  CreateAccessRequestBody,
  Id,
  MAX_BURST_FRAMES,
} from '@roomkey/contracts';
import {
  BAD_BODY,
  BAD_ID,
  Caller,
  Operation,
  Principal,
  RateLimiter,
  readUpload,
  TOKEN,
  ZodPipe,
} from '@roomkey/common';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { openEventStream, sendEvent } from './event-stream';
import { AccessRequestsService } from '../services/access-requests.service';

const WaitQuery = z.strictObject({
  wait: z.coerce
    .number()
    .int()
    .min(0)
    .max(30)
    .default(0)
    .describe('Seconds to hold a pending request open until it is decided'),
});
/** A type of its own name: decorator metadata must not point at the schema value. */
type WaitParams = z.infer<typeof WaitQuery>;

@Controller('v1/access-requests')
export class AccessRequestsController {
  constructor(
    private readonly requests: AccessRequestsService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly limiter: RateLimiter,
  ) {}

  @Post()
  @HttpCode(202)
  @Operation({
    tag: 'access',
    summary: 'Ask to open a door',
    description:
      'Accepts the request and starts the access flow. The answer comes at once with a request id; ' +
      'poll `GET /v1/access-requests/{id}` for the decision. Send JSON, or multipart/form-data ' +
      'with the same fields plus the face photo as `face` (JPEG, PNG or WebP, up to 700 KB), ' +
      'which travels sealed to the face service and is never stored. The face service works on ' +
      'the photo shrunk to 640 px on its longer side: a photo sent at that size (the kiosk sends ' +
      '640×360) is as good and costs less to upload and decode. A face from anything but a ' +
      'registered kiosk must answer an active liveness challenge (`POST /v1/face/challenges`): ' +
      'send `challengeId`, a frontal frame then one frame per pose asked as `face` files (up to ' +
      '4, 700 KB together) and their times as `frameTimes` (ADR 028).',
    body: 'CreateAccessRequestBody',
    upload: { field: 'face', maxFiles: MAX_BURST_FRAMES, optional: true },
    ok: { schema: 'AccessRequestAccepted', description: 'Accepted' },
    errors: {
      400: `${BAD_BODY}, BURST_INVALID (frames, challengeId and frameTimes do not go together) or TOO_MANY_IMAGES`,
      401: TOKEN,
      403: 'DOOR_NOT_IN_SCOPE (a kiosk asked for a door it does not serve)',
      413: 'PAYLOAD_TOO_LARGE, IMAGE_TOO_LARGE (bytes), BURST_TOO_LARGE (the frames together) or PHOTO_TOO_LARGE (pixels by its header, over 12 MP by default)',
      415: 'UNSUPPORTED_MEDIA_TYPE (the body is neither JSON nor a form) or IMAGE_TYPE_UNSUPPORTED (the photo is not a readable JPEG, PNG or WebP)',
      422: 'ACTIVE_LIVENESS_REQUIRED (a single photo from a device that is not a registered kiosk)',
      429: 'RATE_LIMITED (too many from this person, device or address), or TOO_MANY_PHOTOS (as many of your photos wait for a decision as you may have at once); see Retry-After',
    },
  })
  async submit(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Caller() caller: Principal,
  ) {
    await this.limiter.enforce([
      [this.config.RATE_ACCESS_REQUESTS_PER_CALLER, caller.id],
      [this.config.RATE_ACCESS_REQUESTS_PER_ADDRESS, req.ip ?? req.socket.remoteAddress ?? ''],
    ]);
    const pipe = new ZodPipe(CreateAccessRequestBody);
    if (!/^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '')) {
      return this.requests.submit(pipe.transform(req.body), caller);
    }
    // The form: roomId?, doorId?, qr as fields and the face photo as `face`.
    const upload = await readUpload(req, res, {
      field: 'face',
      maxFiles: MAX_BURST_FRAMES,
      maxFileBytes: this.config.CAPTURE_MAX_BYTES,
      maxFields: 5,
    });
    return this.requests.submit(pipe.transform(upload.fields), caller, upload.files);
  }

  @Get(':id')
  @Operation({
    tag: 'access',
    summary: 'The state of an access request: pending, granted or denied (with reasons)',
    description:
      'With `wait` (seconds, up to 30) a pending request is held open until the decision arrives ' +
      'or the time is up (long poll). Readable by the member or kiosk that sent the request, a ' +
      'kiosk of its door, and admin and security staff; to anyone else it does not exist (404). ' +
      'A failed face check is told as `face-not-verified`; staff see the precise reason here and ' +
      'in the access log.',
    ok: { schema: 'AccessRequestView', description: 'The request' },
    errors: {
      400: 'VALIDATION_FAILED (the id is not a UUID, or wait)',
      401: TOKEN,
      404: 'ACCESS_REQUEST_NOT_FOUND',
      503: 'UPSTREAM_UNAVAILABLE (the access log is unreachable)',
      504: 'UPSTREAM_TIMEOUT',
    },
  })
  status(
    @Param('id', new ZodPipe(Id, 'request id')) id: string,
    @Query(new ZodPipe(WaitQuery, 'query')) query: WaitParams,
    @Headers('authorization') authorization: string,
    @Caller() caller: Principal,
    @Req() req: Request,
  ): Promise<AccessRequestView> {
    return this.requests.awaitStatus(id, caller, authorization, query.wait * 1000, abortedBy(req));
  }

  @Get(':id/events')
  @Operation({
    tag: 'access',
    summary: 'The state of an access request as a server-sent event stream',
    description:
      'Sends `event: status` with the current state at once, then `event: decision` when the ' +
      'request is decided, and ends. A comment line every 15 s keeps proxies from closing it; ' +
      'after 60 s without a decision the stream ends and the client asks again.',
    ok: { stream: true, description: 'text/event-stream of AccessRequestView' },
    errors: { 400: BAD_ID, 401: TOKEN, 404: 'ACCESS_REQUEST_NOT_FOUND' },
  })
  async events(
    @Param('id', new ZodPipe(Id, 'request id')) id: string,
    @Headers('authorization') authorization: string,
    @Caller() caller: Principal,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const first = await this.requests.status(id, caller, authorization);
    openEventStream(res);
    const send = (event: string, data: unknown) => sendEvent(res, event, data);
    send('status', first);
    if (first.status === 'pending') {
      const signal = abortedBy(req);
      const beat = setInterval(() => res.write(': waiting\n\n'), 15_000);
      const decided = await this.requests.awaitStatus(id, caller, authorization, 60_000, signal);
      clearInterval(beat);
      if (!signal.aborted && decided.status !== 'pending') send('decision', decided);
    }
    res.end();
  }
}

/** Aborts when the client closes the connection. */
function abortedBy(req: Request): AbortSignal {
  const controller = new AbortController();
  req.on('close', () => controller.abort());
  return controller.signal;
}
