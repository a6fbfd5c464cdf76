import { ConfigReader } from '@backstage/config';
import { readMqCertificatesBackendSettings } from './config';

const settings = (mqCertificates: object) =>
  readMqCertificatesBackendSettings(new ConfigReader({ mqCertificates }));

describe('readMqCertificatesBackendSettings', () => {
  it('fills every default from an empty config', () => {
    const s = readMqCertificatesBackendSettings(new ConfigReader({}));
    expect(s.refreshJobs.schedule).toEqual({
      frequency: { seconds: 15 },
      timeout: { minutes: 30 },
      initialDelay: { seconds: 5 },
    });
    expect(s.refreshJobs.allowSelfApproval).toBe(false);
    expect(s.policy.maxLifetimeDays).toBe(47);
  });

  it('keeps the default timeout and delay when a schedule gives only its frequency', () => {
    const s = settings({
      refreshJobs: { schedule: { frequency: { seconds: 5 } } },
      sweep: { schedule: { frequency: { minutes: 5 } } },
    });
    expect(s.refreshJobs.schedule).toEqual({
      frequency: { seconds: 5 },
      timeout: { minutes: 30 },
      initialDelay: { seconds: 5 },
    });
    expect(s.sweep.schedule).toMatchObject({
      frequency: { minutes: 5 },
      timeout: { minutes: 30 },
    });
  });

  it('takes cron frequencies and ISO durations field by field', () => {
    const s = settings({
      refreshJobs: { schedule: { frequency: { cron: '*/2 * * * *' } } },
      sweep: { schedule: { timeout: 'PT10M' } },
    });
    expect(s.refreshJobs.schedule.frequency).toEqual({ cron: '*/2 * * * *' });
    expect(s.sweep.schedule.frequency).toEqual({ minutes: 60 });
    expect(s.sweep.schedule.timeout).toEqual({ minutes: 10 });
  });

  it('names the setting of a bad schedule', () => {
    expect(() =>
      settings({ refreshJobs: { schedule: { frequency: 'often' } } }),
    ).toThrow(/frequency/);
  });
});
