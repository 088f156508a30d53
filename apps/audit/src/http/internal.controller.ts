import { Controller, Get, Param } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AccessRequestView, Id } from '@roomkey/contracts';
import { NotFoundError, ZodPipe } from '@roomkey/common';
import { EventLogService } from '../services/event-log.service';

/**
 * Queries the gateway makes on behalf of users, with the user's token; not exposed outside
 * the cluster.
 */
@ApiExcludeController()
@Controller('internal')
export class InternalController {
  constructor(private readonly log: EventLogService) {}

  @Get('access-requests/:id')
  async accessRequest(
    @Param('id', new ZodPipe(Id, 'request id')) id: string,
  ): Promise<AccessRequestView> {
    const view = await this.log.accessRequest(id);
    if (!view)
      throw new NotFoundError('ACCESS_REQUEST_NOT_FOUND', 'no access request with this id');
    return view;
  }
}
