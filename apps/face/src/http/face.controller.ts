import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { FaceConsentBody, Id } from '@roomkey/contracts';
import {
  ADMIN_ONLY,
  BAD_BODY,
  BAD_ID,
  Caller,
  Operation,
  Principal,
  RATE_LIMITED,
  readUpload,
  Roles,
  STAFF_ONLY,
  TOKEN,
  ZodPipe,
} from '@roomkey/common';
import { FACE_CONFIG, FaceConfig } from '../config';
import { Challenges } from '../services/challenges.service';
import { Enrolment, MAX_ENROLMENT_IMAGES } from '../services/enrolment.service';
import { Templates } from '../services/templates.service';
import { EnrolmentLimit } from './enrolment-limit.guard';
import { Inject } from '@nestjs/common';

const PEOPLE = ['admin', 'security', 'member', 'visitor'] as const;
const PEOPLE_ONLY = 'INSUFFICIENT_ROLE (device tokens have no face)';

/** A person's own face data, and an admin's erasure of anyone's. */
@Controller('v1')
export class FaceController {
  constructor(
    private readonly enrolment: Enrolment,
    private readonly templates: Templates,
    private readonly challenges: Challenges,
    @Inject(FACE_CONFIG) private readonly config: FaceConfig,
  ) {}

  @Post('face/challenges')
  @HttpCode(201)
  @Roles(...PEOPLE, 'device')
  @Operation({
    tag: 'face',
    summary:
      'An active liveness challenge: poses to take in turn after a frontal frame, answerable once within 30 s. Send the burst with `POST /v1/access-requests` (`challengeId`, the frames as `face` files, their times as `frameTimes`). Needed for a face sent from anything but a registered kiosk, and at doors that require active liveness.',
    ok: { schema: 'FaceChallenge', description: 'The challenge' },
    errors: { 401: TOKEN, 429: RATE_LIMITED },
  })
  challenge(@Caller() caller: Principal) {
    return this.challenges.issue(caller.id);
  }

  @Post('me/face/consent')
  @HttpCode(200)
  @Roles(...PEOPLE)
  @Operation({
    tag: 'face',
    summary:
      'Agree to biometric processing under a privacy notice (GDPR Art. 9, BIPA). Needed before the first enrolment; erasing your face withdraws it.',
    ok: { schema: 'FaceStatus', description: 'Your face data status' },
    errors: { 400: BAD_BODY, 401: TOKEN, 403: PEOPLE_ONLY },
  })
  consent(@Body(new ZodPipe(FaceConsentBody)) body: FaceConsentBody, @Caller() me: Principal) {
    return this.templates.giveConsent(me.id, body.noticeVersion);
  }

  /** 201: in use; 202: it waits for an admin's approval (the face on record stays). */
  @Post('me/face')
  @Roles(...PEOPLE)
  @Operation({
    tag: 'face',
    summary:
      "Enrol your face: 1 to 5 photos (JPEG, PNG or WebP) in the `images` field, each passing the quality and liveness checks, all of the same face. Needs a sign-in with your password in the last minutes (FACE_ENROL_SIGN_IN_MAX_AGE_S). A face that matches the one on record replaces it at once; a first face, or another one, waits for an admin's approval (202), and the face on record stays until then. The photos are never stored; a sealed template is.",
    upload: { field: 'images', maxFiles: MAX_ENROLMENT_IMAGES },
    ok: { schema: 'FaceStatus', description: 'Enrolled: it matches the face on record' },
    okToo: { status: 202, description: "Waiting for an admin's approval (`pending`)" },
    errors: {
      400: 'IMAGES_REQUIRED, TOO_MANY_IMAGES, UNEXPECTED_FIELD or MALFORMED_MULTIPART',
      401: TOKEN,
      403: 'RECENT_SIGN_IN_REQUIRED, CONSENT_REQUIRED or INSUFFICIENT_ROLE',
      413: 'IMAGE_TOO_LARGE (bytes), or PHOTO_TOO_LARGE (pixels by its header, over 12 MP by default; details: which photo)',
      415: 'UNSUPPORTED_MEDIA_TYPE (not multipart/form-data)',
      422: 'FACE_REJECTED (details: which photo and why: not-an-image, unsupported-format, too-large, no-face, many-faces, face-too-small, low-detection-score, too-blurry, spoof) or FACES_DO_NOT_MATCH',
      429: `TOO_MANY_PHOTOS (as many of your photos are being checked as you may have at once), or ${RATE_LIMITED}`,
    },
  })
  @UseGuards(EnrolmentLimit)
  async enrol(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Caller() me: Principal,
  ) {
    const outcome = await this.enrolment.enrol(me, this.photos(req, res));
    res.status(outcome.enrolled ? 201 : 202);
    return outcome.status;
  }

