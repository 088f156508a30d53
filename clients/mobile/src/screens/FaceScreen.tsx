import { unwrap, type Schemas } from '@roomkey/sdk';
import { useEffect, useRef, useState } from 'react';
import { Image, StyleSheet, Switch, Text, View } from 'react-native';
import { Camera, type CameraHandle } from '../camera/Camera';
import { filePart, type Photo } from '../camera/photo';
import { enrolMessages, errorMessage, type EnrolFailure } from '../lib/errors';
import { enrolmentForm } from '../lib/forms';
import { NOTICE, NOTICE_VERSION, PHOTOS_MAX, photoCount } from '../lib/privacy-notice';
import { useSession } from '../session/SessionProvider';
import { Button } from '../ui/Button';
import { Notice } from '../ui/Notice';
import { Screen } from '../ui/Screen';
import { Title } from '../ui/Title';
import { colors, font, space } from '../ui/theme';

type FaceStatus = Schemas['FaceStatus'];
type Result = { kind: 'success' | 'warning' | 'error'; lines: string[] };

export const ENROLLED = 'Your face is enrolled';
export const WAITING = "Waiting for an admin's approval";
export const ERASED = 'Your face data is erased, and your consent withdrawn.';

export function statusLine(status: FaceStatus): string {
  if (status.pending) return `${WAITING}.`;
  if (status.enrolled) return `${ENROLLED}.`;
  return 'No face is enrolled.';
}

/**
 * My face: the privacy notice and explicit consent, then a few photos taken with the front
 * camera, sent for enrolment; the quality problems the API finds are said photo by photo.
 */
export function FaceScreen() {
  const { session, call } = useSession();
  const [status, setStatus] = useState<FaceStatus | null>(null);
  const [agreed, setAgreed] = useState(false);
  const [consented, setConsented] = useState(false);
  const [photos, setPhotos] = useState<Photo[]>([]);
  const [busy, setBusy] = useState(false);
  const [cameraReady, setCameraReady] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  const [error, setError] = useState<string | null>(null);
  const camera = useRef<CameraHandle>(null);

  useEffect(() => {
    let alive = true;
    call(() => unwrap(session.api.GET('/v1/me/face')))
      .then((s) => {
        if (!alive) return;
        setStatus(s);
        setConsented(!!s.consentGivenAt);
      })
      .catch((err) => alive && setError(errorMessage(err)));
    return () => {
      alive = false;
    };
  }, [session, call]);

  const consent = async () => {
    setBusy(true);
    setError(null);
    try {
      const s = await call(() =>
        unwrap(
          session.api.POST('/v1/me/face/consent', {
            body: { accept: true, noticeVersion: NOTICE_VERSION },
          }),
        ),
      );
      setStatus(s);
      setConsented(true);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const takePhoto = async () => {
    setBusy(true);
    setError(null);
    try {
      const photo = await camera.current!.takePhoto();
      setPhotos((p) => [...p, photo].slice(0, PHOTOS_MAX));
      setResult(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const enrol = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const parts = await Promise.all(photos.map((p, i) => filePart(p, `face-${i}.jpg`)));
      const form = enrolmentForm(new FormData(), parts);
      const res = await call(() =>
        session.fetch('/v1/me/face', { method: 'POST', body: form as unknown as BodyInit }),
      );
      const body = (await res.json().catch(() => ({}))) as Partial<FaceStatus> &
        Partial<EnrolFailure>;
      if (res.status === 202) {
        setResult({ kind: 'warning', lines: [WAITING] });
        setStatus(body as FaceStatus);
        setPhotos([]);
      } else if (res.ok) {
        setResult({ kind: 'success', lines: [ENROLLED] });
        setStatus(body as FaceStatus);
        setPhotos([]);
      } else {
        const lines = enrolMessages({
          status: res.status,
          code: body.code ?? `HTTP_${res.status}`,
          message: body.message,
          details: body.details,
        });
        setResult({ kind: 'error', lines });
      }
    } catch (err) {
      setResult({ kind: 'error', lines: [errorMessage(err)] });
    } finally {
      setBusy(false);
    }
  };

  const erase = async () => {
    setBusy(true);
    setError(null);
    try {
      await call(() => unwrap(session.api.DELETE('/v1/me/face')));
      setStatus(null);
      setConsented(false);
      setAgreed(false);
      setPhotos([]);
      setResult({ kind: 'success', lines: [ERASED] });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Screen>
      <Title>My face</Title>
      {status && (
        <Text style={styles.text} testID="face-status">
          {statusLine(status)}
        </Text>
      )}
      {!consented ? (
        <View>
          <Text accessibilityRole="header" style={styles.heading}>
            Privacy notice
          </Text>
          {NOTICE.map((p) => (
            <Text key={p} style={styles.text}>
              {p}
            </Text>
          ))}
          <View style={styles.agree}>
            <Switch
              value={agreed}
              onValueChange={setAgreed}
              accessibilityRole="switch"
              accessibilityLabel="I agree"
              accessibilityState={{ checked: agreed }}
              testID="I agree"
            />
            <Text style={styles.agreeText} onPress={() => setAgreed((a) => !a)}>
              I agree that roomkey processes my face as described above.
            </Text>
          </View>
          <Button
            label="Agree and continue"
            onPress={() => void consent()}
            disabled={!agreed || busy}
          />
        </View>
      ) : (
        <View>
          <Text style={styles.text}>
            Take up to {PHOTOS_MAX} photos of your face: look at the camera, in good light, one
            person only. Three is a good number.
          </Text>
          <Camera
            ref={camera}
            facing="front"
            label="Camera for your face"
            onReady={setCameraReady}
          />
          <Button
            label="Take photo"
            onPress={() => void takePhoto()}
            disabled={busy || !cameraReady || photos.length >= PHOTOS_MAX}
          />
          <Text style={styles.text} testID="photo-count" accessibilityLiveRegion="polite">
            {photoCount(photos.length)}
          </Text>
          <View style={styles.thumbs}>
            {photos.map((p, i) => (
              <Image
                key={p.uri}
                source={{ uri: p.uri }}
                style={styles.thumb}
                accessibilityRole="image"
                accessibilityLabel={`Photo ${i + 1}`}
              />
            ))}
          </View>
          <Button
            label="Enrol my face"
            onPress={() => void enrol()}
            disabled={busy || photos.length === 0}
          />
          {photos.length > 0 && (
            <Button label="Start the photos again" kind="secondary" onPress={() => setPhotos([])} />
          )}
        </View>
      )}
      {result && (
        <View accessibilityLiveRegion="polite">
          {result.lines.map((line, i) => (
            <Notice
              key={line}
              kind={result.kind}
              text={line}
              testID={i === 0 ? 'enrol-result' : undefined}
            />
          ))}
        </View>
      )}
      {error && <Notice kind="error" text={error} testID="face-error" />}
      <Button
        label="Erase my face data"
        kind="danger"
        onPress={() => void erase()}
        disabled={busy}
        accessibilityHint="Deletes your face template and withdraws your consent"
      />
    </Screen>
  );
}

const styles = StyleSheet.create({
  heading: { fontSize: font.body + 2, fontWeight: '700', color: colors.text, marginTop: space.s },
  text: { fontSize: font.body, color: colors.text, marginVertical: space.xs },
  agree: { flexDirection: 'row', alignItems: 'center', marginVertical: space.m, gap: space.s },
  agreeText: { flex: 1, fontSize: font.body, color: colors.text },
  thumbs: { flexDirection: 'row', flexWrap: 'wrap', gap: space.s },
  thumb: { width: 64, height: 64, borderRadius: 6, backgroundColor: colors.surface },
});
