import { usePermission } from '@backstage/plugin-permission-react';
import {
  mqCertificateReadPermission,
  mqCertificateRotatePermission,
  mqRefreshApprovePermission,
} from '@mqcert/plugin-mq-certificates-common';

/** One permission's answer: `allowed` stays false while loading. */
export interface PermissionState {
  loading: boolean;
  allowed: boolean;
}

/** What the signed-in user may do with one queue manager entity. */
export interface QueueManagerPermissions {
  read: PermissionState;
  rotate: PermissionState;
  approve: PermissionState;
}

/** Asks the permission framework about the three MQ certificate permissions for an entity. */
export function useQueueManagerPermissions(
  entityRef: string,
): QueueManagerPermissions {
  const read = usePermission({
    permission: mqCertificateReadPermission,
    resourceRef: entityRef,
  });
  const rotate = usePermission({
    permission: mqCertificateRotatePermission,
    resourceRef: entityRef,
  });
  const approve = usePermission({
    permission: mqRefreshApprovePermission,
    resourceRef: entityRef,
  });
  const pick = (p: { loading: boolean; allowed: boolean }) => ({
    loading: p.loading,
    allowed: p.allowed,
  });
  return { read: pick(read), rotate: pick(rotate), approve: pick(approve) };
}

/** The permission names, for explanations shown next to disabled controls. */
export const PERMISSION_NAMES = {
  read: mqCertificateReadPermission.name,
  rotate: mqCertificateRotatePermission.name,
  approve: mqRefreshApprovePermission.name,
};
