import type {
  AuditorService,
  AuditorServiceCreateEventOptions,
} from '@backstage/backend-plugin-api';

/** One auditor event as the recording auditor saw it. */
export interface RecordedAuditEvent {
  eventId: string;
  severityLevel?: string;
  meta?: unknown;
  status: 'initiated' | 'succeeded' | 'failed';
  error?: string;
}

/** An AuditorService that keeps every event in memory, for assertions. */
export class RecordingAuditor implements AuditorService {
  readonly events: RecordedAuditEvent[] = [];

  async createEvent(options: AuditorServiceCreateEventOptions) {
    const event: RecordedAuditEvent = {
      eventId: options.eventId,
      severityLevel: options.severityLevel,
      meta: options.meta,
      status: 'initiated',
    };
    this.events.push(event);
    return {
      success: async (o?: { meta?: unknown }) => {
        event.status = 'succeeded';
        if (o?.meta)
          event.meta = { ...(event.meta as object), ...(o.meta as object) };
      },
      fail: async (o: { error: Error; meta?: unknown }) => {
        event.status = 'failed';
        event.error = o.error.message;
      },
    };
  }
}
