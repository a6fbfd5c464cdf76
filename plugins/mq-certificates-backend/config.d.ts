import type { HumanDuration } from '@backstage/types';
import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

/*
 * Backend-only settings of the mq-certificates backend plugin. Vault, deploy
 * targets, MQSC connections and the TLS probe's CA are declared by the node
 * library's config.d.ts under the same `mqCertificates` key. Nothing here is
 * a secret: no credential is read from this part of the configuration.
 */
export interface Config {
  mqCertificates?: {
    /** Rotation policy defaults (also used by the fleet and the sweep). */
    policy?: {
      /** Longest compliant certificate lifetime in days. Default 47. */
      maxLifetimeDays?: number;
      /** Fraction of the lifetime after which renewal is due. Default 0.75. */
      renewAtFraction?: number;
      /** Days before notAfter from which a certificate is `expiring`. Default 7. */
      expiringDays?: number;
      /** Slack on the maximum lifetime, seconds. Default 300. */
      lifetimeToleranceSeconds?: number;
    };

    /** The refresh-job runner (one global task on the Backstage scheduler). */
    refreshJobs?: {
      /**
       * How often the runner polls for due jobs, and the scheduler timeout of
       * one poll. Default every 15 seconds, timeout 30 minutes.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * How long a claimed job is leased to one runner. The runner renews the
       * lease while it works; a replica that dies stops renewing and another
       * takes the job over once the lease has run out. Default 2 minutes.
       */
      claimTimeout?: HumanDuration | string;
      /** Jobs claimed per poll. Default 10. */
      batchSize?: number;
      /** Cut-over attempts when REFRESH SECURITY times out (AMQ9710). Default 4. */
      maxAttempts?: number;
      /** First retry delay after AMQ9710; doubles each time. Default 1 minute. */
      retryBackoff?: HumanDuration | string;
      /** Longest retry delay. Default 15 minutes. */
      maxRetryBackoff?: HumanDuration | string;
      /** Verification after the refresh. */
      verify?: {
        /** Probes before a mismatch counts as failure. Default 5. */
        attempts?: number;
        /** Pause between verification probes. Default 3 seconds. */
        interval?: HumanDuration | string;
        /** Timeout of one probe. Default 10 seconds. */
        probeTimeout?: HumanDuration | string;
      };
      /**
       * Whether the person who scheduled a refresh may also approve it.
       * Default false: approval means a second person.
       */
      allowSelfApproval?: boolean;
      /**
       * Host mode (`at` on the MQ host): how long after the job's run time
       * the backend starts checking that the listener serves the new
       * certificate, and how long it keeps checking. Default 2 and 30 minutes.
       */
      hostModeVerifyDelay?: HumanDuration | string;
      hostModeVerifyWindow?: HumanDuration | string;
    };

    /** Optional retire step: revoke the superseded serial in Vault. */
    retire?: {
      /** Default false. */
      enabled?: boolean;
      /** Time after a verified cut-over before the old serial is revoked. Default 7 days. */
      gracePeriod?: HumanDuration | string;
    };

    /** The fleet sweep: probes every managed queue manager on a schedule. */
    sweep?: {
      /** Default true. */
      enabled?: boolean;
      /** Default every 60 minutes, timeout 30 minutes. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /** Probes in flight at once. Default 8. */
      concurrency?: number;
      /** Timeout of one probe. Default 10 seconds. */
      probeTimeout?: HumanDuration | string;
      /** How long probe snapshots are kept (a QM's latest always is). Default 30 days. */
      snapshotRetention?: HumanDuration | string;
      /** Whether to notify entity owners (needs the notifications backend). Default true. */
      notifications?: boolean;
    };

    /** The fleet endpoint's caches. */
    fleet?: {
      /** How long the catalog read of queue-manager entities is reused. Default 60 seconds. */
      catalogCacheTtl?: HumanDuration | string;
      /** How long the rows built from the database are reused. Default 5 seconds. */
      stateCacheTtl?: HumanDuration | string;
    };
  };
}
