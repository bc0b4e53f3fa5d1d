/**
 * DELETE /api/images/{id} through the whole stack: the key is required, the cascade removes the
 * variants, the source blob, the record and the history of every run, a running image is
 * terminated first, a repeated DELETE answers 204, and the tombstone keeps a redelivered upload
 * event (the same blob name written again) from bringing the image back.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { getRecord, phonePhoto, sharedStack, uploadOk, waitFinished } from './client';

const stack = sharedStack();
const blobService = BlobServiceClient.fromConnectionString(process.env.TEST_STORAGE ?? '');
const MAIN = path.join(__dirname, '..', '..', 'dist', 'cli', 'main.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function del(id: string, key: string | null = stack.key): Promise<Response> {
  return fetch(`${stack.baseUrl}/api/images/${id}`, {
    method: 'DELETE',
    headers: key === null ? {} : { 'x-functions-key': key },
  });
}

async function ops(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${stack.baseUrl}/api/ops/${path}`, {
    headers: { 'x-functions-key': stack.key },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function waitCascade(statusUrl: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const res = await fetch(statusUrl, { headers: { 'x-functions-key': stack.key } });
    const body = (await res.json()) as Record<string, unknown>;
    if (res.status === 200 && ['Completed', 'Failed'].includes(String(body.runtimeStatus))) {
      return body;
    }
    if (Date.now() > deadline) throw new Error(`cascade still ${JSON.stringify(body)}`);
    await sleep(250);
  }
}

async function blobNames(container: string, prefix: string): Promise<string[]> {
  const names: string[] = [];
  const client = blobService.getContainerClient(container);
  if (!(await client.exists())) return names;
  for await (const item of client.listBlobsFlat({ prefix })) names.push(item.name);
  return names;
}

async function instancesOf(id: string): Promise<string[]> {
  const { body } = await ops(`orchestrations?instanceIdPrefix=img-${id}-&limit=100`);
  return (body.items as { instanceId: string }[]).map((item) => item.instanceId);
}

describe('DELETE /api/images/{id}', () => {
  let photo: Buffer;

  beforeAll(async () => {
    photo = await phonePhoto(900, 600);
  });

  it('needs the function key and answers 404 NOT_FOUND for an unknown id', async () => {
    // Act
    const anonymous = await del('01aaaaaaaaaaaaaaaaaaaaaaaa', null);
    const unknown = await del('01aaaaaaaaaaaaaaaaaaaaaaaa');
    // Assess
    expect(anonymous.status).toBe(401);
    expect(unknown.status).toBe(404);
    const body = (await unknown.json()) as { error: { code: string } };
    expect(body.error.code).toBe('NOT_FOUND');
  });

  it('removes variants, source, record and every run, then answers 204; a redelivered event stays ignored', async () => {
    // Prepare: a finished image with its variants and its run in the task hub.
    const id = await uploadOk(stack, photo);
    const { record } = await waitFinished(stack, id);
    expect(record.status).toBe('Completed');
    expect(await blobNames('images-variants', `${id}/`)).toHaveLength(3);
    const runs = await instancesOf(id);
    expect(runs.length).toBeGreaterThanOrEqual(1);

    // Act
    const res = await del(id);
    const accepted = (await res.json()) as { id: string; statusUrl: string };
    const cascade = await waitCascade(accepted.statusUrl);

    // Assess
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBe(accepted.statusUrl);
    expect(cascade.runtimeStatus).toBe('Completed');
    const output = cascade.output as {
      blobsDeleted: number;
      recordDeleted: boolean;
      instancesPurged: number;
    };
    expect(output.blobsDeleted).toBe(4);
    expect(output.recordDeleted).toBe(true);
    expect(output.instancesPurged).toBe(runs.length);
    expect((await getRecord(stack, id)).status).toBe(404);
    const variant = await fetch(`${stack.baseUrl}/api/images/${id}/variants/thumb`);
    expect(variant.status).toBe(404);
    expect(await blobNames('images-variants', `${id}/`)).toEqual([]);
    expect(await blobNames('images-incoming', id)).toEqual([]);
    for (const run of runs) expect((await ops(`orchestrations/${run}`)).status).toBe(404);
    expect((await del(id)).status).toBe(204);

    // Act: the same blob name written again, as a late or redelivered upload would.
    await blobService
      .getContainerClient('images-incoming')
      .getBlockBlobClient(id)
      .uploadData(photo, { blobHTTPHeaders: { blobContentType: 'image/jpeg' } });

    // Assess: the trigger sees it, starts nothing, and removes the bytes again.
    const deadline = Date.now() + 60_000;
    while ((await blobNames('images-incoming', id)).length > 0) {
      if (Date.now() > deadline) throw new Error('the re-written blob was never removed');
      await sleep(250);
    }
    expect(await instancesOf(id)).toEqual([]);
    expect((await getRecord(stack, id)).status).toBe(404);
    expect((await del(id)).status).toBe(204);
  });

  it('terminates an image that is still running before removing it', async () => {
    // Prepare: a large photo keeps the run busy for a while.
    const big = await phonePhoto(3000, 2000);
    const id = await uploadOk(stack, big);

    // Act: delete as soon as the run exists.
    const deadline = Date.now() + 60_000;
    while ((await instancesOf(id)).length === 0) {
      if (Date.now() > deadline) throw new Error('the run never started');
      await sleep(50);
    }
    const res = await del(id);
    const accepted = (await res.json()) as { statusUrl: string };
    const again = await del(id);
    const cascade = await waitCascade(accepted.statusUrl);

    // Assess
    expect(res.status).toBe(202);
    expect([202, 204]).toContain(again.status);
    expect(cascade.runtimeStatus).toBe('Completed');
    expect((await getRecord(stack, id)).status).toBe(404);
    expect(await instancesOf(id)).toEqual([]);
    expect(await blobNames('images-variants', `${id}/`)).toEqual([]);
    expect(await blobNames('images-incoming', id)).toEqual([]);
  });

  it('image-pipeline delete <id> waits for the cascade and reports what it removed', async () => {
    // Prepare
    const id = await uploadOk(stack, photo);
    await waitFinished(stack, id);

    // Act
    const cli = (...args: string[]) =>
      new Promise<{ code: number; stdout: string }>((resolve) => {
        execFile(
          process.execPath,
          [MAIN, ...args, '--url', stack.baseUrl, '--key', stack.key],
          { timeout: 120_000 },
          (error, stdout) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout }),
        );
      });
    const first = await cli('delete', id);
    const second = await cli('delete', id);

    // Assess
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`Deleted ${id}: 4 blob\\(s\\), \\d+ orchestration`));
    expect((await getRecord(stack, id)).status).toBe(404);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('already deleted');
  });
});
