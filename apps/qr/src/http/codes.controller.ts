import { Controller, Get, Header, Query } from '@nestjs/common';
import { KioskQrQuery } from '@roomkey/contracts';
import { Caller, Operation, Principal, Roles, TOKEN, ZodPipe } from '@roomkey/common';
import { Codes } from '../services/codes.service';

/** Codes are fresh on every call: no cache may keep one. */
@Controller('v1')
export class CodesController {
  constructor(private readonly codes: Codes) {}

  @Get('kiosk/qr')
  @Roles('device')
  @Operation({
    tag: 'codes',
    summary:
      "The door's current code for the kiosk to show, as text, SVG and PNG. It changes every 30 s (and is accepted one step either side); ask again after `refreshInSeconds`.",
    ok: { schema: 'KioskCode', description: 'The current code' },
    errors: {
      400: 'DOOR_REQUIRED (the kiosk serves several doors) or VALIDATION_FAILED (doorId)',
      401: TOKEN,
      403: 'INSUFFICIENT_ROLE (kiosks only) or DOOR_NOT_IN_SCOPE (not one of its doors)',
    },
  })
  @Header('cache-control', 'no-store')
  kioskCode(
    @Query(new ZodPipe(KioskQrQuery, 'query')) query: KioskQrQuery,
    @Caller() kiosk: Principal,
  ) {
    return this.codes.kioskCode(kiosk, query.doorId);
  }

  @Get('me/pass')
  @Roles('admin', 'security', 'member', 'visitor')
  @Operation({
    tag: 'codes',
    summary:
      "The signed-in person's own pass, for a kiosk in pass mode to scan: good once, for a minute. Fetch a new one after `refreshInSeconds` or after using it.",
    ok: { schema: 'PersonalPassCode', description: 'A fresh pass' },
    errors: { 401: TOKEN, 403: 'INSUFFICIENT_ROLE (device tokens have no person)' },
  })
  @Header('cache-control', 'no-store')
  personalPass(@Caller() caller: Principal) {
    return this.codes.personalPass(caller.id);
  }
}
