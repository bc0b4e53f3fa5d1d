import { ConfigError, type Env, loadConfig } from '../../../src/config';

const base: Env = {
  AzureWebJobsStorage: 'UseDevelopmentStorage=true',
  COSMOS_ENDPOINT: 'http://127.0.0.1:8081',
};

function problemWith(env: Env): string {
  try {
    loadConfig({ ...base, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('loadConfig accepted the environment');
}

describe('Function: loadConfig', () => {
  describe('Section: lifecycle', () => {
    it('defaults to 30 days of history, 10 stall minutes and their schedules', () => {
      // Act
      const { lifecycle } = loadConfig(base);
      // Assess
      expect(lifecycle).toEqual({
        historyRetentionDays: 30,
        historyPurgeSchedule: '0 17 * * * *',
        stallMinutes: 10,
        reconcileSchedule: '0 */5 * * * *',
      });
    });

    it('reads the settings, fractions and 0 days (keep everything) included', () => {
      // Act
      const { lifecycle } = loadConfig({
        ...base,
        HISTORY_RETENTION_DAYS: '0',
        HISTORY_PURGE_SCHEDULE: '*/2 * * * * *',
        STALL_MINUTES: '0.05',
        RECONCILE_SCHEDULE: '00:00:03',
      });
      // Assess
      expect(lifecycle).toEqual({
        historyRetentionDays: 0,
        historyPurgeSchedule: '*/2 * * * * *',
        stallMinutes: 0.05,
        reconcileSchedule: '00:00:03',
      });
      expect(loadConfig({ ...base, HISTORY_RETENTION_DAYS: '0.5' }).lifecycle).toMatchObject({
        historyRetentionDays: 0.5,
      });
    });

    it.each([
      ['HISTORY_RETENTION_DAYS', '-1'],
      ['HISTORY_RETENTION_DAYS', 'thirty'],
      ['STALL_MINUTES', '0'],
      ['STALL_MINUTES', '1e3'],
      ['HISTORY_PURGE_SCHEDULE', 'daily'],
      ['RECONCILE_SCHEDULE', '*/5 * * * *'],
    ])('fails fast naming %s for "%s"', (name, raw) => {
      // Act
      const message = problemWith({ [name]: raw });
      // Assess
      expect(message).toContain(name);
      expect(message).toContain(raw);
    });
  });
});
