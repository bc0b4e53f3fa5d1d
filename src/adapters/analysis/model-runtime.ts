/**
 * The analysis models, loaded lazily and once per worker process, all on one tfjs engine with the
 * WebAssembly backend (pure npm: no native binary, no download):
 *
 * - `@vladmandic/human` 3.3.6 (MIT): BlazeFace face detector with the face mesh (the mesh removes
 *   the detector's false faces on landscapes), and CenterNet COCO-80 object detection. The models
 *   ship in the package (`models/`: blazeface 0.5 MB, facemesh 1.5 MB, centernet 4.0 MB).
 * - `nsfwjs` 4.4.0 (MIT): MobileNetV2Mid moderation classifier (Drawing, Hentai, Neutral, Porn,
 *   Sexy), shipped as JS bundles of its weights (5.6 MB). Chosen over MobileNetV2, which flags
 *   harmless wood, flowers and faces, and InceptionV3, which costs about 0.9 s per image.
 *
 * A host that never analyses never loads them: `loadModels()` starts the load on its first call.
 * The wasm backend runs one thread and the models keep state between calls, so inference is
 * serialised: one image's models at a time per process.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as tfCore from '@tensorflow/tfjs-core';
import { registerFileModelLoader } from './file-model-loader';

/** What this app reads of human's result (its own types need the DOM lib). */
interface HumanResult {
  face: { score: number; box: [number, number, number, number] }[];
  object: { score: number; label: string; box: [number, number, number, number] }[];
}
interface HumanInstance {
  version: string;
  load(): Promise<void>;
  detect(input: tfCore.Tensor): Promise<HumanResult & { error?: string | null }>;
}
interface NsfwModel {
  classify(
    input: tfCore.Tensor3D,
    topk?: number,
  ): Promise<{ className: string; probability: number }[]>;
}
interface NsfwCore {
  load(name: string, options: Record<string, unknown>): Promise<NsfwModel>;
}

/** One detection in the pixels of the image given to the detector. */
export interface RawDetection {
  readonly label: string;
  readonly score: number;
  readonly box: readonly [number, number, number, number];
}

export interface ModelRuntime {
  /** `name@version` of every model in use. */
  readonly models: readonly string[];
  /** Faces and COCO objects in an RGB image (HWC, 3 channels). */
  detect(
    rgb: Uint8Array,
    width: number,
    height: number,
  ): Promise<{ faces: RawDetection[]; objects: RawDetection[] }>;
  /** Moderation class probabilities of a 224×224 RGB image. */
  moderate(rgb224: Uint8Array): Promise<Record<string, number>>;
}

export const MODERATION_INPUT_SIDE = 224;
const NSFW_MODEL = 'mobilenet_v2_mid';

function packageDir(entry: string, up: number): string {
  let dir = dirname(require.resolve(entry));
  for (let i = 0; i < up; i += 1) dir = dirname(dir);
  return dir;
}

function versionOf(dir: string): string {
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string })
    .version;
}

async function load(): Promise<ModelRuntime> {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, not at import */
  const tf = require('@tensorflow/tfjs-core') as typeof tfCore;
  require('@tensorflow/tfjs-converter');
  const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(path: string): void };
  const wasmDir = join(packageDir('@tensorflow/tfjs-backend-wasm', 1), 'dist') + '/';
  // human's package.json "exports" lists conditions only, so its wasm build is loaded by path.
  const humanDir = packageDir('@vladmandic/human', 1);
  const { Human } = require(join(humanDir, 'dist', 'human.node-wasm.js')) as {
    Human: new (config: Record<string, unknown>) => HumanInstance;
  };
  const nsfw = require('nsfwjs/core') as NsfwCore;
  const nsfwDir = join(packageDir('nsfwjs', 2), 'dist', 'models', NSFW_MODEL);
  /* eslint-enable @typescript-eslint/no-require-imports */

  registerFileModelLoader(tf);
  wasm.setWasmPaths(wasmDir);
  const human = new Human({
    backend: 'wasm',
    wasmPath: wasmDir,
    modelBasePath: pathToFileURL(join(humanDir, 'models')).href + '/',
    debug: false,
    cacheModels: false,
    face: {
      enabled: true,
      detector: { rotation: false, maxDetected: 20, minConfidence: 0.5, return: false },
      mesh: { enabled: true },
      iris: { enabled: false },
      description: { enabled: false },
      emotion: { enabled: false },
      antispoof: { enabled: false },
      liveness: { enabled: false },
    },
    body: { enabled: false },
    hand: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
    filter: { enabled: false },
    object: { enabled: true, minConfidence: 0.3, maxDetected: 20 },
  });
  await human.load();
  // nsfwjs's own entry imports all three models' weight bundles; its core takes only ours.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundles are CommonJS
  const bundle = (file: string) => Promise.resolve({ default: require(file) as unknown });
  const shards = [1, 2].map((n) => join(nsfwDir, `group1-shard${n}of2.min.js`));
  const moderation = await nsfw.load('MobileNetV2Mid', {
    size: MODERATION_INPUT_SIDE,
    type: 'graph',
    modelDefinitions: [
      {
        name: 'MobileNetV2Mid',
        numOfWeightBundles: shards.length,
        options: { type: 'graph' },
        modelJson: () => bundle(join(nsfwDir, 'model.min.js')),
        weightBundles: shards.map((file) => () => bundle(file)),
      },
    ],
  });

  const versions = {
    human: versionOf(humanDir),
    nsfwjs: versionOf(packageDir('nsfwjs', 2)),
    tfjs: tf.version_core,
  };
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };
  const toRaw = (
    items: { label?: string; score: number; box: [number, number, number, number] }[],
    label?: string,
  ) =>
    items.map((item) => ({ label: label ?? item.label ?? '', score: item.score, box: item.box }));

  return {
    models: [
      `human-blazeface+facemesh@${versions.human}`,
      `human-centernet-coco@${versions.human}`,
      `nsfwjs-${NSFW_MODEL}@${versions.nsfwjs}`,
      `tfjs-wasm@${versions.tfjs}`,
    ],
    detect: (rgb, width, height) =>
      serial(async () => {
        const input = tf.tensor3d(rgb, [height, width, 3], 'int32');
        try {
          const result = await human.detect(input);
          if (typeof result.error === 'string' && result.error !== '')
            throw new Error(result.error);
          return { faces: toRaw(result.face, 'face'), objects: toRaw(result.object) };
        } finally {
          input.dispose();
        }
      }),
    moderate: (rgb224) =>
      serial(async () => {
        const input = tf.tensor3d(
          rgb224,
          [MODERATION_INPUT_SIDE, MODERATION_INPUT_SIDE, 3],
          'int32',
        );
        try {
          const classes = await moderation.classify(input, 5);
          return Object.fromEntries(classes.map((c) => [c.className.toLowerCase(), c.probability]));
        } finally {
          input.dispose();
        }
      }),
  };
}

let loading: Promise<ModelRuntime> | undefined;

/** The process's models, loading them on the first call; a failed load is tried again next time. */
export function loadModels(): Promise<ModelRuntime> {
  loading ??= load().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
