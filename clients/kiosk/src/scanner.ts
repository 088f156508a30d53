import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';

// The decoder's WebAssembly is served with the kiosk, never fetched from a CDN.
prepareZXingModule({
  overrides: {
    locateFile: (path: string, prefix: string) =>
      path.endsWith('.wasm') ? wasmUrl : prefix + path,
  },
});

/** The text of the first QR code in the frame, if any. */
export async function readQr(frame: ImageData): Promise<string | null> {
  const found = await readBarcodes(frame, { formats: ['QRCode'], maxNumberOfSymbols: 1 });
  return found.find((b) => b.isValid)?.text ?? null;
}
