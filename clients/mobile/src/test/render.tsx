import { memoryTokenStore, type TokenStore } from '@roomkey/sdk';
import { render } from '@testing-library/react-native';
import type { ReactElement } from 'react';
import { SessionProvider } from '../session/SessionProvider';
import { OfflineBanner } from '../ui/OfflineBanner';
import { FakeGateway } from './fake-gateway';

export const BASE = 'http://gateway.test';

export function signedInTokens(): TokenStore {
  const tokens = memoryTokenStore();
  tokens.set({ accessToken: 'access-1', refreshToken: `rkr_${'a'.repeat(43)}` });
  return tokens;
}

/** A screen inside a session that talks to the fake gateway, with the offline banner above. */
export function renderScreen(
  screen: ReactElement,
  {
    gateway = new FakeGateway(),
    tokens = signedInTokens(),
  }: { gateway?: FakeGateway; tokens?: TokenStore } = {},
) {
  const utils = render(
    <SessionProvider baseUrl={BASE} tokens={tokens} fetch={gateway.fetch as typeof fetch}>
      <OfflineBanner />
      {screen}
    </SessionProvider>,
  );
  return { ...utils, gateway, tokens };
}
