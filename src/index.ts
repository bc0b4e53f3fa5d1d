/**
 * The app's entry point (`package.json#main`): parses configuration, wires the real adapters
 * and registers every function. This is the only module with registration side effects; every
 * other module can be imported by tests and tools without touching Azure.
 */
import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { createAnalyzeImage } from './activities/analyze-image';
import { createCallVision } from './activities/call-vision';
import { createReadVisionGates } from './activities/read-vision-gates';
import { createInspectImage } from './activities/inspect-image';
import { createResizeImage } from './activities/resize-image';
import { createSaveRecord } from './activities/save-record';
import { createFindRecords } from './activities/find-records';
import { createLoadRecord } from './activities/load-record';
import { createSaveReprocessedRecord } from './activities/save-reprocessed-record';
import { gateReaderFor } from './adapters/durable-gate-reader';
import { createAzureBlobStore, createBlobServiceClient } from './adapters/azure-blob-store';
import { createAzureUploadUrlSigner } from './adapters/azure-upload-url-signer';
import { createAzureVisionService } from './adapters/azure-vision-service';
import { createCosmosClient, createCosmosRecordStore } from './adapters/cosmos-record-store';
import {
  durableAdminFor,
  durableClientFor,
  randomInstanceId,
} from './adapters/durable-orchestration-client';
import { createLocalImageAnalyzer } from './adapters/analysis/local-image-analyzer';
import { loadModels } from './adapters/analysis/model-runtime';
import { createSharpImageProcessor } from './adapters/sharp-image-processor';
import { randomImageId, sleep, systemClock } from './adapters/system';
import { createRecentThrottles } from './adapters/recent-throttles';
import { createTesseractTextRecognizer } from './adapters/analysis/tesseract-text-recognizer';
import { loadConfig, visionPlanOf } from './config';
import {
  Activities,
  BlobFunctions,
  Containers,
  Entities,
  GateOpsFunctions,
  GateOpsRoutes,
  HttpFunctions,
  OrchestrationOpsFunctions,
  OrchestrationOpsRoutes,
  Orchestrators,
  ReprocessFunctions,
  ReprocessRoutes,
  Routes,
  STORAGE_CONNECTION,
  TimerFunctions,
} from './names';
import { visionGate } from './entities/vision-gate';
import { analyzeThroughGate } from './orchestrators/analyze-through-gate';
import { processImage } from './orchestrators/process-image';
import { reprocessBatch } from './orchestrators/reprocess-batch';
import { reprocessImage } from './orchestrators/reprocess-image';
import { createGetHealth } from './triggers/get-health';
import { createGetImage } from './triggers/get-image';
import { createOpsGetGates } from './triggers/ops/get-gates';
import { createOpsResetGate } from './triggers/ops/reset-gate';
import { createGetImageVariant } from './triggers/get-image-variant';
import { createListImages } from './triggers/list-images';
import { createOnImageUploaded } from './triggers/on-image-uploaded';
import { createUploadImage } from './triggers/upload-image';
import { createUploadUrl } from './triggers/create-upload-url';
import { createGetOrchestration } from './triggers/ops/get-orchestration';
import { createListOrchestrations } from './triggers/ops/list-orchestrations';
import { createPurgeOrchestration } from './triggers/ops/purge-orchestration';
import { createRestartOrchestration } from './triggers/ops/restart-orchestration';
import { createTerminateOrchestration } from './triggers/ops/terminate-orchestration';
import { createCancelReprocess } from './triggers/ops/reprocess-cancel';
import { reprocessClientFor } from './triggers/ops/reprocess-client';
import { createStartReprocess } from './triggers/ops/reprocess-start';
import { createGetReprocess } from './triggers/ops/reprocess-status';
import { createResumeDeferredAnalyses } from './triggers/resume-deferred-analyses';
import { variantSpecs } from './domain/pipeline/variants';
import { createFindImageInstances } from './activities/lifecycle/find-image-instances';
import { createPurgeInstances } from './activities/lifecycle/purge-instances';
import { createRemoveImageData } from './activities/lifecycle/remove-image-data';
import { createTerminateInstances } from './activities/lifecycle/terminate-instances';
import { durableInstancePagesFor } from './adapters/durable-instance-pages';
import { cascadeDelete } from './orchestrators/cascade-delete';
import { createDeleteImage } from './triggers/delete-image';
import { createFindTwin } from './activities/lifecycle/find-twin';
import { createCopyTwinVariants } from './activities/lifecycle/copy-twin-variants';
import { createPurgeOldHistory } from './triggers/purge-old-history';
import { createReconcileStalledImages } from './triggers/reconcile-stalled-images';
import { processImageInputFor } from './domain/lifecycle/process-image-input';

