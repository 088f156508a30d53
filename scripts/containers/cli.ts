import { seconds, step } from '../stack/proc';
import { buildImage, ensurePodman, Image, imageName, IMAGES, podman } from './podman';

/**
 * `npm run images:build [-- <target>…]`: roomkey's images built here with podman from
 * deploy/Dockerfile on the local stand-in for node:20-bookworm-slim (what the container test
 * runs), with their sizes. Without targets, all seven.
 */
const log = (m: string) => console.log(`[images] ${m}`);

async function main(targets: string[]): Promise<void> {
  const unknown = targets.filter((t) => !(IMAGES as readonly string[]).includes(t));
  if (unknown.length > 0) {
    throw new Error(`no image ${unknown.join(', ')}: the images are ${IMAGES.join(', ')}`);
  }
  const started = Date.now();
  const base = await ensurePodman(log);
  const wanted = (targets.length > 0 ? targets : IMAGES) as Image[];
  for (const target of wanted) {
    await step(log, `building ${imageName(target)} on ${base}`, () => buildImage(target, base));
  }
  for (const target of wanted) {
    const size = (
      await podman(['image', 'inspect', '--format', '{{.Size}}', imageName(target)])
    ).trim();
    log(`${imageName(target).padEnd(32)} ${(Number(size) / 1e6).toFixed(0)} MB`);
  }
  log(`done in ${seconds(started)}`);
}

main(process.argv.slice(2)).catch((err: Error) => {
  console.error(`[images] ${err.message}`);
  process.exit(1);
});
