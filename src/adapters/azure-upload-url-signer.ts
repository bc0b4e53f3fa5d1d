/**
 * UploadUrlSigner over @azure/storage-blob: a blob-scoped service SAS with create and write
 * permissions only.
 *
 * How it is signed depends on how the app reaches storage:
 * - a connection string with an account key: the key signs the SAS (`StorageSharedKeyCredential`);
 * - an account URL with Entra ID (managed identity): a user delegation key signs it, so no account
 *   key is needed and revoking the identity's role revokes every URL. The key is requested for an
 *   hour and reused while it outlives the URL being signed, which saves a round trip per upload.
 * - anything else (a SAS connection string, for instance) cannot sign; the request fails.
 *
 * The SAS allows HTTPS only when the blob endpoint is HTTPS (Azure); an `http://` endpoint (the
 * local emulator) cannot be reached over HTTPS, so there it allows both. The SAS carries no start
 * time, so a client clock running behind the service's cannot make a fresh URL "not yet valid".
 * The container is created on first use, as the blob store does, because a client's PUT cannot.
 */
import { containerInitializer } from './ensure-container';
import {
  BlobSASPermissions,
  type BlobServiceClient,
  generateBlobSASQueryParameters,
  type SASQueryParameters,
  SASProtocol,
  StorageSharedKeyCredential,
  type UserDelegationKey,
} from '@azure/storage-blob';
import type {
  SignedUploadUrl,
  UploadUrlRequest,
  UploadUrlSigner,
} from '../ports/upload-url-signer';

/** How long a requested user delegation key is valid (the service allows up to 7 days). */
const DELEGATION_KEY_LIFETIME_MS = 60 * 60 * 1000;
/** Backdating the key's start absorbs a difference between our clock and the service's. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

export interface AzureUploadUrlSignerOptions {
  clock: () => Date;
}

type Signing = (
  values: Parameters<typeof generateBlobSASQueryParameters>[0],
) => Promise<SASQueryParameters>;

function isTokenCredential(credential: unknown): boolean {
  return (
    typeof credential === 'object' &&
    credential !== null &&
    typeof (credential as { getToken?: unknown }).getToken === 'function'
  );
}

function delegationSigning(service: BlobServiceClient, clock: () => Date): Signing {
  let cached: Promise<UserDelegationKey> | undefined;
  let cachedExpiry = 0;

  const keyCovering = (expiresOn: Date): Promise<UserDelegationKey> => {
    if (cached === undefined || cachedExpiry < expiresOn.getTime()) {
      const now = clock().getTime();
      const keyExpiry = Math.max(now + DELEGATION_KEY_LIFETIME_MS, expiresOn.getTime());
      cachedExpiry = keyExpiry;
      cached = service
        .getUserDelegationKey(new Date(now - CLOCK_SKEW_MS), new Date(keyExpiry))
        .catch((error: unknown) => {
          // Forget the failure so the next request asks again.
          cached = undefined;
          cachedExpiry = 0;
          throw error;
        });
    }
    return cached;
  };

  return async (values) => {
    const key = await keyCovering(values.expiresOn ?? clock());
    return generateBlobSASQueryParameters(values, key, service.accountName);
  };
}

function signingFor(service: BlobServiceClient, clock: () => Date): Signing {
  const credential = service.credential;
  if (credential instanceof StorageSharedKeyCredential) {
    return (values) => Promise.resolve(generateBlobSASQueryParameters(values, credential));
  }
  if (isTokenCredential(credential)) return delegationSigning(service, clock);
  return () =>
    Promise.reject(
      new Error(
        'Upload URLs need an account key or an Entra ID identity for blob storage; the configured connection has neither',
      ),
    );
}

export function createAzureUploadUrlSigner(
  service: BlobServiceClient,
  options: AzureUploadUrlSignerOptions,
): UploadUrlSigner {
  const sign = signingFor(service, options.clock);
  const protocol =
    new URL(service.url).protocol === 'https:' ? SASProtocol.Https : SASProtocol.HttpsAndHttp;
  const ensureContainer = containerInitializer(service);

  return {
    async signUpload(request: UploadUrlRequest): Promise<SignedUploadUrl> {
      const sas = await sign({
        containerName: request.container,
        blobName: request.blobName,
        permissions: BlobSASPermissions.from({ create: true, write: true }),
        expiresOn: request.expiresOn,
        protocol,
      });
      await ensureContainer(request.container);
      const blob = service.getContainerClient(request.container).getBlobClient(request.blobName);
      return { url: `${blob.url}?${sas.toString()}`, expiresOn: request.expiresOn };
    },
  };
}
