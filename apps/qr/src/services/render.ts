import * as QRCode from 'qrcode';
import type { QrImage } from '@roomkey/contracts';

/**
 * Level M (15 % of the code may be damaged or glared) with the standard 4-module quiet zone;
 * 8 pixels per module gives a 264-pixel PNG for a version-4 code, sharp on a tablet and in print.
 */
const OPTIONS = { errorCorrectionLevel: 'M', margin: 4 } as const;

export async function renderQr(payload: string): Promise<QrImage> {
  const [svg, png] = await Promise.all([
    QRCode.toString(payload, { ...OPTIONS, type: 'svg' }),
    QRCode.toBuffer(payload, { ...OPTIONS, type: 'png', scale: 8 }),
  ]);
  return { payload, svg, png: png.toString('base64') };
}
