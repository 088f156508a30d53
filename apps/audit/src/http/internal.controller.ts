import { Controller, Get, Param } from '@nestjs/common';
import { AccessRequestView, Id } from '@roomkey/contracts';
import {
  Caller,
  mayReadAccessRequest,
  NotFoundError,
  Principal,
  reasonsFor,
  ZodPipe,
} from '@roomkey/common';
import { EventLogService } from '../services/event-log.service';

/**
 * Queries the gateway makes on behalf of users, with the user's token; not exposed outside
 * the cluster.
 */
@Controller('internal')
export class InternalController {
  constructor(private readonly log: EventLogService) {}

  /**
   * For its requester, a kiosk of its door, and security staff; to anyone else the request does
   * not exist (the same 404 as an unknown id, so nothing tells that it does). A requester is told
   * one face reason, staff the precise one.
   */
  @Get('access-requests/:id')
  async accessRequest(
    @Param('id', new ZodPipe(Id, 'request id')) id: string,
    @Caller() caller: Principal,
  ): Promise<AccessRequestView> {
    const found = await this.log.accessRequest(id);
    if (!found || !mayReadAccessRequest(caller, found.owner)) {
      throw new NotFoundError('ACCESS_REQUEST_NOT_FOUND', 'no access request with this id');
    }
    return { ...found.view, reasons: reasonsFor(caller, found.view.reasons) };
  }
}
