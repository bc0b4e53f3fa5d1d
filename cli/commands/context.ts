/** What every command gets: the API client, its parsed command line, and where to write. */
import type { ApiClient } from '../api-client';
import type { CommandLine } from '../args';

export interface CommandContext {
  api: ApiClient;
  line: CommandLine;
  /** Print the server's JSON rather than text. */
  json: boolean;
  /** Writes one line to stdout. */
  print: (text: string) => void;
  /** Writes raw text to stdout (progress frames). */
  write: (text: string) => void;
  /** stdout is a terminal: progress can be redrawn in place. */
  isTTY: boolean;
  sleep: (ms: number) => Promise<void>;
}

/** Resolves to the process exit code. */
export type Command = (context: CommandContext) => Promise<number>;

export function printJson(context: CommandContext, value: unknown): void {
  context.print(JSON.stringify(value, null, 2));
}

/** A path segment from user input, encoded so an id can never change the route. */
export function segment(value: string): string {
  return encodeURIComponent(value);
}
