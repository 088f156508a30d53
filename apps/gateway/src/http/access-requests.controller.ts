import { Controller, Get, Headers, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiParam,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { AccessRequestView, CreateAccessRequestBody, Id } from '@roomkey/contracts';
import { Caller, Principal, readUpload, schemaRef, ZodPipe } from '@roomkey/common';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { AccessRequestsService } from '../services/access-requests.service';

const error = (description: string) => ({ description, schema: schemaRef('ErrorBody') });

@ApiTags('access')
@ApiBearerAuth()
@Controller('v1/access-requests')
export class AccessRequestsController {
  constructor(
    private readonly requests: AccessRequestsService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Ask to open a door',
    description:
      'Accepts the request and starts the access flow. The answer comes at once with a request id; ' +
      'poll `GET /v1/access-requests/{id}` for the decision. Send JSON, or multipart/form-data ' +
      'with the same fields plus the face photo as `face` (JPEG, PNG or WebP, up to 700 KB), ' +
      'which travels sealed to the face service and is never stored.',
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
  @ApiResponse({ status: 413, ...error('PAYLOAD_TOO_LARGE or IMAGE_TOO_LARGE') })
  @ApiResponse({
    status: 415,
    ...error(
      'UNSUPPORTED_MEDIA_TYPE (the body is neither JSON nor a form) or IMAGE_TYPE_UNSUPPORTED (the photo is not JPEG, PNG or WebP)',
    ),
  })
  async submit(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Caller() caller: Principal,
  ) {
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
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 200, description: 'The request', schema: schemaRef('AccessRequestView') })
  @ApiResponse({ status: 400, ...error('VALIDATION_FAILED (the id is not a UUID)') })
  @ApiResponse({ status: 401, ...error('TOKEN_MISSING or TOKEN_INVALID') })
  @ApiResponse({ status: 404, ...error('ACCESS_REQUEST_NOT_FOUND') })
  @ApiResponse({ status: 503, ...error('UPSTREAM_UNAVAILABLE (the access log is unreachable)') })
  @ApiResponse({ status: 504, ...error('UPSTREAM_TIMEOUT') })
  status(
    @Param('id', new ZodPipe(Id, 'request id')) id: string,
    @Headers('authorization') authorization: string,
  ): Promise<AccessRequestView> {
    return this.requests.status(id, authorization);
  }
}
