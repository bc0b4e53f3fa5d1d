/**
 * Every function, orchestrator, activity and route name in one place. Durable calls are matched
 * by name at run time, so a typo at a call site would only show up as a stuck orchestration.
 */

export const HttpFunctions = {
  uploadImage: 'uploadImage',
  createUploadUrl: 'createUploadUrl',
  getImage: 'getImage',
  listImages: 'listImages',
  getImageVariant: 'getImageVariant',
  health: 'health',
  deleteImage: 'deleteImage',
} as const;

export const BlobFunctions = {
  onImageUploaded: 'onImageUploaded',
} as const;

export const Orchestrators = {
  processImage: 'processImage',
  analyzeThroughGate: 'analyzeThroughGate',
  reprocessImage: 'reprocessImage',
  reprocessBatch: 'reprocessBatch',
  cascadeDelete: 'cascadeDelete',
} as const;

export const Entities = {
  /** One instance per analysis endpoint, keyed by its gate id. */
  visionGate: 'visionGate',
} as const;

/** Operation names of the visionGate entity. */
export const GateOperations = {
  acquire: 'acquire',
  report: 'report',
  reset: 'reset',
} as const;

export const Activities = {
  inspectImage: 'inspectImage',
  resizeImage: 'resizeImage',
  analyzeImage: 'analyzeImage',
  saveRecord: 'saveRecord',
  callVision: 'callVision',
  readVisionGates: 'readVisionGates',
  loadRecord: 'loadRecord',
  findRecords: 'findRecords',
  saveReprocessedRecord: 'saveReprocessedRecord',
  findImageInstances: 'findImageInstances',
  terminateInstances: 'terminateInstances',
  removeImageData: 'removeImageData',
  purgeInstances: 'purgeInstances',
  findTwin: 'findTwin',
  copyTwinVariants: 'copyTwinVariants',
} as const;

/** Routes relative to the `/api` prefix. */
export const Routes = {
  images: 'images',
  uploadUrl: 'images/upload-url',
  image: 'images/{id}',
  imageVariant: 'images/{id}/variants/{name}',
  health: 'health',
} as const;

/** Operator functions on the Vision gates (function key required). */
export const GateOpsFunctions = {
  list: 'opsGetGates',
  reset: 'opsResetGate',
} as const;

/** Their routes, relative to the `/api` prefix. */
export const GateOpsRoutes = {
  list: 'ops/gate',
  reset: 'ops/gate/{id}/reset',
} as const;

/** Operator functions on orchestration instances (function key required). */
export const OrchestrationOpsFunctions = {
  list: 'opsListOrchestrations',
  get: 'opsGetOrchestration',
  terminate: 'opsTerminateOrchestration',
  restart: 'opsRestartOrchestration',
  purge: 'opsPurgeOrchestration',
} as const;

/** Their routes, relative to the `/api` prefix. */
export const OrchestrationOpsRoutes = {
  list: 'ops/orchestrations',
  get: 'ops/orchestrations/{instanceId}',
  terminate: 'ops/orchestrations/{instanceId}/terminate',
  restart: 'ops/orchestrations/{instanceId}/restart',
  purge: 'ops/orchestrations/{instanceId}/purge',
} as const;

/** Batch reprocessing: operator functions (function key required) and their routes. */
export const ReprocessFunctions = {
  start: 'opsStartReprocess',
  get: 'opsGetReprocess',
  cancel: 'opsCancelReprocess',
} as const;

export const ReprocessRoutes = {
  start: 'ops/reprocess',
  get: 'ops/reprocess/{batchId}',
  cancel: 'ops/reprocess/{batchId}/cancel',
} as const;

/** External events a reprocessBatch instance listens to. */
export const ReprocessEvents = {
  /** Start no more images; let the running ones finish; end Canceled. */
  cancel: 'cancel',
} as const;

export const TimerFunctions = {
  resumeDeferredAnalyses: 'resumeDeferredAnalyses',
  purgeOldHistory: 'purgeOldHistory',
  reconcileStalledImages: 'reconcileStalledImages',
} as const;

export const Containers = {
  incoming: 'images-incoming',
  variants: 'images-variants',
  /** One empty blob per deleted image id: a late or redelivered upload event finds it and stops. */
  tombstones: 'images-deleted',
} as const;

/** Blob metadata key holding the client's file name, percent-encoded. */
export const FILENAME_METADATA_KEY = 'filename';

/** The app setting naming the storage connection, as Azure Functions bindings refer to it. */
export const STORAGE_CONNECTION = 'AzureWebJobsStorage';

/** Azure Functions' default route prefix (host.json `extensions.http.routePrefix`). */
export const API_PREFIX = '/api';
