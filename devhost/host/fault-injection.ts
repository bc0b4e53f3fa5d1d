/**
 * Fault injection for durability tests, off unless DEVHOST_FAULT is set. The variable lists
 * `<point>:<function name>` pairs separated by commas, with the points of
 * devhost/durable/fault-points.ts, e.g.
 *
 *   DEVHOST_FAULT=after-activity-result:checkpoint,after-entity-batch:tally
 *
 * The first time the task hub reaches a listed point for that function, the host process kills
 * itself with SIGKILL, as a crash would, leaving the supervisor to start a new one. Each pair
 * fires once per state directory: a marker file under run/faults/ records it, so the new host
 * carries on instead of crashing at the same point forever.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FAULT_POINTS, type FaultHook, type FaultPoint } from '../durable/fault-points';

export interface Fault {
  point: FaultPoint;
  functionName: string;
}

export function parseFaults(spec: string | undefined): Fault[] {
  if (!spec?.trim()) return [];
  return spec.split(',').map((entry) => {
    const [point, functionName] = entry.trim().split(':');
    if (!FAULT_POINTS.includes(point as FaultPoint) || !functionName) {
      throw new Error(
        `DEVHOST_FAULT entry '${entry}' must be <point>:<function name>, with a point among ${FAULT_POINTS.join(', ')}.`,
      );
    }
    return { point: point as FaultPoint, functionName };
  });
}

export function faultMarkerFile(stateDir: string, fault: Fault): string {
  return path.join(stateDir, 'run', 'faults', `${fault.point}--${fault.functionName}`);
}

export function createFaultHook(
  faults: Fault[],
  stateDir: string,
  log: (level: string, message: string) => void,
): FaultHook | undefined {
  if (faults.length === 0) return undefined;
  log('warn', `Fault injection is on (DEVHOST_FAULT): ${faults.map(describe).join(', ')}.`);
  return (point, functionName) => {
    const fault = faults.find((f) => f.point === point && f.functionName === functionName);
    if (!fault) return;
    const marker = faultMarkerFile(stateDir, fault);
    if (fs.existsSync(marker)) return;
    fs.mkdirSync(path.dirname(marker), { recursive: true });
    const fd = fs.openSync(marker, 'w');
    fs.writeSync(fd, `${new Date().toISOString()} pid ${process.pid}\n`);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    log('warn', `DEVHOST_FAULT: ending the host at ${describe(fault)}.`);
    process.kill(process.pid, 'SIGKILL');
  };
}

function describe(f: Fault): string {
  return `${f.point}:${f.functionName}`;
}