const config = loadConfig(process.env);
// What orchestrations need to analyse through the Vision gates; only with the azure analyzer.
const visionPlan = config.analyzer === 'azure' ? visionPlanOf(config.vision) : undefined;

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
// The models load on the first local analysis, once per worker process.
const analyzers = {
  local: createLocalImageAnalyzer({
    ocr,
    models: loadModels,
    settings: { ...config.localAnalysis, smartCropAspectRatios: [1] },
  }),
};
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

// Operator API.
app.http(OrchestrationOpsFunctions.list, {
  route: OrchestrationOpsRoutes.list,
  methods: ['GET'],
  authLevel: 'function',
  extraInputs: [durableClient],
  handler: createListOrchestrations({ adminFor: durableAdminFor }),
});
app.http(OrchestrationOpsFunctions.get, {
  route: OrchestrationOpsRoutes.get,
  methods: ['GET'],
  authLevel: 'function',
  extraInputs: [durableClient],
  handler: createGetOrchestration({ adminFor: durableAdminFor }),
});
app.http(OrchestrationOpsFunctions.terminate, {
  route: OrchestrationOpsRoutes.terminate,
  methods: ['POST'],
  authLevel: 'function',
  extraInputs: [durableClient],
  handler: createTerminateOrchestration({ adminFor: durableAdminFor }),
});
app.http(OrchestrationOpsFunctions.restart, {
  route: OrchestrationOpsRoutes.restart,
  methods: ['POST'],
  authLevel: 'function',
  extraInputs: [durableClient],
  handler: createRestartOrchestration({
    adminFor: durableAdminFor,
    newInstanceId: randomInstanceId,
  }),
});
app.http(OrchestrationOpsFunctions.purge, {
  route: OrchestrationOpsRoutes.purge,
  methods: ['POST'],
  authLevel: 'function',
  extraInputs: [durableClient],
  handler: createPurgeOrchestration({ adminFor: durableAdminFor }),
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
    remover: blobs,
    clientFor: durableClientFor,
    variantFormat: config.variantFormat,
    analyzer: config.analyzer,
    maxInputPixels: config.maxInputPixels,
    ...(visionPlan === undefined ? {} : { vision: visionPlan }),
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

// Batch reprocessing.
const reprocessPipeline = {
  variants: variantSpecs(config.variantFormat),
  analyzer: config.analyzer,
  maxInputPixels: config.maxInputPixels,
  ...(visionPlan === undefined ? {} : { vision: visionPlan }),
};
app.http(ReprocessFunctions.start, {
  route: ReprocessRoutes.start,
  methods: ['POST'],
  authLevel: 'function',
  extraInputs: [durableClient],
  handler: createStartReprocess({
    records,
    clientFor: reprocessClientFor,
    newBatchId: randomImageId,
    pipeline: reprocessPipeline,
    childrenPerGeneration: config.reprocess.childrenPerGeneration,
  }),
});
app.http(ReprocessFunctions.get, {
  route: ReprocessRoutes.get,
  methods: ['GET'],
  authLevel: 'function',
  extraInputs: [durableClient],
  handler: createGetReprocess({ clientFor: reprocessClientFor }),
});
app.http(ReprocessFunctions.cancel, {
  route: ReprocessRoutes.cancel,
  methods: ['POST'],
  authLevel: 'function',
  extraInputs: [durableClient],
  handler: createCancelReprocess({ clientFor: reprocessClientFor, clock: systemClock }),
});
// Deferred analyses are picked up again once a Vision gate has room (azure analyzer only).
app.timer(TimerFunctions.resumeDeferredAnalyses, {
  schedule: config.reprocess.resumeDeferredSchedule,
  extraInputs: [durableClient],
  handler: createResumeDeferredAnalyses({
    analyzer: config.analyzer,
    vision: visionPlan,
    records,
    gatesFor: gateReaderFor,
    clientFor: reprocessClientFor,
    clock: systemClock,
    pipeline: reprocessPipeline,
  }),
});
df.app.orchestration(Orchestrators.reprocessBatch, reprocessBatch);
df.app.orchestration(Orchestrators.reprocessImage, reprocessImage);
df.app.activity(Activities.loadRecord, { handler: createLoadRecord({ records }) });
df.app.activity(Activities.findRecords, { handler: createFindRecords({ records }) });
df.app.activity(Activities.saveReprocessedRecord, {
  handler: createSaveReprocessedRecord({ records, clock: systemClock }),
});

// Azure AI Vision through the shared gates: one visionGate entity per endpoint.
df.app.entity(Entities.visionGate, visionGate);
df.app.orchestration(Orchestrators.analyzeThroughGate, analyzeThroughGate);
if (config.analyzer === 'azure') {
  df.app.activity(Activities.callVision, {
    extraInputs: [durableClient],
    handler: createCallVision({
      blobs,
      vision: createAzureVisionService(config.vision, { maxInputPixels: config.maxInputPixels }),
      gatesFor: gateReaderFor,
      clock: systemClock,
      sleep,
      throttles: createRecentThrottles(),
    }),
  });
}
df.app.activity(Activities.readVisionGates, {
  extraInputs: [durableClient],
  handler: createReadVisionGates({ gatesFor: gateReaderFor }),
});
app.http(GateOpsFunctions.list, {
  route: GateOpsRoutes.list,
  methods: ['GET'],
  authLevel: 'function',
  extraInputs: [durableClient],
  handler: createOpsGetGates({ vision: visionPlan, gatesFor: gateReaderFor, clock: systemClock }),
});
app.http(GateOpsFunctions.reset, {
  route: GateOpsRoutes.reset,
  methods: ['POST'],
  authLevel: 'function',
  extraInputs: [durableClient],
  handler: createOpsResetGate({ vision: visionPlan, gatesFor: gateReaderFor, clock: systemClock }),
});

// Image lifecycle: delete with everything that belongs to the image.
app.http(HttpFunctions.deleteImage, {
  route: Routes.image,
  methods: ['DELETE'],
  authLevel: 'function',
  extraInputs: [durableClient],
  handler: createDeleteImage({ blobs, records, clientFor: durableClientFor, clock: systemClock }),
});
df.app.orchestration(Orchestrators.cascadeDelete, cascadeDelete);
df.app.activity(Activities.findImageInstances, {
  extraInputs: [durableClient],
  handler: createFindImageInstances({ pagesFor: durableInstancePagesFor }),
});
df.app.activity(Activities.terminateInstances, {
  extraInputs: [durableClient],
  handler: createTerminateInstances({ pagesFor: durableInstancePagesFor }),
});
df.app.activity(Activities.removeImageData, {
  handler: createRemoveImageData({ blobs, records }),
});
df.app.activity(Activities.purgeInstances, {
  extraInputs: [durableClient],
  handler: createPurgeInstances({ pagesFor: durableInstancePagesFor }),
});

// Image lifecycle: an upload of bytes already processed under the same spec reuses the results.
df.app.activity(Activities.findTwin, { handler: createFindTwin({ records }) });
df.app.activity(Activities.copyTwinVariants, { handler: createCopyTwinVariants({ blobs }) });

// Image lifecycle: finished history leaves the task hub after HISTORY_RETENTION_DAYS.
app.timer(TimerFunctions.purgeOldHistory, {
  schedule: config.lifecycle.historyPurgeSchedule,
  extraInputs: [durableClient],
  handler: createPurgeOldHistory({
    retentionDays: config.lifecycle.historyRetentionDays,
    pagesFor: durableInstancePagesFor,
    clock: systemClock,
  }),
});

// Image lifecycle: records stalled for STALL_MINUTES are started again or marked SOURCE_LOST.
app.timer(TimerFunctions.reconcileStalledImages, {
  schedule: config.lifecycle.reconcileSchedule,
  extraInputs: [durableClient],
  handler: createReconcileStalledImages({
    records,
    blobs,
    clientFor: durableClientFor,
    clock: systemClock,
    stallMinutes: config.lifecycle.stallMinutes,
    uploadUrlTtlSeconds: config.uploadUrlTtlSeconds,
    inputFor: (imageId, source) =>
      processImageInputFor(imageId, source, {
        variantFormat: config.variantFormat,
        analyzer: config.analyzer,
        maxInputPixels: config.maxInputPixels,
        ...(visionPlan === undefined ? {} : { vision: visionPlan }),
      }),
  }),
});

// The OCR worker thread would otherwise keep a stopping worker process alive.
app.hook.appTerminate(async () => {
  await ocr.close();
});
