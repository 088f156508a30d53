import { act, screen } from '@testing-library/react-native';
import { FakeGateway, apiError, json } from '../../test/fake-gateway';
import { renderScreen } from '../../test/render';
import { PassScreen } from '../PassScreen';

const pass = (n: number, refreshInSeconds = 50) => ({
  payload: `RK1.P.pass-${n}`,
  svg: '<svg/>',
  png: `cG5n${n}`,
  expiresAt: new Date(Date.now() + 60_000).toISOString(),
  refreshInSeconds,
});

const flush = () =>
  act(async () => {
    await Promise.resolve();
  });

describe('my pass', () => {
  beforeEach(() => jest.useFakeTimers({ now: Date.parse('2026-12-04T10:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('shows the code and fetches a new one when the API says, not before', async () => {
    let n = 0;
    const gateway = new FakeGateway().on('GET /v1/me/pass', () => json(200, pass(++n)));
    renderScreen(<PassScreen />, { gateway });
    expect(await screen.findByLabelText('Your pass code')).toHaveProp('source', {
      uri: 'data:image/png;base64,cG5n1',
    });
    await act(() => jest.advanceTimersByTimeAsync(49_000));
    expect(gateway.requests('GET /v1/me/pass')).toHaveLength(1);
    await act(() => jest.advanceTimersByTimeAsync(1_500));
    await flush();
    expect(gateway.requests('GET /v1/me/pass')).toHaveLength(2);
    expect(screen.getByLabelText('Your pass code')).toHaveProp('source', {
      uri: 'data:image/png;base64,cG5n2',
    });
  });

  it('says what went wrong and tries again by itself', async () => {
    const gateway = new FakeGateway().on('GET /v1/me/pass', (_s, count) =>
      count === 1 ? apiError(503, 'UPSTREAM_UNAVAILABLE') : json(200, pass(count)),
    );
    renderScreen(<PassScreen />, { gateway });
    expect(await screen.findByTestId('pass-error')).toHaveTextContent(/not answering/);
    await act(() => jest.advanceTimersByTimeAsync(2_100));
    await flush();
    expect(await screen.findByLabelText('Your pass code')).toBeTruthy();
    expect(screen.queryByTestId('pass-error')).toBeNull();
  });
});
