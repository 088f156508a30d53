import {
  Controller,
  DynamicModule,
  Get,
  Inject,
  Injectable,
  Logger,
  Module,
  Res,
  ServiceUnavailableException,
  Type,
} from '@nestjs/common';
import {
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorFunction,
  TerminusModule,
} from '@nestjs/terminus';
import type { Response } from 'express';
import { Public } from '../auth/decorators';
import { describeError } from '../errors';

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

/** Builds the app's readiness checks from its own providers (its database, Kafka, MQTT...). */
export interface ReadinessChecks {
  checks(): HealthIndicatorFunction[];
}

/** How long an answer about the dependencies stands before they are asked again. */
export const READINESS_FRESH_MS = 1000;

/** What the dependencies said last: each one's status and, when down, why. */
export type ReadinessReport = HealthCheckResult['details'];

/**
 * Whether the app's dependencies answer, asked at most once per READINESS_FRESH_MS however
 * often readiness is asked (callers in between share the answer). What each dependency said is
 * logged when readiness changes, and kept here; it is never part of the public answer.
 */
@Injectable()
export class Readiness {
  private readonly logger = new Logger('health');
  private last?: { at: number; ready: boolean; report: ReadinessReport };
  private asking?: Promise<boolean>;

  constructor(
    private readonly health: HealthCheckService,
    @Inject(READINESS_CHECKS) private readonly readiness: ReadinessChecks,
  ) {}

  /** Whether every dependency answers. */
  async ready(): Promise<boolean> {
    if (this.last && Date.now() - this.last.at < READINESS_FRESH_MS) return this.last.ready;
    this.asking ??= this.ask().finally(() => (this.asking = undefined));
    return this.asking;
  }

  /** What each dependency said at the last check. */
  get report(): ReadinessReport | undefined {
    return this.last?.report;
  }

  private async ask(): Promise<boolean> {
    let result: HealthCheckResult;
    try {
      result = await this.health.check(this.readiness.checks());
    } catch (err) {
      result =
        err instanceof ServiceUnavailableException
          ? (err.getResponse() as HealthCheckResult)
          : {
              status: 'error',
              details: { readiness: { status: 'down', reason: describeError(err) } },
            };
    }
    const ready = result.status === 'ok';
    const before = this.last?.ready;
    this.last = { at: Date.now(), ready, report: result.details };
    if (ready && before === false) this.logger.log('ready again');
    if (!ready && before !== false) {
      this.logger.warn(`not ready: ${JSON.stringify(result.details)}`);
    }
    return ready;
  }
}

/**
 * `GET /health/live`: the process runs and answers. `GET /health/ready`: every dependency of
 * this app answers; 503 otherwise, so a load balancer or orchestrator stops sending traffic.
 * Both say only `{ status: 'up' }` or `{ status: 'down' }`: which dependency is down, and why,
 * is in the logs.
 */
@Public()
@Controller('health')
class HealthController {
  constructor(private readonly readiness: Readiness) {}

  @Get('live')
  live() {
    return { status: 'up' };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response) {
    if (await this.readiness.ready()) return { status: 'up' };
    res.status(503);
    return { status: 'down' };
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
      providers: [checks, { provide: READINESS_CHECKS, useExisting: checks }, Readiness],
      exports: [Readiness],
    };
  }
}
