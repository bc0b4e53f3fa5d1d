import { instanceIdFor } from '../../src/domain/ids';
import { Containers, Orchestrators } from '../../src/names';
import { createOnImageUploaded, readTriggerMetadata } from '../../src/triggers/on-image-uploaded';
import { testContext } from './support/context';
import { FakeOrchestrationClient } from './support/fake-orchestration-client';
import { MemoryBlobStore } from './support/memory-stores';

const NAME = '01hq3k9x2m4n5p6q7r8s9t0v1w';
const ETAG = '"0x8DC0123456789AB"';

function metadata(overrides: Record<string, unknown> = {}) {
  return {
    blobTrigger: `${Containers.incoming}/${NAME}`,
    name: NAME,
    uri: `http://127.0.0.1:10000/devstoreaccount1/${Containers.incoming}/${NAME}`,
    properties: { eTag: ETAG, contentType: 'image/png', contentLength: 10 },
    metadata: { filename: 'caf%C3%A9.png' },
    ...overrides,
  };
}

function setup() {
  const blobs = new MemoryBlobStore();
  const client = new FakeOrchestrationClient();
  const handler = createOnImageUploaded({
    blobs,
    clientFor: () => client,
    variantFormat: 'jpeg',
    analyzer: 'none',
    maxInputPixels: 1_000_000,
  });
  const fire = (meta: Record<string, unknown>) =>
    handler(Buffer.from('x'), testContext('onImageUploaded', meta).context);
  return { blobs, client, fire };
}

describe('Function: onImageUploaded', () => {
  it('starts processImage with everything the orchestrator needs', async () => {
    // Prepare
    const { client, fire } = setup();

    // Act
    await fire(metadata());

    // Assess
    const instance = client.instances.get(instanceIdFor(NAME, ETAG));
    expect(instance?.name).toBe(Orchestrators.processImage);
    expect(instance?.input).toEqual({
      imageId: NAME,
      blobName: NAME,
      source: { filename: 'café.png', contentType: 'image/png' },
      variants: [
        { name: 'thumb', maxWidth: 150, maxHeight: 150, format: 'jpeg' },
        { name: 'medium', maxWidth: 640, maxHeight: 640, format: 'jpeg' },
        { name: 'large', maxWidth: 1280, maxHeight: 1280, format: 'jpeg' },
      ],
      analyzer: 'none',
      maxInputPixels: 1_000_000,
    });
  });

  it('never starts a second run for a duplicate event', async () => {
    // Prepare
    const { client, fire } = setup();

    // Act
    await fire(metadata());
    await fire(
      metadata({ properties: { ETag: ETAG.replace(/"/g, ''), contentType: 'image/png' } }),
    );

    // Assess
    expect(client.instances.size).toBe(1);
    expect(client.startCalls).toBe(1);
  });

  it('treats a start that lost a race to a concurrent delivery as a duplicate', async () => {
    // Prepare
    const { client, fire } = setup();
    client.beforeStart = (instanceId) => {
      client.instances.set(instanceId, {
        name: Orchestrators.processImage,
        input: {},
        runtimeStatus: 'Running',
        customStatus: null,
        output: null,
      });
    };

    // Act / Assess
    await expect(fire(metadata())).resolves.toBeUndefined();
    expect(client.instances.size).toBe(1);
  });

  it('rethrows a start failure that is not a duplicate so the event is redelivered', async () => {
    // Prepare
    const { client, fire } = setup();
    client.startNew = () => Promise.reject(new Error('task hub unreachable'));

    // Act / Assess
    await expect(fire(metadata())).rejects.toThrow('task hub unreachable');
  });

  it('starts a new run for a new version of the blob', async () => {
    // Prepare
    const { client, fire } = setup();

    // Act
    await fire(metadata());
    await fire(metadata({ properties: { eTag: '"0x8DC999"' } }));

    // Assess
    expect(client.instances.size).toBe(2);
  });

  it('fetches the ETag and metadata from the blob when the trigger lacks them', async () => {
    // Prepare
    const { blobs, client, fire } = setup();
    const { etag } = await blobs.put(Containers.incoming, NAME, Buffer.from('x'), {
      contentType: 'image/gif',
      metadata: { filename: 'anim.gif' },
    });

    // Act
    await fire({ blobTrigger: `${Containers.incoming}/${NAME}` });

    // Assess
    const instance = client.instances.get(instanceIdFor(NAME, etag));
    expect(instance?.input).toMatchObject({
      imageId: NAME,
      source: { filename: 'anim.gif', contentType: 'image/gif' },
    });
  });

  it('ignores blobs whose names are not image ids', async () => {
    // Prepare
    const { client, fire } = setup();

    // Act
    await fire(metadata({ name: 'holiday photos/IMG 1.jpg' }));

    // Assess
    expect(client.startCalls).toBe(0);
  });
});

describe('Function: readTriggerMetadata', () => {
  it('reads the spellings different hosts use', () => {
    // Prepare / Act
    const camel = readTriggerMetadata(metadata());
    const pascal = readTriggerMetadata({
      BlobTrigger: `${Containers.incoming}/${NAME}`,
      Properties: { ETag: ETAG, ContentType: 'image/png' },
      Metadata: { filename: 'x.png', size: 3 },
    });

    // Assess
    expect(camel).toEqual({
      name: NAME,
      etag: ETAG,
      contentType: 'image/png',
      metadata: { filename: 'caf%C3%A9.png' },
    });
    expect(pascal).toEqual({
      name: NAME,
      etag: ETAG,
      contentType: 'image/png',
      metadata: { filename: 'x.png' },
    });
  });
});
