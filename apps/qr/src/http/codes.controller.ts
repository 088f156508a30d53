import { Controller, Get, Header, Query } from '@nestjs/common';
import { KioskQrQuery } from '@roomkey/contracts';
import { Caller, Principal, Roles, ZodPipe } from '@roomkey/common';
import { Codes } from '../services/codes.service';

/** Codes are fresh on every call: no cache may keep one. */
@Controller('v1')
export class CodesController {
  constructor(private readonly codes: Codes) {}

  @Get('kiosk/qr')
  @Roles('device')
  @Header('cache-control', 'no-store')
  kioskCode(
    @Query(new ZodPipe(KioskQrQuery, 'query')) query: KioskQrQuery,
    @Caller() kiosk: Principal,
  ) {
    return this.codes.kioskCode(kiosk, query.doorId);
  }

  @Get('me/pass')
  @Roles('admin', 'security', 'member', 'visitor')
  @Header('cache-control', 'no-store')
  personalPass(@Caller() caller: Principal) {
    return this.codes.personalPass(caller.id);
  }
}
