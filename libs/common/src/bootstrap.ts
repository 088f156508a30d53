import { DynamicModule, INestApplication, Logger as NestLogger, Type } from '@nestjs/common';
import type { Server } from 'node:http';
import { NestFactory } from '@nestjs/core';
import type { KafkaOptions } from '@nestjs/microservices';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { OpenAPIObject } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { HttpConfig } from './config/fragments';
import { HttpErrorFilter } from './http/error-filter';
import { jsonBody, requireJsonBody } from './http/body';
import { HttpDrain } from './http/drain';
import { closeOnSignals } from './runtime/close-on-signals';
import { serveOpenApi } from './http/openapi';
import { securityHeaders } from './http/security-headers';
import { stopTracing } from './tracing/tracing';
import { traceHttp } from './tracing/trace-http';

export interface AppOptions {
  name: string;
  module: Type<unknown> | DynamicModule;
  config: HttpConfig;
  /** The app's Kafka consumer, when it consumes topics. */
  consumer?: KafkaOptions;
  /** Largest JSON body accepted (body-parser syntax); larger is a 413. */
  bodyLimit?: string;
  /**
   * Which peers may set X-Forwarded-For (Express "trust proxy"): "true"/"false", a hop count, or
   * names and subnets ("loopback, 10.0.0.0/8"). Default: none, the client is the TCP peer.
   */
  trustProxy?: string;
  /** The app's OpenAPI document, served at /docs (UI) and /docs-json. */
  openApi?: () => OpenAPIObject;
  /** Extra wiring before the app starts (routes outside Nest). */
  setup?: (app: NestExpressApplication) => void | Promise<void>;
}

/** Builds an app with the wiring every roomkey app shares; it is not listening yet. */
export async function createApp(opts: AppOptions): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(opts.module, {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  const drain = new HttpDrain();
  app.use(drain.middleware);
  app.disable('x-powered-by');
  if (opts.trustProxy) app.set('trust proxy', trustProxySetting(opts.trustProxy));
  for (const handler of securityHeaders()) app.use(handler);
  app.use(traceHttp);
  app.use(requireJsonBody);
  for (const handler of jsonBody(opts.bodyLimit ?? '16kb')) app.use(handler);
  app.useGlobalFilters(new HttpErrorFilter());
  closeOnSignals(app, app.getHttpServer() as Server, drain, opts.config.SHUTDOWN_DRAIN_MS);
  if (opts.consumer) app.connectMicroservice(opts.consumer, { inheritAppConfig: true });
  if (opts.openApi) serveOpenApi(app, opts.openApi);
  await opts.setup?.(app);
  return app;
}

/** Starts consumers and HTTP; a signal closes them (`closeOnSignals`). */
export async function startApp(app: INestApplication, opts: AppOptions): Promise<void> {
  if (opts.consumer) await app.startAllMicroservices();
  await app.listen(opts.config.PORT, opts.config.HOST);
  new NestLogger(opts.name).log(`${opts.name} listening on ${await app.getUrl()}`);
}

export async function runApp(opts: AppOptions): Promise<INestApplication> {
  const app = await createApp(opts);
  await startApp(app, opts);
  return app;
}

/** The end of every main.ts: a boot failure is reported in one line and exits non-zero. */
export function bootFailed(name: string) {
  return async (err: unknown): Promise<void> => {
    console.error(`${name} failed to start: ${err instanceof Error ? err.message : String(err)}`);
    await stopTracing().catch(() => undefined);
    process.exit(1);
  };
}

function trustProxySetting(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}
