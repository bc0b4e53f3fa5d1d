/**
 * Lets tfjs load a graph model from a `file://` URL. tfjs-core only knows `http(s)://` and browser
 * storage (tfjs-node, which adds `file://`, needs a native binary that cannot install here), so
 * the models that ship inside npm packages are read with `fs`: the model.json and its weight
 * shards, concatenated in manifest order. Registered once per process.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as tfCore from '@tensorflow/tfjs-core';

type Tf = typeof tfCore;
type WeightsManifest = tfCore.io.WeightsManifestConfig;
type WeightSpecs = tfCore.io.WeightsManifestEntry[];

let registered = false;

function fileHandler(tf: Tf, url: string): tfCore.io.IOHandler {
  return {
    load: () => {
      const file = fileURLToPath(url);
      const json = JSON.parse(readFileSync(file, 'utf8')) as tfCore.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(json, (manifest: WeightsManifest) => {
        const specs: WeightSpecs = [];
        const parts: Buffer[] = [];
        for (const group of manifest) {
          for (const shard of group.paths) parts.push(readFileSync(join(dirname(file), shard)));
          specs.push(...group.weights);
        }
        const all = Buffer.concat(parts);
        const weights = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
        return Promise.resolve([specs, weights]);
      });
    },
  };
}

export function registerFileModelLoader(tf: Tf): void {
  if (registered) return;
  registered = true;
  // A router answers null for URLs it does not handle (tfjs's own do); its type says otherwise.
  const none = null as unknown as tfCore.io.IOHandler;
  tf.io.registerLoadRouter((url: string | string[]) =>
    typeof url === 'string' && url.startsWith('file://') ? fileHandler(tf, url) : none,
  );
}
