import type { BackstageApiClient } from './backstageApi';

/** JSON as the API sends it. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Task states of the scaffolder (v2 API). */
export type ScaffolderTaskStatus =
  | 'open'
  | 'processing'
  | 'completed'
  | 'failed'
  | 'cancelled'
  | 'skipped';

/** `GET /api/scaffolder/v2/tasks/:id` (the fields the tests read). */
export interface ScaffolderTask {
  id: string;
  status: ScaffolderTaskStatus;
  createdBy?: string;
  lastHeartbeatAt?: string;
  spec: { steps: { id: string; action: string }[]; [key: string]: unknown };
  state?: Record<string, unknown>;
}

/** One task event (`log`, `completion`, `cancelled`, `recovered`). */
export interface ScaffolderTaskEvent {
  id: number;
  taskId: string;
  type: string;
  createdAt: string;
  body: {
    message?: string;
    stepId?: string;
    status?: string;
    output?: Record<string, JsonValue>;
    error?: { name?: string; message?: string };
    [key: string]: unknown;
  };
}

const FINAL: ScaffolderTaskStatus[] = ['completed', 'failed', 'cancelled'];

/**
 * Runs templates through the scaffolder's public v2 API and follows the
 * tasks by polling, the way the frontend does.
 */
export class ScaffolderTaskClient {
  constructor(private readonly api: BackstageApiClient) {}

  /** `POST /api/scaffolder/v2/tasks`; the new task's id. */
  async create(templateRef: string, values: JsonObject): Promise<string> {
    const { id } = await this.api.json<{ id: string }>(
      'POST',
      '/api/scaffolder/v2/tasks',
      { templateRef, values },
    );
    return id;
  }

  get(taskId: string): Promise<ScaffolderTask> {
    return this.api.json<ScaffolderTask>(
      'GET',
      `/api/scaffolder/v2/tasks/${encodeURIComponent(taskId)}`,
    );
  }

  /**
   * Events after `after` (all when omitted). The endpoint long-polls when
   * there is nothing new, so callers only ask for "after" once a task is
   * still running.
   */
  events(taskId: string, after?: number): Promise<ScaffolderTaskEvent[]> {
    const q = after === undefined ? '' : `?after=${after}`;
    return this.api.json<ScaffolderTaskEvent[]>(
      'GET',
      `/api/scaffolder/v2/tasks/${encodeURIComponent(taskId)}/events${q}`,
    );
  }

  cancel(taskId: string): Promise<unknown> {
    return this.api.json(
      'POST',
      `/api/scaffolder/v2/tasks/${encodeURIComponent(taskId)}/cancel`,
    );
  }

  /** Polls until the task is completed, failed or cancelled; throws with its log after timeoutMs. */
  async waitForEnd(
    taskId: string,
    timeoutMs: number,
    intervalMs = 500,
  ): Promise<ScaffolderTask> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const task = await this.get(taskId);
      if (FINAL.includes(task.status)) return task;
      if (Date.now() > deadline) {
        throw new Error(
          `task ${taskId} is still ${
            task.status
          } after ${timeoutMs} ms; log:\n${await this.logText(taskId)}`,
        );
      }
      await new Promise(r => setTimeout(r, intervalMs));
    }
  }

  /** The task's log lines as one text (for failure messages). */
  async logText(taskId: string): Promise<string> {
    const events = await this.events(taskId);
    return events
      .map(
        e =>
          `${e.type}${e.body.stepId ? ` [${e.body.stepId}]` : ''}: ${
            e.body.message ?? JSON.stringify(e.body)
          }`,
      )
      .join('\n');
  }

  /** The outputs of a completed task (from its completion event). */
  async output(taskId: string): Promise<Record<string, JsonValue>> {
    const events = await this.events(taskId);
    const completion = events.find(e => e.type === 'completion');
    if (!completion) throw new Error(`task ${taskId} has no completion event`);
    return completion.body.output ?? {};
  }

  /** Runs a template to its end: the task, its events and the logs as text. */
  async run(
    templateRef: string,
    values: JsonObject,
    timeoutMs: number,
  ): Promise<{
    taskId: string;
    task: ScaffolderTask;
    events: ScaffolderTaskEvent[];
  }> {
    const taskId = await this.create(templateRef, values);
    const task = await this.waitForEnd(taskId, timeoutMs);
    return { taskId, task, events: await this.events(taskId) };
  }
}
