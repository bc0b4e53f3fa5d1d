import {
  BlobServiceClient,
  StorageSharedKeyCredential,
  type StoragePipelineOptions,
} from '@azure/storage-blob';
import { createAzureUploadUrlSigner } from '../../src/adapters/azure-upload-url-signer';

/** The SDK's HTTP client contract, reduced to what a fake needs. */
type HttpClient = NonNullable<StoragePipelineOptions['httpClient']>;
type SentRequest = Parameters<HttpClient['sendRequest']>[0];

const NOW = new Date('2024-03-04T05:06:07.000Z');
const EXPIRES = new Date('2024-03-04T05:16:07.000Z');
const ACCOUNT_KEY = Buffer.from('not-a-real-key-but-base64-encoded').toString('base64');

/** Response headers as the SDK's HTTP client contract reads them. */
class FakeHeaders {
  private readonly map = new Map<string, string>();
  constructor(init: Record<string, string> = {}) {
    for (const [name, value] of Object.entries(init)) this.set(name, value);
  }
  get(name: string) {
    return this.map.get(name.toLowerCase());
  }
  has(name: string) {
    return this.map.has(name.toLowerCase());
  }
  set(name: string, value: string | number | boolean) {
    this.map.set(name.toLowerCase(), String(value));
  }
  delete(name: string) {
    this.map.delete(name.toLowerCase());
  }
  toJSON() {
    return Object.fromEntries(this.map);
  }
  toJson() {
    return this.toJSON();
  }
  [Symbol.iterator]() {
    return this.map.entries();
  }
}

/** Answers container creation and user delegation key requests, and records every request. */
function fakeStorage() {
  const sent: { method: string; url: string; body: string }[] = [];
  const httpClient = {
    sendRequest(request: SentRequest) {
      const body = typeof request.body === 'string' ? request.body : '';
      sent.push({ method: request.method, url: request.url, body });
      const url = new URL(request.url);
      if (url.searchParams.get('comp') === 'userdelegationkey') {
        return Promise.resolve({
          request,
          status: 200,
          headers: new FakeHeaders({ 'content-type': 'application/xml' }),
          bodyAsText:
            '<?xml version="1.0" encoding="utf-8"?><UserDelegationKey>' +
            '<SignedOid>11111111-1111-1111-1111-111111111111</SignedOid>' +
            '<SignedTid>22222222-2222-2222-2222-222222222222</SignedTid>' +
            '<SignedStart>2024-03-04T05:01:07Z</SignedStart>' +
            '<SignedExpiry>2024-03-04T06:06:07Z</SignedExpiry>' +
            '<SignedService>b</SignedService><SignedVersion>2025-01-05</SignedVersion>' +
            `<Value>${ACCOUNT_KEY}</Value></UserDelegationKey>`,
        });
      }
      return Promise.resolve({ request, status: 201, headers: new FakeHeaders() });
    },
  } as unknown as HttpClient;
  return { sent, httpClient };
}

const fakeCredential = {
  getToken: (): Promise<{ token: string; expiresOnTimestamp: number }> =>
    Promise.resolve({ token: 'token', expiresOnTimestamp: NOW.getTime() + 3_600_000 }),
};

function sasOf(url: string) {
  const parsed = new URL(url);
  return { path: parsed.origin + parsed.pathname, query: parsed.searchParams };
}

