/**
 * The app's entry: reads the deploy-time config, then routes by the URL hash (works on any
 * static host, no server rewrites): `#/` gallery, `#/images/{id}`, `#/ops/orchestrations?...`,
 * `#/ops/instances/{id}`, `#/ops/gate`, `#/ops/reprocess`. Focus moves to the new page's heading
 * so keyboard and screen-reader users land where the content is.
 */
import './style.css';
import { loadConfig } from './api';
import { galleryPage } from './pages/gallery';
import { gatePage } from './pages/gate';
import { imagePage } from './pages/image';
import { instancePage } from './pages/instance';
import { orchestrationsPage } from './pages/orchestrations';
import { reprocessPage } from './pages/reprocess';

const root = document.getElementById('main') as HTMLElement;
let cleanup: () => void = () => undefined;

function route(): void {
  cleanup();
  const [path = '/', search = ''] = location.hash.replace(/^#/, '').split('?');
  const query = new URLSearchParams(search);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const again = (): void => route();
  if (parts[0] === 'images' && parts[1]) cleanup = imagePage(root, parts[1]);
  else if (parts[0] === 'ops' && parts[1] === 'orchestrations')
    cleanup = orchestrationsPage(root, query, again);
  else if (parts[0] === 'ops' && parts[1] === 'instances' && parts[2])
    cleanup = instancePage(root, parts[2], again);
  else if (parts[0] === 'ops' && parts[1] === 'gate') cleanup = gatePage(root, again);
  else if (parts[0] === 'ops' && parts[1] === 'reprocess') cleanup = reprocessPage(root, again);
  else cleanup = galleryPage(root);
  for (const link of document.querySelectorAll<HTMLAnchorElement>('nav a')) {
    const here = link.getAttribute('href') === `#${path === '' ? '/' : path}`;
    if (here) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const heading = root.querySelector('h1');
  if (heading !== null && document.activeElement !== document.body) {
    heading.tabIndex = -1;
    heading.focus();
  }
  document.title = `${heading?.textContent ?? 'Images'} · image-pipeline`;
}

window.addEventListener('hashchange', route);
void loadConfig().then(route);
