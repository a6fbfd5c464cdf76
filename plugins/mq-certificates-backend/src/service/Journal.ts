import {
  AuditorService,
  AuditorServiceEventSeverityLevel,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';
import type {
  MqCertificatesStore,
  NewQueueManagerEvent,
} from '../database/MqCertificatesStore';

/** One state change to record. */
export interface JournalEntry extends NewQueueManagerEvent {
  /** Default `medium` (a change of state); `high` for cut-overs and rollbacks. */
  severity?: AuditorServiceEventSeverityLevel;
  /** Extra audit metadata. Never a secret. */
  meta?: JsonObject;
  /** Set for failures: the auditor records the event as failed. */
  error?: Error;
}

/**
 * Records every transition twice: as a history row the entity page shows,
 * and as an auditor event (eventId = the history type, e.g.
 * `refresh-verified`). Writing the history must not fail the transition
 * itself, so errors here are logged, not thrown.
 */
export class Journal {
  constructor(
    private readonly options: {
      store: MqCertificatesStore;
      auditor: AuditorService;
      logger: LoggerService;
    },
  ) {}

  async record(entry: JournalEntry): Promise<void> {
    const { severity, meta, error, ...event } = entry;
    try {
      await this.options.store.addEvent(event);
    } catch (e) {
      this.options.logger.error(
        `could not write history of ${event.entityRef} (${event.type}): ${e}`,
      );
    }
    try {
      const audit = await this.options.auditor.createEvent({
        eventId: event.type,
        severityLevel: severity ?? 'medium',
        meta: {
          entityRef: event.entityRef,
          message: event.message,
          ...(event.actor ? { actor: event.actor } : {}),
          ...(event.rotationId ? { rotationId: event.rotationId } : {}),
          ...(event.jobId ? { jobId: event.jobId } : {}),
          ...meta,
        },
      });
      if (error) await audit.fail({ error });
      else await audit.success();
    } catch (e) {
      this.options.logger.error(
        `could not write audit event ${event.type} of ${event.entityRef}: ${e}`,
      );
    }
  }
}
