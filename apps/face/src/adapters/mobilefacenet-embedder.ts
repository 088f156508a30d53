import * as ort from 'onnxruntime-node';
import type { RawImage } from '../domain/geometry';
import type { FaceEmbedder } from '../domain/ports';
import { l2normalize } from '../domain/vectors';
import { toPlanes } from './onnx';

const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

/** MobileFaceNet (foamliu): 112x112 RGB with ImageNet normalisation to 128 numbers. */
export class MobileFaceNetEmbedder implements FaceEmbedder {
  readonly modelId = 'mobilefacenet-foamliu-128';

  constructor(private readonly session: ort.InferenceSession) {}

  async embed(aligned: RawImage): Promise<Float32Array> {
    const planes = toPlanes(
      aligned.data,
      aligned.width,
      aligned.height,
      'rgb',
      (v, c) => (v / 255 - MEAN[c]!) / STD[c]!,
    );
    const out = await this.session.run({
      input0: new ort.Tensor('float32', planes, [1, 3, aligned.height, aligned.width]),
    });
    return l2normalize(out.output0!.data as Float32Array);
  }
}
