import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { Id, ListPermissionsQuery, RenameBody } from '@roomkey/contracts';
import { OptionalAuth, Public, Roles } from '../auth/decorators';
import { openApiDocument } from './openapi';
import { BAD_ID, Operation, routesOf, TOKEN } from './routes';
import { ZodPipe } from './zod-pipe';

@Controller('v1/things')
@Roles('admin')
class ThingsController {
  @Get()
  @Roles('admin', 'security')
  @Operation({
    tag: 't',
    summary: 'List',
    ok: { schema: 'RoomList', description: 'The list' },
    errors: { 401: TOKEN },
  })
  list(@Query(new ZodPipe(ListPermissionsQuery, 'query')) _query: ListPermissionsQuery) {}

  @Post(':id/rename')
  @HttpCode(200)
  @Operation({
    tag: 't',
    summary: 'Rename',
    ok: { schema: 'RoomView', description: 'Renamed' },
    errors: { 400: BAD_ID },
  })
  rename(
    @Param('id', new ZodPipe(Id, 'thing id')) _id: string,
    @Body(new ZodPipe(RenameBody)) _body: RenameBody,
  ) {}

  @Delete(':id')
  @HttpCode(204)
  @Public()
  @Operation({ tag: 't', summary: 'Delete', ok: { description: 'Deleted' }, errors: {} })
  remove() {}

  @Post()
  @OptionalAuth()
  @Roles('member')
  @Operation({
    tag: 't',
    summary: 'Upload',
    upload: { field: 'images', maxFiles: 3 },
    ok: { description: 'Stored' },
    errors: {},
  })
  upload() {}
}

@Controller()
class UndescribedController {
  @Get('v1/bare')
  bare() {}
}

describe('routes read from their controllers', () => {
  const routes = routesOf([ThingsController]);
  const route = (handler: string) => routes.find((r) => r.handler.endsWith(`.${handler}`))!;

  it('takes path, method, status, access and body from the decorators the code runs with', () => {
    expect(route('list')).toMatchObject({
      method: 'get',
      path: '/v1/things',
      status: 200,
      access: { token: 'required', roles: ['admin', 'security'] },
    });
    expect(route('rename')).toMatchObject({
      method: 'post',
      path: '/v1/things/{id}/rename',
      pattern: '/v1/things/:id/rename',
      status: 200,
      access: { token: 'required', roles: ['admin'] },
      body: 'RenameBody',
    });
    expect(route('remove')).toMatchObject({
      method: 'delete',
      status: 204,
      access: { token: 'none' },
    });
    expect(route('upload')).toMatchObject({
      status: 201,
      access: { token: 'optional', roles: ['member'] },
    });
    expect(route('upload').body).toBeUndefined();
    expect(route('list').query).toBe(ListPermissionsQuery);
  });

  it('refuses a route without @Operation, naming it', () => {
    expect(() => routesOf([UndescribedController])).toThrow(
      'UndescribedController.bare (GET /v1/bare) has no @Operation',
    );
  });

  it('documents who may call, the body, the answers and only the schemas named', () => {
    const doc = openApiDocument({ title: 't', description: 'd' }, routes);
    const list = doc.paths['/v1/things']!.get!;
    expect(list.description).toBe('Needs an admin or security access token.');
    expect(list.security).toEqual([{ bearer: [] }]);
    const uuid = { type: 'string', format: 'uuid', pattern: expect.any(String) };
    expect(list.parameters).toEqual([
      { name: 'roomId', in: 'query', required: false, schema: uuid, description: 'Only this room' },
      { name: 'userId', in: 'query', required: false, schema: uuid, description: 'Only this user' },
    ]);
    const rename = doc.paths['/v1/things/{id}/rename']!.post!;
    expect(rename.parameters).toEqual([{ name: 'id', in: 'path', required: true, schema: uuid }]);
    expect(doc.paths['/v1/things/{id}']!.delete!.parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
    ]);
    expect(rename.requestBody).toEqual({
      required: true,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/RenameBody' } } },
    });
    // Every operation may find its database or broker not answering (HttpErrorFilter).
    expect(Object.keys(rename.responses)).toEqual(['200', '400', '503']);
    expect(rename.responses['503']).toMatchObject({
      description: expect.stringMatching(/^UNAVAILABLE \(/),
    });
    const remove = doc.paths['/v1/things/{id}']!.delete!;
    expect(remove.description).toBe('No token needed.');
    expect(remove.security).toBeUndefined();
    expect(remove.responses['204']).toEqual({ description: 'Deleted' });
    const upload = doc.paths['/v1/things']!.post!;
    expect(upload.security).toEqual([{}, { bearer: [] }]);
    expect(upload.requestBody).toMatchObject({
      content: { 'multipart/form-data': { schema: { required: ['images'] } } },
    });
    expect(Object.keys(doc.components!.schemas!).sort()).toEqual(
      ['ErrorBody', 'RenameBody', 'RoomList', 'RoomView'].sort(),
    );
  });

  it('refuses one method and path declared twice', () => {
    expect(() =>
      openApiDocument({ title: 't', description: 'd' }, [...routes, route('list')]),
    ).toThrow('GET /v1/things is declared twice');
  });
});
