import { memoryTokenStore } from '@roomkey/sdk';
import { fireEvent, screen, waitFor } from '@testing-library/react-native';
import { FakeGateway, apiError, json } from '../../test/fake-gateway';
import { renderScreen } from '../../test/render';
import { SignInScreen } from '../SignInScreen';

const PAIR = {
  tokenType: 'Bearer',
  accessToken: 'access-new',
  expiresIn: 900,
  refreshToken: `rkr_${'b'.repeat(43)}`,
  refreshExpiresIn: 86400,
};

function fill(email: string, password: string) {
  fireEvent.changeText(screen.getByLabelText('Email'), email);
  fireEvent.changeText(screen.getByLabelText('Password'), password);
}

describe('signing in', () => {
  it('keeps the tokens the API gives for the email and password', async () => {
    const gateway = new FakeGateway().on('POST /v1/auth/login', json(200, PAIR));
    const { tokens } = renderScreen(<SignInScreen />, { gateway, tokens: memoryTokenStore() });
    fill(' ada@example.org ', 'correct horse');
    fireEvent.press(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(tokens.get()?.accessToken).toBe('access-new'));
    expect(gateway.requests('POST /v1/auth/login')[0]!.body).toEqual({
      email: 'ada@example.org',
      password: 'correct horse',
    });
    expect(tokens.get()?.refreshToken).toBe(PAIR.refreshToken);
  });

  it('says when the email or password is wrong, and keeps no token', async () => {
    const gateway = new FakeGateway().on(
      'POST /v1/auth/login',
      apiError(401, 'INVALID_CREDENTIALS'),
    );
    const { tokens } = renderScreen(<SignInScreen />, { gateway, tokens: memoryTokenStore() });
    fill('ada@example.org', 'wrong');
    fireEvent.press(screen.getByText('Sign in'));
    expect(await screen.findByText('The email or the password is not right.')).toBeTruthy();
    expect(tokens.get()).toBeNull();
  });

  it('shows "No connection to roomkey" when the gateway cannot be reached', async () => {
    const gateway = new FakeGateway().on('POST /v1/auth/login', 'offline');
    renderScreen(<SignInScreen />, { gateway, tokens: memoryTokenStore() });
    fill('ada@example.org', 'pw');
    fireEvent.press(screen.getByText('Sign in'));
    expect(await screen.findByTestId('offline')).toHaveTextContent('No connection to roomkey');
    expect(screen.getByTestId('sign-in-error')).toHaveTextContent('No connection to roomkey');
  });
});

describe('creating an account', () => {
  function openRegister() {
    fireEvent.press(screen.getByRole('button', { name: 'Create an account' }));
    fireEvent.changeText(screen.getByLabelText('Your name'), 'Ada Lovelace');
    fill('ada@example.org', 'a long passphrase');
    fireEvent.press(screen.getByRole('button', { name: 'Create my account' }));
  }

  it('registers, then signs in with the same email and password', async () => {
    const gateway = new FakeGateway()
      .on('POST /v1/auth/register', json(201, { id: 'u1' }))
      .on('POST /v1/auth/login', json(200, PAIR));
    const { tokens } = renderScreen(<SignInScreen />, { gateway, tokens: memoryTokenStore() });
    openRegister();
    await waitFor(() => expect(tokens.get()?.accessToken).toBe('access-new'));
    expect(gateway.requests('POST /v1/auth/register')[0]!.body).toEqual({
      displayName: 'Ada Lovelace',
      email: 'ada@example.org',
      password: 'a long passphrase',
    });
  });

  it('says plainly that registration is closed when the site does not allow it', async () => {
    const gateway = new FakeGateway().on(
      'POST /v1/auth/register',
      apiError(403, 'SELF_REGISTRATION_DISABLED'),
    );
    renderScreen(<SignInScreen />, { gateway, tokens: memoryTokenStore() });
    openRegister();
    expect(await screen.findByTestId('sign-in-error')).toHaveTextContent(/Registration is closed/);
    expect(gateway.requests('POST /v1/auth/login')).toHaveLength(0);
  });
});
