import { useState } from 'react';
import { StyleSheet, Text, TextInput } from 'react-native';
import { registerMessage, signInMessage } from '../lib/errors';
import { useSession } from '../session/SessionProvider';
import { Button } from '../ui/Button';
import { Notice } from '../ui/Notice';
import { Screen } from '../ui/Screen';
import { Title } from '../ui/Title';
import { colors, font, space } from '../ui/theme';

/** Sign in with email and password; create an account where the site lets anyone register. */
export function SignInScreen() {
  const { signIn, register } = useSession();
  const [mode, setMode] = useState<'sign-in' | 'register'>('sign-in');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      if (mode === 'sign-in') await signIn(email.trim(), password);
      else await register(name.trim(), email.trim(), password);
    } catch (err) {
      setError(mode === 'sign-in' ? signInMessage(err) : registerMessage(err));
      setBusy(false);
    }
  };

  const switchTo = (next: typeof mode) => {
    setMode(next);
    setError(null);
  };

  return (
    <Screen>
      <Title>{mode === 'sign-in' ? 'Sign in to roomkey' : 'Create an account'}</Title>
      {mode === 'register' && (
        <Field label="Your name" value={name} onChangeText={setName} autoComplete="name" />
      )}
      <Field
        label="Email"
        value={email}
        onChangeText={setEmail}
        autoComplete="email"
        keyboardType="email-address"
      />
      <Field
        label="Password"
        value={password}
        onChangeText={setPassword}
        autoComplete={mode === 'sign-in' ? 'current-password' : 'new-password'}
        secure
        onSubmitEditing={() => void submit()}
      />
      {error && <Notice kind="error" text={error} testID="sign-in-error" />}
      {mode === 'sign-in' ? (
        <>
          <Button label="Sign in" onPress={() => void submit()} disabled={busy} />
          <Button label="Create an account" kind="secondary" onPress={() => switchTo('register')} />
        </>
      ) : (
        <>
          <Button label="Create my account" onPress={() => void submit()} disabled={busy} />
          <Button
            label="I already have an account"
            kind="secondary"
            onPress={() => switchTo('sign-in')}
          />
        </>
      )}
    </Screen>
  );
}

function Field({
  label,
  value,
  onChangeText,
  autoComplete,
  keyboardType,
  secure,
  onSubmitEditing,
}: {
  label: string;
  value: string;
  onChangeText: (text: string) => void;
  autoComplete: 'name' | 'email' | 'current-password' | 'new-password';
  keyboardType?: 'email-address';
  secure?: boolean;
  onSubmitEditing?: () => void;
}) {
  return (
    <>
      <Text style={styles.label}>{label}</Text>
      <TextInput
        value={value}
        onChangeText={onChangeText}
        accessibilityLabel={label}
        testID={label}
        autoComplete={autoComplete}
        autoCapitalize={autoComplete === 'name' ? 'words' : 'none'}
        autoCorrect={false}
        keyboardType={keyboardType}
        secureTextEntry={secure}
        onSubmitEditing={onSubmitEditing}
        style={styles.input}
      />
    </>
  );
}

const styles = StyleSheet.create({
  label: { fontSize: font.body, color: colors.text, marginTop: space.s, marginBottom: space.xs },
  input: {
    minHeight: 48,
    borderWidth: 1,
    borderColor: colors.border,
    borderRadius: 8,
    paddingHorizontal: space.s + 4,
    paddingVertical: space.s,
    fontSize: font.body,
    color: colors.text,
  },
});
