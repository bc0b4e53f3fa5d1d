/** Formatting for people: bytes, durations, times. Pure. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function durationBetween(from: string | null, to: string | null): number | null {
  if (from === null || to === null) return null;
  const d = Date.parse(to) - Date.parse(from);
  return Number.isNaN(d) ? null : d;
}

/** `2026-11-21 05:39:13Z`: unambiguous and sortable, the same in every time zone. */
export function formatTime(iso: string | null | undefined): string {
  if (typeof iso !== 'string') return '–';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '–';
  return `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}
