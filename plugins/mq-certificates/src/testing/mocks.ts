import type { PermissionApi } from '@backstage/plugin-permission-react';
import type { MqCertificatesApi } from '../api';

type AuthorizeResponse = Awaited<ReturnType<PermissionApi['authorize']>>;

/**
 * A permission API that allows exactly the named permissions and records
 * every request (to check the resource ref is the entity).
 */
export function permissionApiAllowing(names: string[]) {
  const requests: { name: string; resourceRef?: string }[] = [];
  const api: PermissionApi = {
    async authorize(request) {
      requests.push({
        name: request.permission.name,
        resourceRef: (request as { resourceRef?: string }).resourceRef,
      });
      return {
        result: names.includes(request.permission.name) ? 'ALLOW' : 'DENY',
      } as AuthorizeResponse;
    },
  };
  return { api, requests };
}

/** An MqCertificatesApi whose methods are jest mocks. */
export function mockMqApi(
  impl: Partial<MqCertificatesApi> = {},
): jest.Mocked<MqCertificatesApi> {
  return {
    getFleet: jest.fn(
      impl.getFleet ??
        (async () => {
          throw new Error('getFleet not mocked');
        }),
    ),
    getQueueManager: jest.fn(
      impl.getQueueManager ??
        (async () => {
          throw new Error('getQueueManager not mocked');
        }),
    ),
    approveRefreshJob: jest.fn(impl.approveRefreshJob ?? (async () => {})),
    cancelRefreshJob: jest.fn(impl.cancelRefreshJob ?? (async () => {})),
    runRefreshJobNow: jest.fn(impl.runRefreshJobNow ?? (async () => {})),
    probeQueueManager: jest.fn(impl.probeQueueManager ?? (async () => {})),
  };
}
