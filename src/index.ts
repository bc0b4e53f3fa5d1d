/**
 * The app's entry point (`package.json#main`): parses configuration, wires the real adapters
 * and registers every function. This is the only module with registration side effects; every
 * other module can be imported by tests and tools without touching Azure.
 */
import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { createAnalyzeImage } from './activities/analyze-image';
import { createInspectImage } from './activities/inspect-image';
import { createResizeImage } from './activities/resize-image';
import { createSaveRecord } from './activities/save-record';
import { createAzureBlobStore, createBlobServiceClient } from './adapters/azure-blob-store';
import { createAzureUploadUrlSigner } from './adapters/azure-upload-url-signer';
import { createCosmosClient, createCosmosRecordStore } from './adapters/cosmos-record-store';
import { durableClientFor } from './adapters/durable-orchestration-client';
import { createLocalImageAnalyzer } from './adapters/local-image-analyzer';
import { createSharpImageProcessor } from './adapters/sharp-image-processor';
import { randomImageId, systemClock } from './adapters/system';
import { createTesseractTextRecognizer } from './adapters/tesseract-text-recognizer';
import { loadConfig } from './config';
import {
  Activities,
  BlobFunctions,
  Containers,
  HttpFunctions,
  Orchestrators,
  Routes,
  STORAGE_CONNECTION,
} from './names';
import { processImage } from './orchestrators/process-image';
import { createGetHealth } from './triggers/get-health';
import { createGetImage } from './triggers/get-image';
import { createGetImageVariant } from './triggers/get-image-variant';
import { createListImages } from './triggers/list-images';
import { createOnImageUploaded } from './triggers/on-image-uploaded';
import { createUploadImage } from './triggers/upload-image';
import { createUploadUrl } from './triggers/create-upload-url';

const config = loadConfig(process.env);

const blobService = createBlobServiceClient(config.storage);
const blobs = createAzureBlobStore(blobService, {
  pingContainer: Containers.incoming,
  // Inspect and each resize read the same upload; download it once per worker.
  cachedContainers: [Containers.incoming],
});
const signer = createAzureUploadUrlSigner(blobService, { clock: systemClock });
const records = createCosmosRecordStore(createCosmosClient(config.cosmos), config.cosmos);
const images = createSharpImageProcessor();
const ocr = createTesseractTextRecognizer();
const analyzers = { local: createLocalImageAnalyzer({ ocr }) };
const durableClient = df.input.durableClient();

// Public image API.
app.http(HttpFunctions.uploadImage, {
  route: Routes.images,
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: createUploadImage({
    blobs,
    records,
    maxUploadBytes: config.maxUploadBytes,
    clock: systemClock,
    newId: randomImageId,
  }),
});
app.http(HttpFunctions.createUploadUrl, {
  route: Routes.uploadUrl,
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: createUploadUrl({
    records,
    signer,
    maxUploadBytes: config.maxUploadBytes,
    uploadUrlTtlSeconds: config.uploadUrlTtlSeconds,
    clock: systemClock,
    newId: randomImageId,
  }),
});
app.http(HttpFunctions.listImages, {
  route: Routes.images,
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: createListImages({ records }),
});
app.http(HttpFunctions.getImage, {
  route: Routes.image,
  methods: ['GET'],
  authLevel: 'anonymous',
  extraInputs: [durableClient],
  handler: createGetImage({ records, clientFor: durableClientFor }),
});
app.http(HttpFunctions.getImageVariant, {
  route: Routes.imageVariant,
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: createGetImageVariant({ blobs, records }),
});
app.http(HttpFunctions.health, {
  route: Routes.health,
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: createGetHealth({ blobs, records }),
});

// Every new blob version in the incoming container starts one processImage run.
app.storageBlob(BlobFunctions.onImageUploaded, {
  path: `${Containers.incoming}/{name}`,
  connection: STORAGE_CONNECTION,
  // Flex Consumption only supports Event Grid-based blob triggers; it is also much faster.
  source: 'EventGrid',
  extraInputs: [durableClient],
  handler: createOnImageUploaded({
    blobs,
    clientFor: durableClientFor,
    variantFormat: config.variantFormat,
    analyzer: config.analyzer,
    maxInputPixels: config.maxInputPixels,
  }),
});

df.app.orchestration(Orchestrators.processImage, processImage);

df.app.activity(Activities.inspectImage, {
  handler: createInspectImage({ blobs, images, maxUploadBytes: config.maxUploadBytes }),
});
df.app.activity(Activities.resizeImage, { handler: createResizeImage({ blobs, images }) });
df.app.activity(Activities.analyzeImage, { handler: createAnalyzeImage({ blobs, analyzers }) });
df.app.activity(Activities.saveRecord, {
  handler: createSaveRecord({ records, clock: systemClock }),
});

// The OCR worker thread would otherwise keep a stopping worker process alive.
app.hook.appTerminate(async () => {
  await ocr.close();
});
