import { RequestMethod, SetMetadata, Type } from '@nestjs/common';
import {
  HTTP_CODE_METADATA,
  METHOD_METADATA,
  PATH_METADATA,
  ROUTE_ARGS_METADATA,
} from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { z } from 'zod';
import { API_SCHEMAS, ApiSchemaName } from '@roomkey/contracts';
import { RouteAccess, routeAccess } from '../auth/decorators';
import { ZodPipe } from './zod-pipe';

/**
 * What a route's OpenAPI operation says beyond what the code declares already: its path and
 * method (`@Get`, `@Post`...), its status (`@HttpCode`), who may call it (`@Public`,
 * `@OptionalAuth`, `@Roles`), its JSON body and its query parameters (the schemas of its `@Body`
 * and `@Query` pipes).
 */
export interface OperationDoc {
  tag: string;
  summary: string;
  /** More than the summary, after the line saying who may call. */
  description?: string;
  /** A JSON body the handler validates itself rather than through a `@Body` pipe. */
  body?: ApiSchemaName;
  /** A multipart/form-data upload: the field the files go in, how many, and whether it may be left out. */
  upload?: { field: string; maxFiles: number; optional?: boolean };
  /** The success answer; `csv`: it also answers text/csv, `stream`: text/event-stream instead. */
  ok: { schema?: ApiSchemaName; description: string; csv?: boolean; stream?: boolean };
  /** A second success status answering the same schema (202: accepted, not done yet). */
  okToo?: { status: number; description: string };
  /** Every error status with its codes. */
  errors: Record<number, string>;
}

export const OPERATION_KEY = 'roomkey:operation';

/** Describes the route it decorates for the OpenAPI document; every served route has one. */
export const Operation = (doc: OperationDoc) => SetMetadata(OPERATION_KEY, doc);

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One route as its controller declares it. */
export interface Route {
  method: Method;
  /** As the OpenAPI document writes it: `/v1/users/{id}`. */
  path: string;
  /** As Nest and Express match it: `/v1/users/:id`. */
  pattern: string;
  /** The success status. */
  status: number;
  access: RouteAccess;
  /** The JSON body it takes, by its schema's name. */
  body?: ApiSchemaName;
  /** Its path parameters, each with the schema its `@Param` pipe validates with, if any. */
  params: Record<string, z.ZodType | undefined>;
  /** What its query parameters must be. */
  query?: z.ZodType;
  doc: OperationDoc;
  /** `Controller.handler`, to say where it is. */
  handler: string;
}

const SCHEMA_NAMES = new Map<unknown, ApiSchemaName>(
  Object.entries(API_SCHEMAS).map(([name, schema]) => [schema, name as ApiSchemaName]),
);

const joinPath = (...parts: string[]) =>
  `/${parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/')}`;

/**
 * The schema a handler's `@Body(new ZodPipe(...))`, `@Query(...)` or `@Param(data, ...)`
 * validates with.
 */
function pipedSchema(
  controller: Type<unknown>,
  name: string,
  param: RouteParamtypes.BODY | RouteParamtypes.QUERY | RouteParamtypes.PARAM,
  data?: string,
): z.ZodType | undefined {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<
    string,
    { data?: unknown; pipes?: unknown[] }
  >;
  const piped = Object.entries(args).find(
    ([key, arg]) => key.startsWith(`${param}:`) && arg.data === data,
  );
  return piped?.[1].pipes?.find((p): p is ZodPipe<z.ZodType> => p instanceof ZodPipe)?.schema;
}

/** A body by the name API_SCHEMAS gives its schema. */
function bodyOf(controller: Type<unknown>, name: string, where: string): ApiSchemaName | undefined {
  const schema = pipedSchema(controller, name, RouteParamtypes.BODY);
  if (!schema) return undefined;
  const schemaName = SCHEMA_NAMES.get(schema);
  if (!schemaName) throw new Error(`${where}: its body schema is not one of API_SCHEMAS`);
  return schemaName;
}

/**
 * Every route of these controllers, read from their decorators: the forwarding table, the
 * OpenAPI document and the authorisation matrix all come from here. A route without
 * `@Operation` is an error.
 */
export function routesOf(controllers: Type<unknown>[]): Route[] {
  return controllers.flatMap((controller) => {
    const base = Reflect.getMetadata(PATH_METADATA, controller) as string;
    const proto = controller.prototype as Record<string, object>;
    return Object.getOwnPropertyNames(proto).flatMap((name): Route[] => {
      const handler = proto[name]!;
      const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as
        RequestMethod | undefined;
      if (name === 'constructor' || requestMethod === undefined) return [];
      const method = RequestMethod[requestMethod].toLowerCase() as Method;
      const doc = Reflect.getMetadata(OPERATION_KEY, handler) as OperationDoc | undefined;
      const subs = [Reflect.getMetadata(PATH_METADATA, handler) as string | string[]].flat();
      return subs.map((sub): Route => {
        const pattern = joinPath(base, sub);
        const where = `${controller.name}.${name} (${method.toUpperCase()} ${pattern})`;
        if (!doc) throw new Error(`${where} has no @Operation`);
        const body = doc.body ?? bodyOf(controller, name, where);
        const query = pipedSchema(controller, name, RouteParamtypes.QUERY);
        const params = Object.fromEntries(
          [...pattern.matchAll(/:(\w+)/g)].map(([, param]) => [
            param!,
            pipedSchema(controller, name, RouteParamtypes.PARAM, param),
          ]),
        );
        return {
          method,
          path: pattern.replace(/:(\w+)/g, '{$1}'),
          pattern,
          status:
            (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ??
            (method === 'post' ? 201 : 200),
          access: routeAccess(handler, controller),
          params,
          ...(body ? { body } : {}),
          ...(query ? { query } : {}),
          doc,
          handler: `${controller.name}.${name}`,
        };
      });
    });
  });
}

/** Error notes many routes share. */
export const BAD_BODY =
  'VALIDATION_FAILED (a field is missing, unknown or of the wrong type) or MALFORMED_JSON';
export const BAD_ID = 'VALIDATION_FAILED (the id is not a UUID)';
export const BAD_QUERY = 'VALIDATION_FAILED (a query parameter)';
export const TOKEN = 'TOKEN_MISSING or TOKEN_INVALID';
export const ADMIN_ONLY = 'INSUFFICIENT_ROLE (admin only)';
export const STAFF_ONLY = 'INSUFFICIENT_ROLE (admin or security only)';
export const RATE_LIMITED = 'RATE_LIMITED (too many from this caller); see Retry-After';
