import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ResetPassword } from './Password';

const TOKEN = `rkp_${'A'.repeat(43)}`;

function open(hash: string) {
  window.history.replaceState(null, '', `/reset-password${hash}`);
  render(
    <MemoryRouter>
      <ResetPassword />
    </MemoryRouter>,
  );
}

const type = (label: string, value: string) =>
  fireEvent.change(screen.getByLabelText(label), { target: { value } });

describe('the reset link page', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('sends the link’s token with the new password, and takes the token out of the address', async () => {
    const sent: unknown[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (request: Request) => {
        sent.push({ url: new URL(request.url).pathname, body: await request.json() });
        return new Response(null, { status: 204 });
      }),
    );
    open(`#token=${TOKEN}`);
    expect(window.location.hash).toBe('');
    type('New password', 'a fresh passphrase');
    type('New password again', 'a fresh passphrase');
    fireEvent.click(screen.getByRole('button', { name: 'Set password' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('is set'));
    expect(sent).toEqual([
      {
        url: '/v1/auth/password-reset',
        body: { token: TOKEN, newPassword: 'a fresh passphrase' },
      },
    ]);
  });

  it('shows the API’s reason when the link is used up, and sends nothing for differing passwords', async () => {
    const fetch = vi.fn(async () =>
      Response.json(
        { code: 'RESET_TOKEN_INVALID', message: 'this reset link is unknown, used or expired' },
        { status: 400 },
      ),
    );
    vi.stubGlobal('fetch', fetch);
    open(`#token=${TOKEN}`);
    type('New password', 'a fresh passphrase');
    type('New password again', 'another passphrase');
    fireEvent.click(screen.getByRole('button', { name: 'Set password' }));
    expect(fetch).not.toHaveBeenCalled();
    type('New password again', 'a fresh passphrase');
    fireEvent.click(screen.getByRole('button', { name: 'Set password' }));
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toContain('RESET_TOKEN_INVALID'),
    );
  });

  it('asks for a link when opened without one', () => {
    open('');
    expect(screen.getByRole('alert').textContent).toContain('ask them for a new one');
  });
});
