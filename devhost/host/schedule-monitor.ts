/**
 * Where timer triggers keep their schedule status: a blob per function under
 * `azure-webjobs-hosts/timers/{hostId}/Host.Functions.{name}/status`, the path the Functions
 * host's storage schedule monitor uses, so state survives host processes like the task hub does.
 */
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import type { ScheduleStatus } from './schedule-status';

export interface ScheduleMonitor {
  get(functionName: string): Promise<ScheduleStatus | undefined>;
  update(functionName: string, status: ScheduleStatus): Promise<void>;
}

export class BlobScheduleMonitor implements ScheduleMonitor {
  private ready: Promise<unknown> | undefined;
  private readonly container: ContainerClient;

  constructor(
    connectionString: string,
    private readonly hostId: string,
  ) {
    this.container =
      BlobServiceClient.fromConnectionString(connectionString).getContainerClient(
        'azure-webjobs-hosts',
      );
  }

  private blob(functionName: string) {
    return this.container.getBlockBlobClient(
      `timers/${this.hostId}/Host.Functions.${functionName}/status`,
    );
  }

  async get(functionName: string): Promise<ScheduleStatus | undefined> {
    await (this.ready ??= this.container.createIfNotExists());
    try {
      const body = await this.blob(functionName).downloadToBuffer();
      return JSON.parse(body.toString('utf8')) as ScheduleStatus;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    }
  }

  async update(functionName: string, status: ScheduleStatus): Promise<void> {
    await (this.ready ??= this.container.createIfNotExists());
    const text = JSON.stringify(status);
    await this.blob(functionName).upload(text, Buffer.byteLength(text), {
      blobHTTPHeaders: { blobContentType: 'application/json' },
    });
  }
}
