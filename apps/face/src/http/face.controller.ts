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
import { Caller, Principal, readUpload, Roles, ZodPipe } from '@roomkey/common';
import { FACE_CONFIG, FaceConfig } from '../config';
import { Enrolment, MAX_ENROLMENT_IMAGES } from '../services/enrolment.service';
import { Templates } from '../services/templates.service';
import { EnrolmentLimit } from './enrolment-limit.guard';
import { Inject } from '@nestjs/common';

const PEOPLE = ['admin', 'security', 'member', 'visitor'] as const;

/** A person's own face data, and an admin's erasure of anyone's. */
@Controller('v1')
export class FaceController {
  constructor(
    private readonly enrolment: Enrolment,
    private readonly templates: Templates,
    @Inject(FACE_CONFIG) private readonly config: FaceConfig,
  ) {}

  @Post('me/face/consent')
  @HttpCode(200)
  @Roles(...PEOPLE)
  consent(@Body(new ZodPipe(FaceConsentBody)) body: FaceConsentBody, @Caller() me: Principal) {
    return this.templates.giveConsent(me.id, body.noticeVersion);
  }

  @Post('me/face')
  @HttpCode(201)
  @Roles(...PEOPLE)
  @UseGuards(EnrolmentLimit)
  async enrol(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Caller() me: Principal,
  ) {
    return this.enrolment.enrol(me.id, async () => {
      const upload = await readUpload(req, res, {
        field: 'images',
        maxFiles: MAX_ENROLMENT_IMAGES,
        maxFileBytes: this.config.FACE_MAX_IMAGE_BYTES,
        maxFields: 0,
      });
      return upload.files;
    });
  }

  @Get('me/face')
  @Roles(...PEOPLE)
  status(@Caller() me: Principal) {
    return this.templates.status(me.id);
  }

  @Delete('me/face')
  @HttpCode(204)
  @Roles(...PEOPLE)
  async erase(@Caller() me: Principal): Promise<void> {
    await this.templates.erase(me.id, 'user');
  }

  @Delete('users/:id/face')
  @HttpCode(204)
  @Roles('admin')
  async eraseFor(@Param('id', new ZodPipe(Id, 'user id')) userId: string): Promise<void> {
    await this.templates.erase(userId, 'admin');
  }
}
