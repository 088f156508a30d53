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

  /** 201: in use; 202: it waits for an admin's approval (the face on record stays). */
  @Post('me/face')
  @Roles(...PEOPLE)
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
  status(@Caller() me: Principal) {
    return this.templates.status(me.id);
  }

  @Delete('me/face')
  @HttpCode(204)
  @Roles(...PEOPLE)
  async erase(@Caller() me: Principal): Promise<void> {
    await this.templates.erase(me.id, 'user');
  }

  @Get('users/:id/face')
  @Roles('admin', 'security')
  statusOf(@Param('id', new ZodPipe(Id, 'user id')) userId: string) {
    return this.templates.status(userId);
  }

  /** An admin enrols a person standing in front of them. */
  @Post('users/:id/face')
  @HttpCode(201)
  @Roles('admin')
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
  approve(@Param('id', new ZodPipe(Id, 'user id')) userId: string, @Caller() admin: Principal) {
    return this.templates.approve(userId, admin.id, this.config.FACE_ENROL_PENDING_DAYS);
  }

  @Post('users/:id/face/reject')
  @HttpCode(200)
  @Roles('admin')
  reject(@Param('id', new ZodPipe(Id, 'user id')) userId: string, @Caller() admin: Principal) {
    return this.templates.reject(userId, admin.id, this.config.FACE_ENROL_PENDING_DAYS);
  }

  @Delete('users/:id/face')
  @HttpCode(204)
  @Roles('admin')
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
