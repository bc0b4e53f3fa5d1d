/**
 * Preloaded (`node --require`) into every child devhost starts. The parent hands the child one
 * end of a pipe on the fd named by DEVHOST_PARENT_WATCH_FD and never writes to it; when the
 * parent dies, even by SIGKILL, the kernel closes its end and the child reads end-of-file. The
 * child then terminates itself, so a killed supervisor never leaves emulators or hosts behind
 * holding ports and state files.
 */
import * as net from 'node:net';

export const PARENT_WATCH_FD_ENV = 'DEVHOST_PARENT_WATCH_FD';

/** Grace a child gets to shut down through its own SIGTERM handler before it is forced out. */
const FORCED_EXIT_AFTER_MS = 10_000;

function watchParent(): void {
  const fd = Number(process.env[PARENT_WATCH_FD_ENV]);
  // Grandchildren inherit the environment but not the pipe: they must not watch a stray fd.
  delete process.env[PARENT_WATCH_FD_ENV];
  if (!Number.isInteger(fd) || fd < 3) return;

  let pipe: net.Socket;
  try {
    pipe = new net.Socket({ fd, readable: true, writable: false });
  } catch {
    return;
  }
  const parentGone = (): void => {
    setTimeout(() => process.exit(1), FORCED_EXIT_AFTER_MS).unref();
    process.kill(process.pid, 'SIGTERM');
  };
  pipe.on('data', () => undefined);
  pipe.once('end', parentGone);
  pipe.once('error', parentGone);
  // The watch must never be the reason a child stays alive.
  pipe.unref();
}

watchParent();
