import * as ort from 'onnxruntime-node';
import { decodeYunet, Detection, fromShrunk, nms, YunetOutputs } from '../domain/detection';
import { RawImage, shrinkBy } from '../domain/geometry';
import type { FaceDetector } from '../domain/ports';
import { toPlanes } from './onnx';

const STRIDES = [8, 16, 32];
const roundUp32 = (n: number) => Math.ceil(n / 32) * 32;

/**
 * YuNet (OpenCV Zoo) through onnxruntime: BGR, raw 0..255, NCHW. The image sits at the
 * top-left of a zero-filled input. The input is the image padded to a multiple of 32 (the
 * dynamic-size graph), or exactly `fixedSize` square for the 2023mar graph, which takes
 * 640x640 only.
 *
 * With the dynamic-size graph the image is first shrunk by the whole factor that brings its
 * longer side nearest `detectionSize` (a 640 px working image by 2 for 320), and what is found
 * is mapped back to the image's pixels. On a quarter of the pixels, detection takes about half
 * as long, and its buffers fit a core's cache; the price is that faces under about 50 px of
 * the working image score lower (ADR 014).
 */
export class YunetDetector implements FaceDetector {
  constructor(
    private readonly session: ort.InferenceSession,
    private readonly candidateScore: number,
    private readonly fixedSize: number | null,
    private readonly detectionSize: number,
    private readonly nmsIou = 0.3,
  ) {}

  async detect(full: RawImage): Promise<Detection[]> {
    const longer = Math.max(full.width, full.height);
    const k = this.fixedSize ? 1 : Math.max(1, Math.round(longer / this.detectionSize));
    const image = shrinkBy(full, k);
    const w = this.fixedSize ?? roundUp32(image.width);
    const h = this.fixedSize ?? roundUp32(image.height);
    if (image.width > w || image.height > h) {
      throw new Error(`the detector takes images up to ${w}x${h}`);
    }
    const planes = toPlanes(image.data, image.width, image.height, 'bgr', undefined, w, h);
    const input = new ort.Tensor('float32', planes, [1, 3, h, w]);
    const out = await this.session.run({ input });
    const outputs: YunetOutputs[] = STRIDES.map((stride) => ({
      stride,
      cls: out[`cls_${stride}`]!.data as Float32Array,
      obj: out[`obj_${stride}`]!.data as Float32Array,
      bbox: out[`bbox_${stride}`]!.data as Float32Array,
      kps: out[`kps_${stride}`]!.data as Float32Array,
    }));
    const found = nms(decodeYunet(outputs, w, this.candidateScore), this.nmsIou);
    return k === 1 ? found : found.map((d) => fromShrunk(d, k));
  }
}
