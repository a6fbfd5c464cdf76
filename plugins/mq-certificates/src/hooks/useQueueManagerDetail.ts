import { useApi } from '@backstage/core-plugin-api';
import type { QueueManagerDetail } from '@mqcert/plugin-mq-certificates-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useInterval from 'react-use/esm/useInterval';
import { mqCertificatesApiRef } from '../api';

/** Default pause between reloads while a refresh is due or running. */
export const DEFAULT_POLL_INTERVAL_MS = 5000;

/**
 * Whether something is about to change on its own: a job running or due
 * within a minute, or a rotation refreshing. Then the view reloads itself so
 * the user sees `verified` (or the rollback) without pressing anything.
 */
export function isInMotion(detail: QueueManagerDetail, now = Date.now()) {
  return (
    detail.rotations.some(r => r.state === 'refreshing') ||
    detail.jobs.some(
      j =>
        j.state === 'running' ||
        (j.state === 'scheduled' && Date.parse(j.runAt) - now < 60_000),
    )
  );
}

/** Loads one queue manager's certificate detail; reloads while a refresh is in motion. */
export function useQueueManagerDetail(
  entityRef: string,
  options: { pollIntervalMs?: number; enabled?: boolean } = {},
) {
  const api = useApi(mqCertificatesApiRef);
  const enabled = options.enabled ?? true;
  const state = useAsyncRetry(
    async () => (enabled ? api.getQueueManager(entityRef) : undefined),
    [api, entityRef, enabled],
  );
  const poll =
    state.value && !state.loading && isInMotion(state.value)
      ? options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS
      : null;
  useInterval(state.retry, poll);
  return state;
}
