import { Controller, DynamicModule, Get, Inject, Module, Type } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorFunction,
  TerminusModule,
} from '@nestjs/terminus';
import { Public } from '../auth/decorators';

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

/** Builds the app's readiness checks from its own providers (its database, Kafka, MQTT...). */
export interface ReadinessChecks {
  checks(): HealthIndicatorFunction[];
}

/**
 * `GET /health/live`: the process runs and answers. `GET /health/ready`: every dependency of
 * this app answers now; 503 otherwise, so a load balancer or orchestrator stops sending traffic.
 */
@ApiExcludeController()
@Public()
@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    @Inject(READINESS_CHECKS) private readonly readiness: ReadinessChecks,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check(this.readiness.checks());
  }
}

@Module({})
export class HealthModule {
  /** `checks` implements ReadinessChecks; `imports` bring what its constructor injects. */
  static forApp(
    checks: Type<ReadinessChecks>,
    imports: DynamicModule['imports'] = [],
  ): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false }), ...imports],
      controllers: [HealthController],
      providers: [checks, { provide: READINESS_CHECKS, useExisting: checks }],
    };
  }
}
