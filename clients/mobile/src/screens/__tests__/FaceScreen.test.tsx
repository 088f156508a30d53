import { fireEvent, screen, waitFor } from '@testing-library/react-native';
import { FakeGateway, apiError, json, recordForms } from '../../test/fake-gateway';
import { renderScreen } from '../../test/render';
import { NOTICE_VERSION } from '../../lib/privacy-notice';
import { FaceScreen } from '../FaceScreen';

const status = (extra: object = {}) => ({
  enrolled: false,
  enrolledAt: null,
  lastUsedAt: null,
  model: null,
  imageCount: null,
  consentGivenAt: null,
  noticeVersion: null,
  pending: null,
  history: [],
  ...extra,
});
const consented = status({ consentGivenAt: '2026-12-04T10:00:00Z', noticeVersion: NOTICE_VERSION });

async function takePhotos(n: number) {
  for (let i = 1; i <= n; i++) {
    fireEvent.press(await screen.findByRole('button', { name: 'Take photo' }));
    await waitFor(() =>
      expect(screen.getByTestId('photo-count')).toHaveTextContent(`${i} of 3 photos`),
    );
  }
}

describe('my face', () => {
  it('asks for explicit consent to the notice before any photo', async () => {
    const gateway = new FakeGateway()
      .on('GET /v1/me/face', json(200, status()))
      .on('POST /v1/me/face/consent', json(200, consented));
    renderScreen(<FaceScreen />, { gateway });
    const agree = await screen.findByRole('button', { name: 'Agree and continue' });
    expect(screen.queryByRole('button', { name: 'Take photo' })).toBeNull();
    fireEvent.press(agree);
    expect(gateway.requests('POST /v1/me/face/consent')).toHaveLength(0);
    fireEvent(screen.getByLabelText('I agree'), 'valueChange', true);
    fireEvent.press(screen.getByRole('button', { name: 'Agree and continue' }));
    expect(await screen.findByRole('button', { name: 'Take photo' })).toBeTruthy();
    expect(gateway.requests('POST /v1/me/face/consent')[0]!.body).toEqual({
      accept: true,
      noticeVersion: NOTICE_VERSION,
    });
  });

  it("uploads the photos and says a first enrolment waits for an admin's approval", async () => {
    const forms = recordForms();
    const gateway = new FakeGateway().on('GET /v1/me/face', json(200, consented)).on(
      'POST /v1/me/face',
      json(202, {
        ...consented,
        pending: { requestedAt: '2026-12-04T10:01:00Z', reason: 'no-template' },
      }),
    );
    renderScreen(<FaceScreen />, { gateway });
    await takePhotos(3);
    fireEvent.press(screen.getByRole('button', { name: 'Enrol my face' }));
    expect(await screen.findByTestId('enrol-result')).toHaveTextContent(
      "Waiting for an admin's approval",
    );
    expect(forms[forms.length - 1]!.get('images')).toHaveLength(3);
    expect(screen.getByTestId('face-status')).toHaveTextContent("Waiting for an admin's approval.");
  });

  it('says an enrolment that matches the face on record is done', async () => {
    const gateway = new FakeGateway()
      .on('GET /v1/me/face', json(200, consented))
      .on('POST /v1/me/face', json(201, { ...consented, enrolled: true }));
    renderScreen(<FaceScreen />, { gateway });
    await takePhotos(1);
    fireEvent.press(screen.getByRole('button', { name: 'Enrol my face' }));
    expect(await screen.findByTestId('enrol-result')).toHaveTextContent('Your face is enrolled');
  });

  it('names each photo the API refused, and why', async () => {
    const gateway = new FakeGateway()
      .on('GET /v1/me/face', json(200, consented))
      .on(
        'POST /v1/me/face',
        apiError(422, 'FACE_REJECTED', { details: [{ image: 1, reason: 'no-face' }] }),
      );
    renderScreen(<FaceScreen />, { gateway });
    await takePhotos(2);
    fireEvent.press(screen.getByRole('button', { name: 'Enrol my face' }));
    expect(await screen.findByTestId('enrol-result')).toHaveTextContent(
      'Photo 2: no face was seen. Face the camera.',
    );
    // The photos stay, so that only the bad one needs taking again.
    expect(screen.getByTestId('photo-count')).toHaveTextContent('2 of 3 photos');
  });

  it('erases the face data and asks for consent again afterwards', async () => {
    const gateway = new FakeGateway()
      .on('GET /v1/me/face', json(200, { ...consented, enrolled: true }))
      .on('DELETE /v1/me/face', json(204));
    renderScreen(<FaceScreen />, { gateway });
    expect(await screen.findByTestId('face-status')).toHaveTextContent('Your face is enrolled.');
    fireEvent.press(screen.getByRole('button', { name: 'Erase my face data' }));
    expect(await screen.findByTestId('enrol-result')).toHaveTextContent(/erased/);
    expect(gateway.requests('DELETE /v1/me/face')).toHaveLength(1);
    expect(screen.getByRole('button', { name: 'Agree and continue' })).toBeTruthy();
  });
});
