import { useEffect, useRef, useState } from 'react';
import { ApiError, describeReason, unwrap, type Schemas, type Session } from '@roomkey/sdk';
import { burstForm, promptsOf } from './challenge';
import { activeLiveness, rememberActiveLiveness, type KioskPlace } from './device';
import { withRetry } from './retry';
import { readQr } from './scanner';
import { isPassCode } from './scanner-rules';

type Step =
  | { kind: 'starting' }
  | { kind: 'scanning' }
  | { kind: 'face'; code: string }
  | { kind: 'pose'; prompt: string }
  | { kind: 'checking' }
  | { kind: 'retrying' }
  | { kind: 'decided'; view: Schemas['AccessRequestView'] }
  | { kind: 'failed'; message: string };

const SHOW_RESULT_MS = 6000;
const FACE_DELAY_MS = 1200;
/** How long a person has to take each pose of a challenge before its frame is taken. */
const POSE_DELAY_MS = 1500;
/** The longest the kiosk waits for a decision; after that the person is told to try again. */
const DECISION_DEADLINE_MS = 30_000;

/**
 * Pass mode: the camera reads a member's or visitor's pass, then takes the face from the same
 * camera, sends both, and shows the decision in plain words before going back.
 */
export function PassMode({
  session,
  setup,
  onDone,
}: {
  session: Session;
  setup: KioskPlace;
  onDone: () => void;
}) {
  const video = useRef<HTMLVideoElement>(null);
  const [step, setStep] = useState<Step>({ kind: 'starting' });

  // One pass per visit of this screen: camera, pass, face, request, decision, then back.
  useEffect(() => {
    let alive = true;
    let stream: MediaStream | undefined;
    const show = (next: Step) => alive && setStep(next);
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

    const check = async (form: FormData): Promise<Step> => {
      const onRetry = () => show({ kind: 'retrying' });
      const { requestId } = await withRetry(
        async () => {
          const res = await session.fetch('/v1/access-requests', { method: 'POST', body: form });
          const body = (await res.json()) as { requestId: string } & Partial<Schemas['ErrorBody']>;
          if (!res.ok) {
            throw new ApiError(res.status, body.code ?? `HTTP_${res.status}`, body.message ?? '');
          }
          return body;
        },
        [1000, 2000],
        onRetry,
      );
      const deadline = Date.now() + DECISION_DEADLINE_MS;
      while (alive && Date.now() < deadline) {
        const view = await withRetry(
          () =>
            unwrap(
              session.api.GET('/v1/access-requests/{id}', {
                params: { path: { id: requestId }, query: { wait: 10 } },
              }),
            ),
          [1000, 2000, 4000],
          onRetry,
        );
        if (view.status !== 'pending') {
          // The door's setting changed since the kiosk was set up: challenges from now on.
          if (view.reasons.includes('face-liveness-not-active')) rememberActiveLiveness(true);
          return { kind: 'decided', view };
        }
        show({ kind: 'checking' });
      }
      return { kind: 'failed', message: 'No decision came. The door stays shut.' };
    };

    const visit = async (): Promise<Step> => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({
          video: { width: { ideal: 1280 }, height: { ideal: 720 } },
          audio: false,
        });
      } catch {
        return { kind: 'failed', message: 'The camera is not available.' };
      }
      if (!alive) return { kind: 'starting' };
      video.current!.srcObject = stream;
      await video.current!.play();
      show({ kind: 'scanning' });
      let code: string | null = null;
      while (alive && !code) {
        const frame = grab(video.current);
        const text = frame ? await readQr(pixels(frame)) : null;
        if (text && isPassCode(text)) code = text;
        else await pause(250);
      }
      if (!alive || !code) return { kind: 'starting' };
      show({ kind: 'face', code });
      const photo = async () => {
        const frame = grab(video.current, FACE_FRAME_WIDTH);
        return frame && new Promise<Blob | null>((r) => frame.toBlob(r, 'image/jpeg', 0.9));
      };
      try {
        const fields = { roomId: setup.roomId, doorId: setup.doorId, qr: code };
        let form: FormData;
        if (activeLiveness()) {
          // Active liveness (ADR 028): a frontal frame, then one per pose the face app asks for.
          const challenge = await unwrap(session.api.POST('/v1/face/challenges'));
          const frames: { blob: Blob; at: number }[] = [];
          for (const prompt of promptsOf(challenge)) {
            show({ kind: 'pose', prompt });
            await pause(POSE_DELAY_MS);
            const blob = await photo();
            if (!blob) return { kind: 'failed', message: 'No picture could be taken.' };
            frames.push({ blob, at: performance.now() });
          }
          form = burstForm({ ...fields, challengeId: challenge.challengeId }, frames);
        } else {
          await pause(FACE_DELAY_MS);
          const face = await photo();
          if (!face) return { kind: 'failed', message: 'No picture could be taken.' };
          form = new FormData();
          for (const [k, v] of Object.entries(fields)) form.set(k, v);
          form.set('face', face, 'face.jpg');
        }
        show({ kind: 'checking' });
        return await check(form);
      } catch (err) {
        const refused = err instanceof ApiError && err.status < 500;
        return {
          kind: 'failed',
          message: refused
            ? 'This kiosk could not send the request. Please ask for help.'
            : 'roomkey cannot be reached. The door stays shut.',
        };
      }
    };

    void visit().then(async (result) => {
      stream?.getTracks().forEach((t) => t.stop());
      if (!alive) return;
      show(result);
      await pause(SHOW_RESULT_MS);
      if (alive) onDone();
    });
    return () => {
      alive = false;
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, [session, setup, onDone]);

  return (
    <section className="pass-mode" aria-label="Pass check">
      <video ref={video} muted playsInline className="camera" />
      <div className="pass-status" role="status" aria-live="assertive" data-step={step.kind}>
        {step.kind === 'starting' && <p>Starting the camera…</p>}
        {step.kind === 'scanning' && <p>Hold your pass up to the camera.</p>}
        {step.kind === 'face' && <p>Pass read. Now look at the camera.</p>}
        {step.kind === 'pose' && <p className="pose">{step.prompt}</p>}
        {step.kind === 'checking' && <p>Checking…</p>}
        {step.kind === 'retrying' && <p>The network is slow. Still trying…</p>}
        {step.kind === 'decided' && step.view.status === 'granted' && (
          <p className="granted" data-decision="granted">
            Welcome. The door is open.
          </p>
        )}
        {step.kind === 'decided' && step.view.status === 'denied' && (
          <div className="denied" data-decision="denied">
            <p>Access denied.</p>
            <ul>
              {step.view.reasons.map((r) => (
                <li key={r}>{describeReason(r)}</li>
              ))}
            </ul>
          </div>
        )}
        {step.kind === 'failed' && <p className="denied">{step.message}</p>}
      </div>
      <button type="button" onClick={onDone}>
        Back
      </button>
    </section>
  );
}

const pixels = (canvas: HTMLCanvasElement): ImageData =>
  canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);

/**
 * The face goes at most this wide: a face at arm's length is still well over the face app's
 * smallest size, and the photo decodes and uploads in a fraction of the time.
 */
const FACE_FRAME_WIDTH = 640;

/** The current camera frame on a canvas (at most `maxWidth` wide), or null before the first. */
function grab(video: HTMLVideoElement | null, maxWidth = Infinity): HTMLCanvasElement | null {
  if (!video || video.videoWidth === 0) return null;
  const scale = Math.min(1, maxWidth / video.videoWidth);
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(video.videoWidth * scale);
  canvas.height = Math.round(video.videoHeight * scale);
  canvas
    .getContext('2d', { willReadFrequently: true })!
    .drawImage(video, 0, 0, canvas.width, canvas.height);
  return canvas;
}
