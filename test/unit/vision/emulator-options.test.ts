/**
 * The emulator's start options: flags and their VISION_EMULATOR_* twins, a per-endpoint config
 * file, and the environment devhost hands to an emulator child process.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DEFAULT_PORT,
  emulatorEnvironment,
  parseEmulatorOptions,
  UsageError,
} from '../../../devhost/vision/options';

describe('Function: parseEmulatorOptions', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vision-options-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('defaults to one endpoint on port 7080 with no overrides', () => {
    expect(parseEmulatorOptions([], {})).toEqual({
      help: false,
      options: { port: DEFAULT_PORT, config: {} },
    });
  });

  it('reads flags in both spellings, and lets a flag win over its environment twin', () => {
    const { options } = parseEmulatorOptions(
      ['--port=0', '--endpoints', 'east,west', '--quota', '5', '--rate-503=0.25'],
      { VISION_EMULATOR_QUOTA: '9', VISION_EMULATOR_LATENCY_MS: '40', VISION_EMULATOR_SEED: '7' },
    );

    expect(options).toMatchObject({
      port: 0,
      endpoints: ['east', 'west'],
      seed: 7,
      config: { quotaPerMinute: 5, rate503: 0.25, latencyMs: 40 },
    });
  });

  it('schedules an outage and reads per-endpoint configuration from a file', () => {
    const file = path.join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ r2: { rate500: 1 } }));

    const { options } = parseEmulatorOptions(
      ['--endpoints', '2', '--outage-seconds', '30', '--outage-mode', 'reset', '--config', file],
      {},
    );

    expect(options).toMatchObject({
      endpoints: 2,
      outage: { seconds: 30, mode: 'reset', startInSeconds: 0 },
      perEndpoint: { r2: { rate500: 1 } },
    });
  });

  it('refuses unknown flags, bad numbers and bad rates', () => {
    expect(() => parseEmulatorOptions(['--nope', '1'], {})).toThrow(UsageError);
    expect(() => parseEmulatorOptions(['--quota', 'lots'], {})).toThrow(/--quota/);
    expect(() => parseEmulatorOptions([], { VISION_EMULATOR_RATE_500: '2' })).toThrow(/rate500/);
    expect(() => parseEmulatorOptions(['--port', '70000'], {})).toThrow(/port/);
  });

  it('reads back what emulatorEnvironment writes', () => {
    const env = emulatorEnvironment({
      endpoints: ['a', 'b'],
      keys: ['ka', 'kb'],
      seed: 3,
      config: { quotaPerMinute: 4, timeoutRate: 0.1, timeoutSeconds: 2 },
    });

    expect(parseEmulatorOptions([], env).options).toMatchObject({
      endpoints: ['a', 'b'],
      keys: ['ka', 'kb'],
      seed: 3,
      config: { quotaPerMinute: 4, timeoutRate: 0.1, timeoutSeconds: 2 },
    });
  });
});