describe('Class: AzureUploadUrlSigner', () => {
  describe('Method: signUpload, with an account key', () => {
    it('signs one blob for create and write only, until the given expiry', async () => {
      // Prepare
      const { sent, httpClient } = fakeStorage();
      const service = new BlobServiceClient(
        'https://acct.blob.core.windows.net',
        new StorageSharedKeyCredential('acct', ACCOUNT_KEY),
        { httpClient, retryOptions: { maxTries: 1 } },
      );
      const signer = createAzureUploadUrlSigner(service, { clock: () => NOW });

      // Act
      const signed = await signer.signUpload({
        container: 'images-incoming',
        blobName: 'abc123',
        expiresOn: EXPIRES,
      });

      // Assess
      const { path, query } = sasOf(signed.url);
      expect(path).toBe('https://acct.blob.core.windows.net/images-incoming/abc123');
      expect(query.get('sr')).toBe('b');
      expect(query.get('sp')).toBe('cw');
      expect(query.get('se')).toBe('2024-03-04T05:16:07Z');
      expect(query.get('spr')).toBe('https');
      expect(query.get('st')).toBeNull();
      expect(query.get('sig')).toEqual(expect.any(String));
      expect(query.get('skoid')).toBeNull();
      expect(signed.expiresOn).toEqual(EXPIRES);
      expect(sent.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual([
        'PUT /images-incoming',
      ]);
    });

    it('gives different blobs different signatures and creates the container once', async () => {
      // Prepare
      const { sent, httpClient } = fakeStorage();
      const service = new BlobServiceClient(
        'https://acct.blob.core.windows.net',
        new StorageSharedKeyCredential('acct', ACCOUNT_KEY),
        { httpClient },
      );
      const signer = createAzureUploadUrlSigner(service, { clock: () => NOW });
      const request = { container: 'images-incoming', expiresOn: EXPIRES };

      // Act
      const a = await signer.signUpload({ ...request, blobName: 'a' });
      const b = await signer.signUpload({ ...request, blobName: 'b' });

      // Assess
      expect(sasOf(a.url).query.get('sig')).not.toBe(sasOf(b.url).query.get('sig'));
      expect(sent).toHaveLength(1);
    });

    it('allows plain HTTP only when the blob endpoint itself is HTTP (the local emulator)', async () => {
      // Prepare
      const { httpClient } = fakeStorage();
      const service = new BlobServiceClient(
        'http://127.0.0.1:10000/devstoreaccount1',
        new StorageSharedKeyCredential('devstoreaccount1', ACCOUNT_KEY),
        { httpClient },
      );
      const signer = createAzureUploadUrlSigner(service, { clock: () => NOW });

      // Act
      const signed = await signer.signUpload({
        container: 'images-incoming',
        blobName: 'abc123',
        expiresOn: EXPIRES,
      });

      // Assess
      const { path, query } = sasOf(signed.url);
      expect(path).toBe('http://127.0.0.1:10000/devstoreaccount1/images-incoming/abc123');
      expect(query.get('spr')).toBe('https,http');
      expect(query.get('sp')).toBe('cw');
    });
  });

  describe('Method: signUpload, with Entra ID', () => {
    it('signs with a user delegation key, reused while it outlives the URL', async () => {
      // Prepare
      const { sent, httpClient } = fakeStorage();
      const service = new BlobServiceClient('https://acct.blob.core.windows.net', fakeCredential, {
        httpClient,
      });
      const signer = createAzureUploadUrlSigner(service, { clock: () => NOW });
      const request = { container: 'images-incoming', expiresOn: EXPIRES };

      // Act
      const first = await signer.signUpload({ ...request, blobName: 'a' });
      await signer.signUpload({ ...request, blobName: 'b' });

      // Assess
      const { path, query } = sasOf(first.url);
      expect(path).toBe('https://acct.blob.core.windows.net/images-incoming/a');
      expect(query.get('sr')).toBe('b');
      expect(query.get('sp')).toBe('cw');
      expect(query.get('se')).toBe('2024-03-04T05:16:07Z');
      expect(query.get('spr')).toBe('https');
      expect(query.get('skoid')).toBe('11111111-1111-1111-1111-111111111111');
      expect(query.get('sktid')).toBe('22222222-2222-2222-2222-222222222222');
      const keyRequests = sent.filter(
        (r) => new URL(r.url).searchParams.get('comp') === 'userdelegationkey',
      );
      expect(keyRequests).toHaveLength(1);
      expect(keyRequests[0]?.body).toContain('<Start>2024-03-04T05:01:07Z</Start>');
      expect(keyRequests[0]?.body).toContain('<Expiry>2024-03-04T06:06:07Z</Expiry>');
    });
  });

  describe('Method: signUpload, without a way to sign', () => {
    it('fails rather than hand out an unsigned URL', async () => {
      // Prepare
      const { httpClient } = fakeStorage();
      const service = new BlobServiceClient(
        'https://acct.blob.core.windows.net?sv=x&sig=y',
        undefined,
        {
          httpClient,
        },
      );
      const signer = createAzureUploadUrlSigner(service, { clock: () => NOW });

      // Act / Assess
      await expect(
        signer.signUpload({ container: 'images-incoming', blobName: 'a', expiresOn: EXPIRES }),
      ).rejects.toThrow(/account key or an Entra ID identity/);
    });
  });
});
