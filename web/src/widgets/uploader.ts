/**
 * The drop zone and file input: several files at once; each one asks the API for an upload URL,
 * then PUTs the bytes straight to blob storage with a progress bar (XHR upload progress). A
 * refusal (size, type) shows the API's reason; an expired URL (403 from storage) is replaced by
 * a fresh one once. Calls `onUploaded` with each accepted image's id.
 */
import { ApiError, describeError, request } from '../api';
import { h } from '../dom';
import { formatBytes } from '../lib/format';

interface Grant {
  id: string;
  uploadUrl: string;
  expiresOn: string;
  statusUrl: string;
}

function put(url: string, file: File, onProgress: (fraction: number) => void): Promise<number> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    xhr.setRequestHeader('x-ms-blob-type', 'BlockBlob');
    xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => resolve(xhr.status);
    xhr.onerror = () => resolve(0);
    xhr.send(file);
  });
}

async function grantFor(file: File): Promise<Grant> {
  const { body } = await request<Grant>('POST', '/api/images/upload-url', {
    body: { contentType: file.type, contentLength: file.size, filename: file.name },
  });
  if (body === undefined) throw new ApiError(0, 'EMPTY', 'No upload URL came back.');
  return body;
}

export function uploader(onUploaded: (id: string) => void): HTMLElement {
  const list = h('ul', { class: 'uploads', 'aria-live': 'polite' });
  const input = h('input', {
    type: 'file',
    id: 'file-input',
    multiple: true,
    accept: 'image/jpeg,image/png,image/webp,image/gif,image/avif,image/tiff',
  });
  const zone = h(
    'section',
    { class: 'dropzone', 'aria-labelledby': 'upload-title' },
    h('h2', { id: 'upload-title' }, 'Upload images'),
    h('p', {}, 'Drop image files here, or choose them:'),
    h('label', { for: 'file-input', class: 'button' }, 'Choose files'),
    input,
    list,
  );

  async function one(file: File): Promise<void> {
    const bar = h('progress', { max: 1, value: 0, 'aria-label': `Upload of ${file.name}` });
    const state = h('span', { class: 'state' }, 'asking for an upload URL…');
    list.append(
      h(
        'li',
        {},
        h('span', { class: 'name' }, `${file.name} (${formatBytes(file.size)})`),
        bar,
        state,
      ),
    );
    try {
      let grant = await grantFor(file);
      state.textContent = 'uploading…';
      let status = await put(grant.uploadUrl, file, (f) => (bar.value = f));
      if (status === 403 || Date.parse(grant.expiresOn) < Date.now()) {
        // The URL expired before the bytes were sent: ask once more.
        state.textContent = 'upload URL expired, retrying with a fresh one…';
        grant = await grantFor(file);
        status = await put(grant.uploadUrl, file, (f) => (bar.value = f));
      }
      if (status < 200 || status >= 300) {
        state.textContent = `storage refused the upload (HTTP ${status || 'network error'})`;
        state.className = 'state error';
        return;
      }
      bar.value = 1;
      state.textContent = '';
      state.append('uploaded: ', h('a', { href: `#/images/${grant.id}` }, 'follow its processing'));
      onUploaded(grant.id);
    } catch (error) {
      state.textContent = `refused: ${describeError(error)}`;
      state.className = 'state error';
    }
  }

  const take = (files: FileList | null): void => {
    for (const file of Array.from(files ?? [])) void one(file);
  };
  input.addEventListener('change', () => {
    take(input.files);
    input.value = '';
  });
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    take(e.dataTransfer?.files ?? null);
  });
  return zone;
}
