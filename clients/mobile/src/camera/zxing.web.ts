import { setZXingModuleOverrides } from 'barcode-detector';

/**
 * expo-camera decodes QR codes in a browser with the `barcode-detector` package, whose ZXing
 * WebAssembly would by default come from a CDN. The app serves its own copy (copied into
 * public/zxing by scripts/copy-zxing-wasm.mjs), so scanning works with no request leaving the
 * site.
 */
export const ZXING_WASM_PATH = '/zxing/zxing_reader.wasm';

let done = false;

export function serveQrDecoderLocally(): void {
  if (done) return;
  done = true;
  const base = process.env.EXPO_BASE_URL ?? '';
  setZXingModuleOverrides({
    locateFile: (path: string, prefix: string) =>
      path.endsWith('.wasm') ? `${base}${ZXING_WASM_PATH}` : prefix + path,
  });
}
