/**
 * `npm run train -- … --init-from DIR`: start a run from the weights of a published model folder
 * (`npm run export:model`) instead of random ones. A run folder does not survive every machine, a
 * published model does: this is how training continues in another session. The optimizers start
 * afresh (their state is never published); the float16 weights load as float32.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { fileSystemHandler } from 'genlab';

export class InitFromError extends Error {}

/**
 * Copies each named network of a published folder (`generator`, `discriminator`, `encoder`,
 * `decoder`) into the freshly built network of the same name. A published GAN without its
 * discriminator keeps the fresh one, and says so; any other missing network is an error.
 * Returns the names of the networks that were initialized.
 */
export async function initFromPublished(dir: string, networks: Record<string, tf.LayersModel>): Promise<string[]> {
  if (!existsSync(join(dir, 'metadata.json')))
    throw new InitFromError(`--init-from ${dir}: expected a published model folder (metadata.json, from npm run export:model)`);
  const done: string[] = [];
  for (const [name, net] of Object.entries(networks)) {
    if (!existsSync(join(dir, name, 'model.json'))) {
      if (name === 'discriminator') {
        console.warn(`--init-from ${dir}: no discriminator published; it starts from random weights`);
        continue;
      }
      throw new InitFromError(`--init-from ${dir}: no ${name}/model.json`);
    }
    const published = await tf.loadLayersModel(fileSystemHandler(join(dir, name)));
    try {
      const weights = published.getWeights();
      const expected = net.getWeights().map((w) => w.shape.join('×'));
      const found = weights.map((w) => w.shape.join('×'));
      if (expected.join() !== found.join())
        throw new InitFromError(
          `--init-from ${dir}: its ${name} has weights [${found.join(', ')}], this model [${expected.join(', ')}] (another --model or size, or --discriminator-batch-norm?)`,
        );
      net.setWeights(weights);
      done.push(name);
    } finally {
      published.dispose();
    }
  }
  return done;
}

/**
 * The training summary of the published model that a run starts from (`metadata.json`'s
 * `training`, without its checkpoint path), recorded in the new run's config so that its export
 * can count both stretches of training (epochs, steps, wall time, one curve) without the folder.
 * Undefined when the folder has no summary (a model exported before summaries existed).
 */
export function publishedTraining(dir: string): Record<string, unknown> | undefined {
  const file = join(dir, 'metadata.json');
  if (!existsSync(file)) return undefined;
  const { training } = JSON.parse(readFileSync(file, 'utf8')) as { training?: Record<string, unknown> };
  if (!training) return undefined;
  const kept = { ...training };
  delete kept.checkpoint;
  return kept;
}

/**
 * The `config.json` fields saying what a run started from: `initFrom` and the published model's
 * training summary (`continues`). A resumed run keeps the ones it started with, even if the
 * published folder has been re-exported since, or its export would misstate the first stage.
 */
export function runOrigin(out: string, initFrom: string | undefined, resume: boolean): Record<string, unknown> {
  const file = join(out, 'config.json');
  if (resume && existsSync(file)) {
    const previous = JSON.parse(readFileSync(file, 'utf8')) as { initFrom?: string; continues?: Record<string, unknown> };
    if (previous.initFrom) return { initFrom: previous.initFrom, continues: previous.continues };
  }
  return initFrom ? { initFrom, continues: publishedTraining(initFrom) } : {};
}
