import { describeReason } from '@roomkey/sdk';
import { decisionHeadline, decisionLines, reasonInWords } from './reasons';

describe('a decision in words', () => {
  it.each([
    ['no-permission', /no permission for this room/],
    ['face-mismatch', /did not match/],
    ['face-no-match', /did not match/],
    ['face-spoof', /photo or a screen/],
    ['liveness-failed', /head-turn check did not pass/],
    ['wrong-pose', /head turn that was asked for/],
    ['qr-expired', /code had changed/],
    ['lockdown', /locked down/],
    ['outside-schedule', /at this time of day/],
    ['face-not-enrolled', /My face/],
  ])('says %s plainly', (reason, words) => {
    expect(reasonInWords(reason)).toMatch(words);
    expect(reasonInWords(reason)).not.toContain(reason);
  });

  it('uses the SDK wording for the reasons the phone does not word itself', () => {
    expect(reasonInWords('qr-bad-signature')).toBe(describeReason('qr-bad-signature'));
  });

  it('shows a reason nobody has worded as it is', () => {
    expect(reasonInWords('door-on-fire')).toBe('door-on-fire');
  });

  it('heads a grant and a denial with the words the door screen shows', () => {
    expect(decisionHeadline({ status: 'granted' })).toBe('Granted — the door is open');
    expect(decisionLines({ status: 'denied', reasons: ['lockdown'] })).toEqual([
      'Denied',
      'The room is locked down.',
    ]);
  });
});
