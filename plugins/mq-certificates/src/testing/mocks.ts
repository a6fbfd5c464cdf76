import {
  PermissionApi,
  permissionApiRef,
} from '@backstage/plugin-permission-react';
import {
  mqCertificateReadPermission,
  mqCertificateRotatePermission,
} from '@mqcert/plugin-mq-certificates-common';
import { MqCertificatesApi, mqCertificatesApiRef } from '../api';
import { fleetResponse, fleetRow, qmDetail } from './fixtures';

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

/**
 * API pairs for a test app: a mocked backend that answers the fleet and the
 * detail of QM1 from the fixtures, and a user who may read and rotate (not
 * approve).
 */
export function smokeTestApis() {
  const api = mockMqApi({
    getFleet: async () => fleetResponse([fleetRow(1), fleetRow(2)]),
    getQueueManager: async () => qmDetail(),
  });
  const permissions = permissionApiAllowing([
    mqCertificateReadPermission.name,
    mqCertificateRotatePermission.name,
  ]);
  return {
    api,
    pairs: [
      [mqCertificatesApiRef, api],
      [permissionApiRef, permissions.api],
    ] as const,
  };
}
