/** Phones decode QR codes natively: nothing to set up. */
export function serveQrDecoderLocally(): void {}