  @Get('me/face')
  @Roles(...PEOPLE)
  @Operation({
    tag: 'face',
    summary:
      'Whether your face is enrolled, when, with which model, and your consent. Never the template.',
    ok: { schema: 'FaceStatus', description: 'Your face data status' },
    errors: { 401: TOKEN, 403: PEOPLE_ONLY },
  })
  status(@Caller() me: Principal) {
    return this.templates.status(me.id);
  }

  @Delete('me/face')
  @HttpCode(204)
  @Roles(...PEOPLE)
  @Operation({
    tag: 'face',
    summary: 'Erase your face template and withdraw consent. Harmless when there is none.',
    ok: { description: 'Erased' },
    errors: { 401: TOKEN, 403: PEOPLE_ONLY },
  })
  async erase(@Caller() me: Principal): Promise<void> {
    await this.templates.erase(me.id, 'user');
  }

  @Get('users/:id/face')
  @Roles('admin', 'security')
  @Operation({
    tag: 'face',
    summary:
      "A person's face data status: enrolled or not, an enrolment waiting for approval, and the history of changes. Never the template.",
    ok: { schema: 'FaceStatus', description: 'Their face data status' },
    errors: { 400: BAD_ID, 401: TOKEN, 403: STAFF_ONLY },
  })
  statusOf(@Param('id', new ZodPipe(Id, 'user id')) userId: string) {
    return this.templates.status(userId);
  }

  /** An admin enrols a person standing in front of them. */
  @Post('users/:id/face')
  @HttpCode(201)
  @Roles('admin')
  @Operation({
    tag: 'face',
    summary:
      'Enrol a person standing in front of you (they have given consent): 1 to 5 photos in the `images` field, in use at once. Needs your own sign-in with your password in the last minutes.',
    upload: { field: 'images', maxFiles: MAX_ENROLMENT_IMAGES },
    ok: { schema: 'FaceStatus', description: 'Enrolled' },
    errors: {
      400: `${BAD_ID}, IMAGES_REQUIRED, TOO_MANY_IMAGES, UNEXPECTED_FIELD or MALFORMED_MULTIPART`,
      401: TOKEN,
      403: 'RECENT_SIGN_IN_REQUIRED, CONSENT_REQUIRED (the person has not agreed) or INSUFFICIENT_ROLE (admin only)',
      413: 'IMAGE_TOO_LARGE (bytes), or PHOTO_TOO_LARGE (pixels by its header)',
      415: 'UNSUPPORTED_MEDIA_TYPE (not multipart/form-data)',
      422: 'FACE_REJECTED or FACES_DO_NOT_MATCH',
      429: "TOO_MANY_PHOTOS (as many of the person's photos are being checked as they may have at once)",
    },
  })
  enrolFor(
    @Param('id', new ZodPipe(Id, 'user id')) userId: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Caller() admin: Principal,
  ) {
    return this.enrolment.enrolFor(admin, userId, this.photos(req, res));
  }

  @Post('users/:id/face/approve')
  @HttpCode(200)
  @Roles('admin')
  @Operation({
    tag: 'face',
    summary:
      "Approve the person's enrolment waiting for approval: it becomes the face that opens their doors.",
    ok: { schema: 'FaceStatus', description: 'Enrolled' },
    errors: { 400: BAD_ID, 401: TOKEN, 403: ADMIN_ONLY, 404: 'NO_PENDING_ENROLMENT' },
  })
  approve(@Param('id', new ZodPipe(Id, 'user id')) userId: string, @Caller() admin: Principal) {
    return this.templates.approve(userId, admin.id, this.config.FACE_ENROL_PENDING_DAYS);
  }

  @Post('users/:id/face/reject')
  @HttpCode(200)
  @Roles('admin')
  @Operation({
    tag: 'face',
    summary: "Refuse the person's enrolment waiting for approval; the face on record stays.",
    ok: { schema: 'FaceStatus', description: 'Refused' },
    errors: { 400: BAD_ID, 401: TOKEN, 403: ADMIN_ONLY, 404: 'NO_PENDING_ENROLMENT' },
  })
  reject(@Param('id', new ZodPipe(Id, 'user id')) userId: string, @Caller() admin: Principal) {
    return this.templates.reject(userId, admin.id, this.config.FACE_ENROL_PENDING_DAYS);
  }

  @Delete('users/:id/face')
  @HttpCode(204)
  @Roles('admin')
  @Operation({
    tag: 'face',
    summary: "Erase a person's face template (an erasure request). Harmless when there is none.",
    ok: { description: 'Erased' },
    errors: { 400: BAD_ID, 401: TOKEN, 403: ADMIN_ONLY },
  })
  async eraseFor(@Param('id', new ZodPipe(Id, 'user id')) userId: string): Promise<void> {
    await this.templates.erase(userId, 'admin');
  }

  private photos(req: Request, res: Response) {
    return async () => {
      const upload = await readUpload(req, res, {
        field: 'images',
        maxFiles: MAX_ENROLMENT_IMAGES,
        maxFileBytes: this.config.FACE_MAX_IMAGE_BYTES,
        maxFields: 0,
      });
      return upload.files;
    };
  }
}
