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
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { AccessRequestView, CreateAccessRequestBody, Id } from '@roomkey/contracts';
import { Caller, Principal, RateLimiter, readUpload, schemaRef, ZodPipe } from '@roomkey/common';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { openEventStream, sendEvent } from './event-stream';
import { AccessRequestsService } from '../services/access-requests.service';

const WaitQuery = z.strictObject({ wait: z.coerce.number().int().min(0).max(30).default(0) });
/** A type of its own name: decorator metadata must not point at the schema value. */
type WaitParams = z.infer<typeof WaitQuery>;

const error = (description: string) => ({ description, schema: schemaRef('ErrorBody') });

@ApiTags('access')
@ApiBearerAuth()
@Controller('v1/access-requests')
export class AccessRequestsController {
  constructor(
    private readonly requests: AccessRequestsService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly limiter: RateLimiter,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Ask to open a door',
    description:
      'Accepts the request and starts the access flow. The answer comes at once with a request id; ' +
      'poll `GET /v1/access-requests/{id}` for the decision. Send JSON, or multipart/form-data ' +
      'with the same fields plus the face photo as `face` (JPEG, PNG or WebP, up to 700 KB), ' +
      'which travels sealed to the face service and is never stored. The face service works on ' +
      'the photo shrunk to 640 px on its longer side: a photo sent at that size (the kiosk sends ' +
      '640×360) is as good and costs less to upload and decode.',
  })
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({ schema: schemaRef('CreateAccessRequestBody') })
  @ApiResponse({
    status: 202,
    description: 'Accepted',
    schema: {
      type: 'object',
      required: ['requestId'],
      properties: { requestId: { type: 'string', format: 'uuid' } },
    },
  })
  @ApiResponse({
    status: 400,
    ...error(
      'VALIDATION_FAILED (a field is missing, unknown or of the wrong type) or MALFORMED_JSON',
    ),
  })
  @ApiResponse({ status: 401, ...error('TOKEN_MISSING or TOKEN_INVALID') })
  @ApiResponse({
    status: 403,
    ...error('DOOR_NOT_IN_SCOPE (a kiosk asked for a door it does not serve)'),
  })
  @ApiResponse({
    status: 413,
    ...error(
      'PAYLOAD_TOO_LARGE, IMAGE_TOO_LARGE (bytes) or PHOTO_TOO_LARGE (pixels by its header, over 12 MP by default)',
    ),
  })
  @ApiResponse({
    status: 429,
    ...error('RATE_LIMITED (too many from this person, device or address); see Retry-After'),
  })
  @ApiResponse({
    status: 415,
    ...error(
      'UNSUPPORTED_MEDIA_TYPE (the body is neither JSON nor a form) or IMAGE_TYPE_UNSUPPORTED (the photo is not a readable JPEG, PNG or WebP)',
    ),
  })
  @ApiResponse({
    status: 429,
    ...error(
      'TOO_MANY_PHOTOS (as many of your photos wait for a decision as you may have at once; Retry-After)',
    ),
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
    // The form: roomId, doorId?, qr as fields and the face photo as `face`.
    const upload = await readUpload(req, res, {
      field: 'face',
      maxFiles: 1,
      maxFileBytes: this.config.CAPTURE_MAX_BYTES,
      maxFields: 3,
    });
    return this.requests.submit(pipe.transform(upload.fields), caller, upload.files[0]);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'The state of an access request: pending, granted or denied (with reasons)',
    description:
      'With `wait` (seconds, up to 30) a pending request is held open until the decision arrives ' +
      'or the time is up (long poll). Readable by the member or kiosk that sent the request, a ' +
      'kiosk of its door, and admin and security staff; to anyone else it does not exist (404). ' +
      'A failed face check is told as `face-not-verified`; staff see the precise reason here and ' +
      'in the access log.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiQuery({ name: 'wait', required: false, schema: { type: 'integer', minimum: 0, maximum: 30 } })
  @ApiResponse({ status: 200, description: 'The request', schema: schemaRef('AccessRequestView') })
  @ApiResponse({ status: 400, ...error('VALIDATION_FAILED (the id is not a UUID, or wait)') })
  @ApiResponse({ status: 401, ...error('TOKEN_MISSING or TOKEN_INVALID') })
  @ApiResponse({ status: 404, ...error('ACCESS_REQUEST_NOT_FOUND') })
  @ApiResponse({ status: 503, ...error('UPSTREAM_UNAVAILABLE (the access log is unreachable)') })
  @ApiResponse({ status: 504, ...error('UPSTREAM_TIMEOUT') })
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
  @ApiOperation({
    summary: 'The state of an access request as a server-sent event stream',
    description:
      'Sends `event: status` with the current state at once, then `event: decision` when the ' +
      'request is decided, and ends. A comment line every 15 s keeps proxies from closing it; ' +
      'after 60 s without a decision the stream ends and the client asks again.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 200, description: 'text/event-stream of AccessRequestView' })
  @ApiResponse({ status: 401, ...error('TOKEN_MISSING or TOKEN_INVALID') })
  @ApiResponse({ status: 404, ...error('ACCESS_REQUEST_NOT_FOUND') })
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
