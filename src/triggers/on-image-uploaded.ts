/**
 * Blob trigger `onImageUploaded`: `images-incoming/{name}` (Event Grid source in Azure), with a
 * durable client input.
 *
 * Input: the blob (unused beyond its metadata) and trigger metadata: `name`, `blobTrigger`,
 *   `properties.eTag` (or `ETag`/`etag`), `properties.contentType`, `metadata.filename`. Missing
 *   ETag or metadata are fetched from the blob's properties.
 * Output: none; starts the `processImage` orchestration.
 * Idempotency key: the instance id `img-{name}-{etag hash}`. The instance is started only if it
 *   does not exist; a start that fails because the instance appeared meanwhile counts as a
 *   duplicate. Event Grid and the blob scanner both deliver at least once, and a second run for
 *   the same blob version would double every write.
 * Retry policy: unexpected errors are rethrown so the host redelivers the event.
 *
 * A deleted image has a tombstone (`images-deleted/{name}`): its late or redelivered events
 *   start nothing, and bytes written again under its name are removed.
 */
import type { InvocationContext } from '@azure/functions';
import { instanceIdFor, isImageId } from '../domain/ids';
import type { ProcessImageInput } from '../domain/pipeline/pipeline';
import type { VisionPlan } from '../domain/gate/endpoints';
import type { AnalyzerKind } from '../domain/record';
import { isObject } from '../domain/pipeline/validate';
import type { VariantFormat } from '../domain/pipeline/variants';
import { processImageInputFor, sourceOfBlob } from '../domain/lifecycle/process-image-input';
import { Containers, FILENAME_METADATA_KEY, Orchestrators } from '../names';
import type { BlobRemover, BlobStore } from '../ports/blob-store';
import type { OrchestrationClient } from '../ports/orchestration-client';

export interface OnImageUploadedDeps {
  blobs: BlobStore;
  /** Removes bytes written again under a deleted image's name; absent: they are left alone. */
  remover?: BlobRemover;
  clientFor: (context: InvocationContext) => OrchestrationClient;
  variantFormat: VariantFormat;
  analyzer: AnalyzerKind;
  /** The gates an `azure` analysis goes through; absent for the other analyzers. */
  vision?: VisionPlan;
  maxInputPixels: number;
}

interface BlobFacts {
  name?: string;
  etag?: string;
  contentType?: string;
  metadata?: Record<string, string>;
}

function firstString(source: Record<string, unknown>, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = source[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

/**
 * The real host camel-cases the first letter of every metadata key (`ETag` → `eTag`); other hosts
 * may not, so each field is looked up under the spellings in use.
 */
export function readTriggerMetadata(triggerMetadata: unknown): BlobFacts {
  const meta = isObject(triggerMetadata) ? triggerMetadata : {};
  const facts: BlobFacts = {};
  const path = firstString(meta, ['blobTrigger', 'BlobTrigger']);
  const name =
    firstString(meta, ['name', 'Name']) ??
    (path?.startsWith(`${Containers.incoming}/`)
      ? path.slice(Containers.incoming.length + 1)
      : undefined);
  if (name !== undefined) facts.name = name;
  const properties = isObject(meta.properties)
    ? meta.properties
    : isObject(meta.Properties)
      ? meta.Properties
      : {};
  const etag = firstString(properties, ['eTag', 'ETag', 'etag']);
  if (etag !== undefined) facts.etag = etag;
  const contentType = firstString(properties, ['contentType', 'ContentType']);
  if (contentType !== undefined) facts.contentType = contentType;
  const metadata = isObject(meta.metadata)
    ? meta.metadata
    : isObject(meta.Metadata)
      ? meta.Metadata
      : undefined;
  if (metadata !== undefined) {
    facts.metadata = Object.fromEntries(
      Object.entries(metadata).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string',
      ),
    );
  }
  return facts;
}

export function createOnImageUploaded(deps: OnImageUploadedDeps) {
  return async (_blob: unknown, context: InvocationContext): Promise<void> => {
    let facts = readTriggerMetadata(context.triggerMetadata);
    const name = facts.name;
    if (name === undefined) throw new Error('The trigger metadata has no blob name');
    if (!isImageId(name)) {
      // Only names the API hands out (URL- and instance-id-safe) are processed.
      context.warn(`onImageUploaded: ignoring blob "${name.slice(0, 100)}": not an image id`);
      return;
    }
    if ((await deps.blobs.properties(Containers.tombstones, name)) !== undefined) {
      context.warn(`onImageUploaded: image ${name} was deleted; the event is ignored`);
      await deps.remover?.remove(Containers.incoming, name);
      return;
    }
    if (facts.etag === undefined || facts.metadata === undefined) {
      const properties = await deps.blobs.properties(Containers.incoming, name);
      if (properties === undefined) {
        context.warn(`onImageUploaded: blob ${name} is gone; nothing to process`);
        return;
      }
      facts = {
        ...facts,
        etag: facts.etag ?? properties.etag,
        contentType: facts.contentType ?? properties.contentType ?? undefined,
        metadata: facts.metadata ?? properties.metadata,
      };
    }
    const instanceId = instanceIdFor(name, facts.etag ?? '');
    const client = deps.clientFor(context);
    if ((await client.getStatus(instanceId)) !== undefined) {
      context.log(`onImageUploaded: ${instanceId} already exists; duplicate event ignored`);
      return;
    }
    const input: ProcessImageInput = processImageInputFor(
      name,
      sourceOfBlob(facts.contentType, facts.metadata?.[FILENAME_METADATA_KEY]),
      deps,
    );
    try {
      await client.startNew(Orchestrators.processImage, instanceId, input);
      context.log(`onImageUploaded: started ${instanceId}`);
    } catch (error) {
      // Two deliveries can pass the existence check together; the loser's start fails.
      if ((await client.getStatus(instanceId)) !== undefined) {
        context.log(`onImageUploaded: ${instanceId} was started concurrently; duplicate ignored`);
        return;
      }
      throw error;
    }
  };
}
