import { filePart } from './photo.web';

describe('a photo in the browser, as a form part', () => {
  it('is decoded from its data: URL without fetching it', async () => {
    const bytes = [0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10];
    const uri = `data:image/jpeg;base64,${Buffer.from(bytes).toString('base64')}`;
    const fetched = jest.fn();
    const realFetch = globalThis.fetch;
    globalThis.fetch = fetched as unknown as typeof fetch;
    try {
      const part = (await filePart({ uri, width: 640, height: 480 }, 'frame-1.jpg')) as Blob;
      expect(part.type).toBe('image/jpeg');
      expect([...new Uint8Array(await part.arrayBuffer())]).toEqual(bytes);
      expect(fetched).not.toHaveBeenCalled();
    } finally {
      globalThis.fetch = realFetch;
    }
  });
});
