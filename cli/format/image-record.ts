/** `status <imageId>`: the record as a few labelled lines and a table of steps. */
import type { ImageRecord, ImageStep } from './shapes';
import { renderTable } from './table';
import { cell, formatBytes, formatDuration, formatTime } from './units';

function size(width?: number, height?: number): string {
  return width === undefined || height === undefined ? '-' : `${width}×${height}`;
}

function stepDuration(step: ImageStep): string {
  const from = Date.parse(step.startedAt ?? '');
  const to = Date.parse(step.completedAt ?? '');
  return Number.isNaN(from) || Number.isNaN(to) ? '-' : formatDuration(to - from);
}

export function formatImageRecord(record: ImageRecord): string {
  const lines = [`${record.id ?? '?'}  ${record.status ?? '?'}`];
  lines.push(`created   ${formatTime(record.createdAt)}   updated ${formatTime(record.updatedAt)}`);
  const source = record.source;
  if (source !== undefined) {
    lines.push(
      `source    ${[
        cell(source.filename, 40),
        source.format ?? '-',
        size(source.width, source.height),
        formatBytes(source.bytes),
      ].join('  ')}`,
    );
  }
  const variants = record.variants ?? [];
  if (variants.length > 0) {
    const list = variants.map(
      (v) => `${v.name ?? '?'} ${size(v.width, v.height)} (${formatBytes(v.bytes)})`,
    );
    lines.push(`variants  ${list.join(', ')}`);
  }
  if (record.analysis !== undefined) {
    lines.push(`analysis  ${record.analysis.status ?? '-'} (${record.analysis.provider ?? '-'})`);
  }
  if (record.reusedFrom?.id !== undefined) {
    lines.push(`reused    the variants and analysis of ${record.reusedFrom.id} (same bytes)`);
  }
  const run = record.orchestration;
  if (run !== undefined) {
    lines.push(`run       ${run.instanceId ?? '-'}  ${run.runtimeStatus ?? '-'}`);
  }
  const steps = record.steps ?? [];
  if (steps.length > 0) {
    lines.push('');
    lines.push(
      renderTable(
        ['STEP', 'STATUS', 'ATTEMPTS', 'DURATION', 'ERROR'],
        steps.map((step) => [
          step.name ?? '?',
          step.status ?? '-',
          String(step.attempts ?? '-'),
          stepDuration(step),
          step.error === undefined ? '' : cell(`${step.error.code}: ${step.error.message}`, 80),
        ]),
      ),
    );
  }
  if (record.error !== undefined) {
    lines.push('');
    lines.push(`error     ${record.error.code ?? '?'}: ${record.error.message ?? ''}`);
  }
  return lines.join('\n');
}
