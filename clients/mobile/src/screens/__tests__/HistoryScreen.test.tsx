import { act, fireEvent, screen, waitFor } from '@testing-library/react-native';
import { FakeGateway, json } from '../../test/fake-gateway';
import { renderScreen } from '../../test/render';
import { HistoryScreen, PAGE_SIZE, REFRESH_MS } from '../HistoryScreen';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const item = (n: number, decision: 'granted' | 'denied', reasons: string[] = []) => ({
  requestId: id(n),
  decision,
  reasons,
  requestedAt: '2026-12-04T10:00:00Z',
  decidedAt: '2026-12-04T10:00:01Z',
});

describe('my history', () => {
  it('shows my requests a page at a time, asking for the next after the last one read', async () => {
    const gateway = new FakeGateway().on('GET /v1/me/history', (seen) =>
      seen.query.get('after')
        ? json(200, { items: [item(3, 'granted')], next: null })
        : json(200, {
            items: [item(1, 'granted'), item(2, 'denied', ['no-permission'])],
            next: id(2),
          }),
    );
    renderScreen(<HistoryScreen />, { gateway });
    expect(await screen.findAllByTestId('history-item')).toHaveLength(2);
    expect(
      screen.getByText('Denied: You have no permission for this room at this time.'),
    ).toBeTruthy();
    fireEvent.press(screen.getByRole('button', { name: 'Show older' }));
    await waitFor(() => expect(screen.getAllByTestId('history-item')).toHaveLength(3));
    const asked = gateway.requests('GET /v1/me/history');
    expect(asked.map((s) => s.query.get('after'))).toEqual([null, id(2)]);
    expect(asked[0]!.query.get('limit')).toBe(String(PAGE_SIZE));
    expect(screen.queryByRole('button', { name: 'Show older' })).toBeNull();
  });

  it('while open, adds a request that reached the log after the screen opened', async () => {
    jest.useFakeTimers();
    try {
      let logged = [item(1, 'denied', ['no-permission'])];
      const gateway = new FakeGateway().on('GET /v1/me/history', () =>
        json(200, { items: logged, next: null }),
      );
      renderScreen(<HistoryScreen />, { gateway });
      expect(await screen.findAllByTestId('history-item')).toHaveLength(1);
      logged = [item(2, 'granted'), ...logged];
      await act(() => jest.advanceTimersByTimeAsync(REFRESH_MS + 100));
      const shown = screen.getAllByTestId('history-item');
      expect(shown).toHaveLength(2);
      expect(shown[0]).toHaveTextContent(/Granted/);
    } finally {
      jest.useRealTimers();
    }
  });

  it('says when there is nothing yet', async () => {
    const gateway = new FakeGateway().on(
      'GET /v1/me/history',
      json(200, { items: [], next: null }),
    );
    renderScreen(<HistoryScreen />, { gateway });
    expect(await screen.findByText('No door requests yet.')).toBeTruthy();
  });

  it('shows the offline banner and a way to try again when there is no connection', async () => {
    let online = false;
    const gateway = new FakeGateway().on('GET /v1/me/history', () =>
      online ? json(200, { items: [item(1, 'granted')], next: null }) : 'offline',
    );
    renderScreen(<HistoryScreen />, { gateway });
    expect(await screen.findByTestId('offline')).toHaveTextContent('No connection to roomkey');
    online = true;
    fireEvent.press(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findAllByTestId('history-item')).toHaveLength(1);
    expect(screen.queryByTestId('offline')).toBeNull();
  });
});
