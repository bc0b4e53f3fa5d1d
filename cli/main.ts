#!/usr/bin/env node
/**
 * `image-pipeline`: the operator's command line for the image pipeline's HTTP API (see
 * usage.ts, or run it with --help).
 */
import { run } from './run';

void run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
  isTTY: process.stdout.isTTY === true,
}).then((code) => {
  process.exitCode = code;
});
