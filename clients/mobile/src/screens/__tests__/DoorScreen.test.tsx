import { act, fireEvent, screen, waitFor } from '@testing-library/react-native';
import { FakeGateway, apiError, json, recordForms, type Answer } from '../../test/fake-gateway';
import { renderScreen } from '../../test/render';
import { DoorScreen, SCAN_PROMPT } from '../DoorScreen';

const CODE = 'RK1.R.0B3D9100AAAA4BBB8CCC0123456789AB.59712345.0123456789ABCDEF0123';
const REQUEST = '8d7c6b5a-4321-4abc-9def-0123456789ab';

const challenge = () => ({
  challengeId: '11111111-2222-4333-8444-555555555555',
  poses: ['left', 'up'],
  frames: 3,
  minGapMs: 0,
  maxGapMs: 10_000,
  expiresAt: new Date(Date.now() + 30_000).toISOString(),
});
const view = (status: string, reasons: string[] = []) => ({
  requestId: REQUEST,
  status,
  reasons,
  requestedAt: new Date().toISOString(),
  decidedAt: status === 'pending' ? null : new Date().toISOString(),
});

const scan = (text: string) =>
  act(() => {
    (globalThis as { __lastCameraProps?: { onBarcodeScanned?: (r: { data: string }) => void } })
      .__lastCameraProps!.onBarcodeScanned!({ data: text });
  });

function door(decision: () => Answer) {
  return new FakeGateway()
    .on('POST /v1/face/challenges', () => json(201, challenge()))
    .on('POST /v1/access-requests', json(202, { requestId: REQUEST }))
    .on('GET /v1/access-requests/{id}', decision);
}

async function answerPrompts(prompts: string[]) {
  for (const prompt of prompts) {
    expect(await screen.findByText(prompt)).toBeTruthy();
    fireEvent.press(screen.getByRole('button', { name: 'Take photo' }));
  }
}

/** The prompts of the challenge these tests are given: left, then up. */
const PROMPTS = ['Look straight at the camera', 'Turn your head to your left', 'Tilt your head up'];

describe('opening a door', () => {
  it('asks to point the camera at the code, and says when a code is not a door code', async () => {
    renderScreen(<DoorScreen />, { gateway: door(() => json(200, view('pending'))) });
    expect(screen.getByTestId('door-status')).toHaveTextContent(SCAN_PROMPT);
    await scan('RK1.P.someone-elses-pass');
    expect(screen.getByTestId('door-note')).toHaveTextContent('That is not a roomkey door code');
    expect(screen.getByTestId('door-status')).toHaveTextContent(SCAN_PROMPT);
  });

  it('follows the prompts, sends the code and the frames, and shows the door opening', async () => {
    let polls = 0;
    const forms = recordForms();
    const gateway = door(() => json(200, ++polls < 2 ? view('pending') : view('granted')));
    renderScreen(<DoorScreen />, { gateway });
    await scan(CODE);
    await answerPrompts(PROMPTS);
    expect(await screen.findByTestId('decision')).toHaveTextContent('Granted — the door is open');

    expect(gateway.requests('POST /v1/access-requests')).toHaveLength(1);
    expect(polls).toBe(2);
    const form = forms[forms.length - 1]!;
    expect(form.get('qr')).toEqual([CODE]);
    expect(form.get('challengeId')).toEqual(['11111111-2222-4333-8444-555555555555']);
    expect(String(form.get('frameTimes')![0])).toMatch(/^0,\d+,\d+$/);
    expect(form.get('face')).toHaveLength(3);
    expect(form.get('face')![0]).toMatchObject({
      type: 'image/jpeg',
      uri: expect.stringMatching(/^file:/),
    });
    expect(form.has('roomId')).toBe(false);
  });

  it('shows a denial with its reasons in plain words', async () => {
    renderScreen(<DoorScreen />, {
      gateway: door(() => json(200, view('denied', ['lockdown', 'face-spoof']))),
    });
    await scan(CODE);
    await answerPrompts(PROMPTS);
    const decision = await screen.findByTestId('decision');
    expect(decision).toHaveTextContent(/^Denied/);
    expect(decision).toHaveTextContent(/The room is locked down\./);
    expect(decision).toHaveTextContent(/That looked like a photo or a screen, not a person\./);
    fireEvent.press(screen.getByRole('button', { name: 'Open another door' }));
    expect(screen.getByTestId('door-status')).toHaveTextContent(SCAN_PROMPT);
  });

  it('says when the request could not be sent, and lets the person try again', async () => {
    const gateway = door(() => json(200, view('granted'))).on(
      'POST /v1/access-requests',
      apiError(422, 'ACTIVE_LIVENESS_REQUIRED', {
        message: 'This door needs the head-turn check.',
      }),
    );
    renderScreen(<DoorScreen />, { gateway });
    await scan(CODE);
    await answerPrompts(PROMPTS);
    expect(await screen.findByTestId('door-error')).toHaveTextContent(
      'This door needs the head-turn check.',
    );
    await waitFor(() => expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy());
  });
});
