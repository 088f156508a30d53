/**
 * A small in-memory gateway for the screens' tests: routes answer like the real API (status,
 * JSON body, error bodies with a code), and every request is recorded for the test to check.
 * A route can also throw, as fetch does when there is no network.
 */
export interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: unknown;
  form?: Map<string, unknown[]>;
}

export type Answer = { status: number; body?: unknown } | 'offline';
type Handler = (seen: Seen, count: number) => Answer | Promise<Answer>;

export const json = (status: number, body?: unknown): Answer => ({ status, body });
export const apiError = (status: number, code: string, extra: object = {}): Answer => ({
  status,
  body: { code, message: code.toLowerCase().replace(/_/g, ' '), requestId: 'req-1', ...extra },
});

/**
 * The forms the screens build, field by field. A form body does not survive being wrapped in a
 * Request in the test environment, so the forms are recorded where they are filled.
 */
export function recordForms(): Map<string, unknown[]>[] {
  const forms = new WeakMap<object, Map<string, unknown[]>>();
  const all: Map<string, unknown[]>[] = [];
  const append = FormData.prototype.append;
  jest.spyOn(FormData.prototype, 'append').mockImplementation(function (
    this: FormData,
    name: string,
    value: unknown,
    ...rest: unknown[]
  ) {
    let fields = forms.get(this);
    if (!fields) {
      fields = new Map();
      forms.set(this, fields);
      all.push(fields);
    }
    fields.set(name, [...(fields.get(name) ?? []), value]);
    return (append as (...a: unknown[]) => void).call(this, name, value, ...rest);
  });
  return all;
}

export class FakeGateway {
  readonly seen: Seen[] = [];
  private routes = new Map<string, Handler>();
  private counts = new Map<string, number>();

  on(route: string, handler: Handler | Answer): this {
    this.routes.set(route, typeof handler === 'function' ? handler : () => handler);
    return this;
  }

  requests(route: string): Seen[] {
    const [method, path] = route.split(' ');
    return this.seen.filter((s) => s.method === method && s.path === path);
  }

  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    const url = new URL(request.url);
    const body = await readBody(request, init);
    const seen: Seen = {
      method: request.method,
      path: url.pathname,
      query: url.searchParams,
      headers: request.headers,
      body: body.value,
      form: body.form,
    };
    this.seen.push(seen);
    const key = `${seen.method} ${seen.path}`;
    const route =
      this.routes.get(key) ?? [...this.routes.entries()].find(([k]) => matches(k, key))?.[1];
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    if (!route)
      return new Response(JSON.stringify({ code: 'NOT_FOUND', message: key }), { status: 404 });
    const answer = await route(seen, count);
    if (answer === 'offline') throw new TypeError('Network request failed');
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'content-type': 'application/json' },
    });
  };
}

const matches = (pattern: string, key: string) =>
  new RegExp(
    `^${pattern.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`,
  ).test(key);

/** The body as the test wants to see it: JSON parsed, or a form's fields by name. */
async function readBody(
  request: Request,
  init?: RequestInit,
): Promise<{ value: unknown; form?: Map<string, unknown[]> }> {
  const raw = init?.body ?? (request as unknown as { _bodyInit?: unknown })._bodyInit;
  if (raw && typeof raw === 'object' && typeof (raw as FormData).getAll === 'function') {
    return { value: raw, form: formFields(raw as FormData) };
  }
  if (request.method === 'GET' || request.method === 'HEAD') return { value: undefined };
  const text = await request
    .clone()
    .text()
    .catch(() => '');
  try {
    return { value: text ? JSON.parse(text) : undefined };
  } catch {
    return { value: text };
  }
}

function formFields(form: FormData): Map<string, unknown[]> {
  const fields = new Map<string, unknown[]>();
  const parts = (form as unknown as { _parts?: [string, unknown][] })._parts;
  const entries: [string, unknown][] = parts ?? [
    ...(form as unknown as Iterable<[string, unknown]>),
  ];
  for (const [name, value] of entries) fields.set(name, [...(fields.get(name) ?? []), value]);
  return fields;
}
