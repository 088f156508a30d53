import { ApiError, unwrap, type Schemas } from '@roomkey/sdk';
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { Platform, StyleSheet, Text, View } from 'react-native';
import { Camera, type CameraHandle } from '../camera/Camera';
import { filePart, type Photo } from '../camera/photo';
import {
  currentPrompt,
  framesWanted,
  step,
  waitBeforeFrame,
  type FlowEvent,
  type FlowState,
} from '../lib/challenge-flow';
import { followDecision } from '../lib/decision-feed';
import { errorMessage } from '../lib/errors';
import { accessRequestForm } from '../lib/forms';
import { decisionHeadline, reasonInWords } from '../lib/reasons';
import { useSession } from '../session/SessionProvider';
import { Button } from '../ui/Button';
import { Notice } from '../ui/Notice';
import { Screen } from '../ui/Screen';
import { Title } from '../ui/Title';
import { colors, font, space } from '../ui/theme';

export const SCAN_PROMPT = "Point the camera at the door's code";

type State = FlowState<Photo>;
const reducer = (state: State, event: FlowEvent<Photo>): State => step(state, event);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Open a door: read the door's rotating code with the camera, answer the head-turn challenge
 * one prompt at a time, send the photos, and show the decision as it comes.
 */
export function DoorScreen() {
  const { session, call } = useSession();
  const [state, dispatch] = useReducer(reducer, { kind: 'scanning' } as State);
  const camera = useRef<CameraHandle>(null);
  const [taking, setTaking] = useState(false);
  const [pending, setPending] = useState(false);
  const [cameraReady, setCameraReady] = useState(false);
  // The back camera reads the door's code; the front one warms up while the challenge comes.
  const facing = state.kind === 'scanning' ? 'back' : 'front';
  // The camera is mounted anew for the other side (key below): wait until it is ready again.
  const [readyFacing, setReadyFacing] = useState(facing);
  if (readyFacing !== facing) {
    setReadyFacing(facing);
    setCameraReady(false);
  }

  // A new challenge each time the flow (re)starts.
  const startingCode = state.kind === 'starting' ? state.code : null;
  useEffect(() => {
    if (!startingCode) return;
    let alive = true;
    call(() => unwrap(session.api.POST('/v1/face/challenges')))
      .then((challenge) => alive && dispatch({ type: 'challenge', challenge }))
      .catch((err) => alive && dispatch({ type: 'failed', message: errorMessage(err) }));
    return () => {
      alive = false;
    };
  }, [startingCode, session, call]);

  // While posing, the time limits run even when no button is pressed.
  const posing = state.kind === 'posing';
  useEffect(() => {
    if (!posing) return;
    const timer = setInterval(() => dispatch({ type: 'tick', now: Date.now() }), 500);
    return () => clearInterval(timer);
  }, [posing]);

  // All frames taken: send them.
  const sending = state.kind === 'sending' ? state : null;
  useEffect(() => {
    if (!sending) return;
    let alive = true;
    const send = async () => {
      const frames = await Promise.all(
        sending.frames.map(async (f, i) => ({
          at: f.at,
          photo: await filePart(f.photo, `frame-${i}.jpg`),
        })),
      );
      const form = accessRequestForm(
        new FormData(),
        { qr: sending.code.payload, challengeId: sending.challenge.challengeId },
        frames,
      );
      const res = await call(() =>
        session.fetch('/v1/access-requests', { method: 'POST', body: form as unknown as BodyInit }),
      );
      const body = (await res.json().catch(() => ({}))) as Partial<
        Schemas['AccessRequestAccepted'] & Schemas['ErrorBody']
      >;
      if (!res.ok || !body.requestId) {
        throw new ApiError(res.status, body.code ?? `HTTP_${res.status}`, body.message ?? '');
      }
      return body.requestId;
    };
    send()
      .then((requestId) => alive && dispatch({ type: 'accepted', requestId }))
      .catch((err) => alive && dispatch({ type: 'failed', message: errorMessage(err) }));
    return () => {
      alive = false;
    };
  }, [sending, session, call]);

  // Sent: follow the decision live.
  const requestId = state.kind === 'deciding' ? state.requestId : null;
  useEffect(() => {
    if (!requestId) return;
    let alive = true;
    call(() =>
      followDecision({
        session,
        requestId,
        stream: Platform.OS === 'web',
        isCancelled: () => !alive,
        onView: (view) => alive && setPending(view.status === 'pending'),
      }),
    )
      .then((view) => {
        if (!alive) return;
        if (view)
          dispatch({
            type: 'decision',
            outcome: { status: view.status as 'granted' | 'denied', reasons: view.reasons },
          });
        else
          dispatch({
            type: 'failed',
            message: 'No decision came in time. The door stays shut. Try again.',
          });
      })
      .catch((err) => alive && dispatch({ type: 'failed', message: errorMessage(err) }));
    return () => {
      alive = false;
    };
  }, [requestId, session, call]);

  const onCode = useCallback((text: string) => dispatch({ type: 'scanned', text }), []);

  const takePhoto = async () => {
    if (state.kind !== 'posing' || taking) return;
    setTaking(true);
    try {
      // The challenge wants a minimum gap between frames: wait it out rather than fail.
      const wait = waitBeforeFrame(state.challenge, state.frames, Date.now());
      if (wait > 0) await pause(wait);
      const photo = await camera.current!.takePhoto();
      dispatch({ type: 'frame', frame: { photo, at: Date.now() } });
    } catch (err) {
      dispatch({ type: 'failed', message: err instanceof Error ? err.message : errorMessage(err) });
    } finally {
      setTaking(false);
    }
  };

  return (
    <Screen>
      <Title>Open a door</Title>
      {state.kind === 'scanning' && (
        <>
          <Status text={SCAN_PROMPT} />
          {state.note && <Notice kind="warning" text={state.note} testID="door-note" />}
        </>
      )}
      {state.kind === 'starting' && (
        <>
          {state.note && <Notice kind="warning" text={state.note} testID="door-note" />}
          <Status text="Door code read. Getting ready…" />
        </>
      )}
      {state.kind === 'posing' && (
        <>
          {state.note && <Notice kind="warning" text={state.note} testID="door-note" />}
          <Text style={styles.prompt} testID="prompt" accessibilityLiveRegion="assertive">
            {currentPrompt(state)}
          </Text>
          <Text style={styles.small}>
            {`Photo ${state.frames.length + 1} of ${framesWanted(state.challenge)}`}
          </Text>
        </>
      )}
      {(state.kind === 'scanning' || state.kind === 'starting' || state.kind === 'posing') && (
        <Camera
          key={facing}
          ref={camera}
          facing={facing}
          label={state.kind === 'scanning' ? "Camera for the door's code" : 'Camera for your face'}
          onCode={state.kind === 'scanning' ? onCode : undefined}
          onReady={setCameraReady}
        />
      )}
      {state.kind === 'posing' && (
        <Button
          label="Take photo"
          onPress={() => void takePhoto()}
          disabled={taking || !cameraReady}
        />
      )}
      {state.kind === 'sending' && <Status text="Sending…" />}
      {state.kind === 'deciding' && (
        <Status text={pending ? 'Checking… The door decides in a moment.' : 'Checking…'} />
      )}
      {state.kind === 'decided' && (
        <>
          <View
            testID="decision"
            accessible
            accessibilityLiveRegion="assertive"
            accessibilityLabel={[
              decisionHeadline(state.outcome),
              ...state.outcome.reasons.map(reasonInWords),
            ].join('. ')}
            style={[
              styles.decision,
              state.outcome.status === 'granted' ? styles.granted : styles.denied,
            ]}
          >
            <Text
              style={[
                styles.headline,
                state.outcome.status === 'granted' ? styles.grantedText : styles.deniedText,
              ]}
            >
              {decisionHeadline(state.outcome)}
            </Text>
            {state.outcome.status === 'denied' &&
              state.outcome.reasons.map((r) => (
                <Text key={r} style={styles.reason}>
                  {reasonInWords(r)}
                </Text>
              ))}
          </View>
          <Button label="Open another door" onPress={() => dispatch({ type: 'again' })} />
        </>
      )}
      {state.kind === 'failed' && (
        <>
          <Notice kind="error" text={state.message} testID="door-error" />
          <Button label="Try again" onPress={() => dispatch({ type: 'again' })} />
        </>
      )}
    </Screen>
  );
}

function Status({ text }: { text: string }) {
  return (
    <Text style={styles.status} testID="door-status" accessibilityLiveRegion="polite">
      {text}
    </Text>
  );
}

const styles = StyleSheet.create({
  status: { fontSize: font.body, color: colors.text, marginVertical: space.s },
  prompt: { fontSize: font.big, fontWeight: '700', color: colors.brand, marginVertical: space.s },
  small: { fontSize: font.small, color: colors.muted },
  decision: { borderRadius: 12, padding: space.m, marginVertical: space.m },
  granted: { backgroundColor: colors.grantedBg },
  denied: { backgroundColor: colors.deniedBg },
  headline: { fontSize: font.big, fontWeight: '700' },
  grantedText: { color: colors.granted },
  deniedText: { color: colors.denied },
  reason: { fontSize: font.body, color: colors.denied, marginTop: space.s },
});
