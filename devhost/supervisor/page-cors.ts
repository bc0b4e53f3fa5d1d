/**
 * Lets the web app served by the host upload straight to Azurite: the page at
 * `http://127.0.0.1:{hostPort}` PUTs each file to the blob endpoint (another origin) with the
 * upload URL the API hands out, which a browser only sends once the blob service's CORS rules
 * allow that origin, method and headers. In Azure the deployment sets the same rule on the
 * storage account for the site's origin.
 *
 * Idempotent: the rule set is replaced as a whole on every start, and Azurite keeps it on disk.
 */
import { BlobServiceClient } from '@azure/storage-blob';

/** Both spellings of loopback, since a user may open either. */
export function pageOrigins(hostPort: number): string[] {
  return [`http://127.0.0.1:${hostPort}`, `http://localhost:${hostPort}`];
}

export async function allowPageUploads(connectionString: string, hostPort: number): Promise<void> {
  const service = BlobServiceClient.fromConnectionString(connectionString);
  await service.setProperties({
    cors: [
      {
        allowedOrigins: pageOrigins(hostPort).join(','),
        allowedMethods: 'PUT,GET,HEAD,OPTIONS',
        allowedHeaders: 'content-type,x-ms-blob-type,x-ms-version,x-ms-date,x-ms-client-request-id',
        exposedHeaders: 'etag,x-ms-request-id,x-ms-error-code',
        maxAgeInSeconds: 3600,
      },
    ],
  });
}
