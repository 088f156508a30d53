import { readFileSync } from 'node:fs';
import { pipelineFromConfig } from '../../apps/face/src/adapters/models';
import { loadFaceConfig } from '../../apps/face/src/config';

/**
 * Prints the CPU milliseconds one face analysis takes: the photo in the file named by the first
 * argument, analysed one at a time by the pipeline the face app builds from the configuration
 * in the environment. The flow bench runs it as a process of its own, so that nothing else in
 * the process (the load generator's heap above all) is counted with it.
 */
async function main(): Promise<void> {
  const photo = readFileSync(process.argv[2]!);
  const pipeline = await pipelineFromConfig(loadFaceConfig());
  const analyse = async () => {
    const analysis = await pipeline.analyse(photo, 'selfie');
    if (!analysis.ok) throw new Error(`the photo was refused: ${analysis.problem}`);
  };
  for (let i = 0; i < 5; i++) await analyse();
  const n = 40;
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) await analyse();
  const used = process.cpuUsage(before);
  console.log(JSON.stringify({ cpuMs: (used.user + used.system) / 1000 / n }));
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
