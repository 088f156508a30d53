import { act, fireEvent, screen } from '@testing-library/react-native';
import { Text } from 'react-native';
import { FakeGateway, json } from '../../test/fake-gateway';
import { renderScreen } from '../../test/render';
import { Button } from '../../ui/Button';
import { useSession } from '../SessionProvider';

function SignOutProbe() {
  const { signedIn, signOut } = useSession();
  return (
    <>
      <Text testID="state">{signedIn ? 'in' : 'out'}</Text>
      <Button label="Sign out" onPress={() => void signOut()} />
    </>
  );
}

describe('the session', () => {
  it('signs out with the refresh token and forgets the tokens', async () => {
    const gateway = new FakeGateway().on('POST /v1/auth/logout', json(204));
    const { tokens } = renderScreen(<SignOutProbe />, { gateway });
    const refreshToken = tokens.get()!.refreshToken;
    await act(async () => fireEvent.press(screen.getByRole('button', { name: 'Sign out' })));
    expect(gateway.requests('POST /v1/auth/logout')[0]!.body).toEqual({ refreshToken });
    expect(tokens.get()).toBeNull();
    expect(screen.getByTestId('state')).toHaveTextContent('out');
  });

  it('signs out on the phone even when roomkey cannot be reached', async () => {
    const gateway = new FakeGateway().on('POST /v1/auth/logout', 'offline');
    const { tokens } = renderScreen(<SignOutProbe />, { gateway });
    await act(async () => fireEvent.press(screen.getByRole('button', { name: 'Sign out' })));
    expect(tokens.get()).toBeNull();
    expect(screen.getByTestId('state')).toHaveTextContent('out');
  });
});
