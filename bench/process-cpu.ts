/**
 * CPU time of a devhost stack, per process, read from /proc: the supervisor's descendants,
 * sorted into the host's JavaScript thread, the host's V8 and libuv threads, the host's image
 * work (libvips), storage (Azurite), the Cosmos emulator and the supervisor itself (which journals
 * the Cosmos emulator). Linux only; elsewhere every figure is zero.
 *
 * The host's threads are told apart by name: Node's own (V8's platform workers for GC and
 * compiling, libuv's pool) live as long as the process, libvips names its workers
 * `libvips_worker` and lets idle ones exit. A process's own stat counts the threads that have
 * exited too, so what no live thread accounts for is libvips' as well.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** /proc reports CPU time in clock ticks; 100 a second on every Linux this runs on. */
const TICKS_PER_SECOND = 100;

export const CPU_PARTS = [
  'host JavaScript',
  'host V8 and libuv threads',
  'host image work (libvips)',
  'storage (Azurite)',
  'Cosmos emulator',
  'supervisor',
] as const;
export type CpuPart = (typeof CPU_PARTS)[number];
export type CpuSample = Record<CpuPart, number>;

/** utime + stime in ms of a process or a thread, from its stat file. */
function cpuMs(statFile: string): number {
  try {
    const stat = readFileSync(statFile, 'utf8');
    // Fields after the command name, which may contain spaces, and ends with ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function parentOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

function descendants(root: number): number[] {
  let pids: number[];
  try {
    pids = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const pid of pids) {
    const parent = parentOf(pid);
    children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const out: number[] = [];
  const stack = [...(children.get(root) ?? [])];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** CPU-ms of a process's live threads other than its main thread and libvips' workers. */
function nodeThreadsMs(pid: number): number {
  let total = 0;
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return 0;
  }
  for (const tid of tids) {
    if (tid === String(pid)) continue;
    let name: string;
    try {
      name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (!name.startsWith('libvips')) total += cpuMs(`/proc/${pid}/task/${tid}/stat`);
  }
  return total;
}

/** CPU-ms used so far by each part of the stack under `supervisorPid`. */
export function sampleCpu(supervisorPid: number, hostPid: number): CpuSample {
  const sample: CpuSample = {
    'host JavaScript': 0,
    'host V8 and libuv threads': 0,
    'host image work (libvips)': 0,
    'storage (Azurite)': 0,
    'Cosmos emulator': 0,
    supervisor: cpuMs(`/proc/${supervisorPid}/stat`),
  };
  for (const pid of descendants(supervisorPid)) {
    if (pid === hostPid) {
      const main = cpuMs(`/proc/${pid}/task/${pid}/stat`);
      const node = nodeThreadsMs(pid);
      sample['host JavaScript'] += main;
      sample['host V8 and libuv threads'] += node;
      sample['host image work (libvips)'] += cpuMs(`/proc/${pid}/stat`) - main - node;
      continue;
    }
    const command = commandLine(pid);
    if (/azurite/i.test(command)) sample['storage (Azurite)'] += cpuMs(`/proc/${pid}/stat`);
    else if (/cosmos/i.test(command)) sample['Cosmos emulator'] += cpuMs(`/proc/${pid}/stat`);
    else sample.supervisor += cpuMs(`/proc/${pid}/stat`);
  }
  return sample;
}

export function cpuDelta(after: CpuSample, before: CpuSample): CpuSample {
  const out = { ...after };
  for (const part of CPU_PARTS) out[part] = after[part] - before[part];
  return out;
}

export function addCpu(into: CpuSample, more: CpuSample): void {
  for (const part of CPU_PARTS) into[part] += more[part];
}

export function zeroCpu(): CpuSample {
  return Object.fromEntries(CPU_PARTS.map((part) => [part, 0])) as CpuSample;
}

/** CPU-ms of this process (the benchmark itself: sharp alone runs here). */
export function ownCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}
