import { Controller, Get, INestApplication, NotFoundException, Param } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { DomainError } from '../errors';
import { HttpErrorFilter, UNAVAILABLE_RETRY_AFTER_S } from './error-filter';

/** The errors a handler may meet, each as the library that raises it words it. */
const FAILURES: Record<string, () => Error> = {
  // node-postgres, when a new connection's handshake outlasts connectionTimeoutMillis.
  'pg-connect-timeout': () => new Error('Connection terminated due to connection timeout'),
  // pg-pool, when no connection of the pool frees up in time.
  'pg-pool-timeout': () => new Error('timeout exceeded when trying to connect'),
  // The MongoDB driver, when no server answers its selection.
  'mongo-away': () =>
    Object.assign(new Error('Server selection timed out after 3000 ms'), {
      name: 'MongoServerSelectionError',
    }),
  'postgres-shutting-down': () =>
    Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
    }),
  bug: () => new TypeError("Cannot read properties of undefined (reading 'id')"),
  domain: () => new DomainError('DOOR_UNKNOWN', 'no such door', 404),
  'rate-limited': () =>
    new DomainError('RATE_LIMITED', 'slow down', 429, undefined, { 'retry-after': '7' }),
  nest: () => new NotFoundException(),
};

@Controller()
class FailingController {
  @Get('fail/:kind')
  fail(@Param('kind') kind: string): never {
    throw FAILURES[kind]!();
  }
}

describe('HttpErrorFilter', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [FailingController],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.useGlobalFilters(new HttpErrorFilter());
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
  });

  it.each(['pg-connect-timeout', 'pg-pool-timeout', 'mongo-away', 'postgres-shutting-down'])(
    'answers a dependency that did not answer (%s) with 503 UNAVAILABLE and Retry-After',
    async (kind) => {
      const res = await request(app.getHttpServer()).get(`/fail/${kind}`);
      expect(res.status).toBe(503);
      expect(res.body).toEqual({
        code: 'UNAVAILABLE',
        message: 'a part of the service did not answer in time; try again shortly',
        requestId: expect.any(String),
      });
      expect(res.headers['retry-after']).toBe(String(UNAVAILABLE_RETRY_AFTER_S));
    },
  );

  it('answers anything else unknown with 500 INTERNAL, naming nothing inside', async () => {
    const res = await request(app.getHttpServer()).get('/fail/bug');
    expect(res.status).toBe(500);
    expect(res.body.code).toBe('INTERNAL');
    expect(JSON.stringify(res.body)).not.toContain('properties');
    expect(res.headers['retry-after']).toBeUndefined();
  });

  it('keeps a domain error its code, status and headers, and a Nest one its status', async () => {
    const server = app.getHttpServer();
    expect((await request(server).get('/fail/domain')).body.code).toBe('DOOR_UNKNOWN');
    const limited = await request(server).get('/fail/rate-limited');
    expect([limited.status, limited.headers['retry-after']]).toEqual([429, '7']);
    const nest = await request(server).get('/fail/nest');
    expect([nest.status, nest.body.code]).toEqual([404, 'NOT_FOUND']);
  });
});
