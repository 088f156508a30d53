import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StaffProvider } from '../session';
import { Webhooks } from './Webhooks';

const ADMIN = {
  id: '11111111-1111-4111-8111-111111111111',
  email: 'admin@example.com',
  displayName: 'Admin',
  roles: ['admin'],
  status: 'active',
};
const ENDPOINT = {
  id: '22222222-2222-4222-8222-222222222222',
  url: 'https://hooks.example.com/roomkey',
  events: ['access.decided'],
  description: 'the ticketing system',
  enabled: false,
  failures: 20,
  disabledAt: '2026-01-15T09:30:00.000Z',
  createdAt: '2026-01-14T09:30:00.000Z',
  createdBy: ADMIN.id,
};
const DELIVERY = {
  id: '33333333-3333-4333-8333-333333333333',
  endpointId: ENDPOINT.id,
  messageId: '44444444-4444-4444-8444-444444444444',
  type: 'access.decided',
  state: 'delivered',
  attempts: [
    {
      at: '2026-01-15T09:30:01.000Z',
      status: 500,
      error: null,
      response: 'try later',
      durationMs: 12,
    },
    { at: '2026-01-15T09:30:11.000Z', status: 200, error: null, response: 'ok', durationMs: 9 },
  ],
  nextAttemptAt: null,
  createdAt: '2026-01-15T09:30:00.000Z',
  deliveredAt: '2026-01-15T09:30:11.000Z',
  body: '{"type":"access.decided"}',
};

/** The API as the page sees it: each call recorded, answered from the table. */
function fakeApi() {
  const calls: { method: string; path: string; body?: unknown }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (request: Request) => {
      const path = new URL(request.url).pathname;
      const body =
        request.method === 'POST' ? await request.json().catch(() => undefined) : undefined;
      calls.push({ method: request.method, path, body });
      const json = (status: number, value: unknown) =>
        new Response(JSON.stringify(value), {
          status,
          headers: { 'content-type': 'application/json' },
        });
      if (path === '/v1/me') return json(200, ADMIN);
      if (path === '/v1/webhooks' && request.method === 'GET') return json(200, [ENDPOINT]);
      if (path === '/v1/webhooks' && request.method === 'POST') {
        return json(201, {
          ...ENDPOINT,
          id: DELIVERY.messageId,
          enabled: true,
          secret: 'whsec_SECRET',
        });
      }
      if (path.endsWith('/deliveries')) return json(200, { items: [DELIVERY], next: null });
      if (path.endsWith('/enable')) return json(200, { ...ENDPOINT, enabled: true, failures: 0 });
      return json(404, { code: 'NOT_FOUND', message: 'no', requestId: 'r' });
    }),
  );
  return calls;
}

function open() {
  sessionStorage.setItem(
    'roomkey.admin.tokens',
    JSON.stringify({ accessToken: 'a', refreshToken: 'r' }),
  );
  render(
    <MemoryRouter>
      <StaffProvider signedOut={() => <p>signed out</p>}>
        <Webhooks />
      </StaffProvider>
    </MemoryRouter>,
  );
}

describe('the webhooks page', () => {
  afterEach(() => {
    cleanup();
    sessionStorage.clear();
    vi.unstubAllGlobals();
  });

  it('lists endpoints, and an endpoint’s deliveries with each attempt and what it got', async () => {
    fakeApi();
    open();
    const row = (await screen.findByText(ENDPOINT.url)).closest('tr')!;
    expect(row.textContent).toContain('disabled since');
    expect(row.textContent).toContain('20');
    fireEvent.click(within(row).getByRole('button', { name: 'Deliveries' }));
    const summary = await screen.findByText('HTTP 200');
    const details = summary.closest('details')!;
    expect(details.textContent).toContain('HTTP 500 in 12 ms');
    expect(details.textContent).toContain('try later');
    expect(details.textContent).toContain(DELIVERY.messageId);
  });

  it('registers an endpoint for the event types ticked and shows its secret once', async () => {
    const calls = fakeApi();
    open();
    await screen.findByText(ENDPOINT.url);
    const register = screen.getByRole('button', { name: 'Register' }) as HTMLButtonElement;
    expect(register.disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('HTTPS URL'), {
      target: { value: 'https://hooks.example.com/new' },
    });
    fireEvent.click(screen.getByLabelText('Door forced'));
    fireEvent.click(screen.getByLabelText('Alert opened'));
    fireEvent.click(register);
    await waitFor(() => expect(screen.getByTestId('secret').textContent).toBe('whsec_SECRET'));
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      url: 'https://hooks.example.com/new',
      events: ['door.forced', 'alert.opened'],
    });
    fireEvent.click(screen.getByRole('button', { name: 'I have copied it' }));
    expect(screen.queryByTestId('secret')).toBeNull();
  });

  it('enables a disabled endpoint again', async () => {
    const calls = fakeApi();
    open();
    fireEvent.click(await screen.findByRole('button', { name: 'Enable' }));
    await waitFor(() =>
      expect(calls.some((c) => c.path === `/v1/webhooks/${ENDPOINT.id}/enable`)).toBe(true),
    );
  });
});
