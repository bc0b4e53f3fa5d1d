/** `gate`: one row per analysis gate. */
import type { Gate } from './shapes';
import { renderTable } from './table';
import { cell, formatTime } from './units';

function number(value: number | undefined): string {
  return value === undefined ? '-' : String(Math.round(value * 100) / 100);
}

function counters(value: Record<string, unknown> | undefined): string {
  if (value === undefined) return '-';
  return Object.entries(value)
    .map(([name, count]) => `${name}=${cell(count, 20)}`)
    .join(' ');
}

export function formatGates(gates: readonly Gate[]): string {
  if (gates.length === 0) return 'No gates.';
  return renderTable(
    [
      'ID',
      'ENDPOINT',
      'CIRCUIT',
      'RATE/MIN',
      'TOKENS',
      'NEXT SLOT',
      'PAUSED UNTIL',
      'OPEN UNTIL',
      'COUNTERS',
    ],
    gates.map((gate) => [
      gate.id ?? '?',
      cell(gate.endpoint, 50),
      gate.circuit ?? '-',
      `${number(gate.ratePerMinute)}/${number(gate.configuredPerMinute)}`,
      number(gate.tokens),
      formatTime(gate.nextSlotAt),
      formatTime(gate.pausedUntil),
      formatTime(gate.openUntil),
      counters(gate.counters),
    ]),
  );
}
