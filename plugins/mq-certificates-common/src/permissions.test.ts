import {
  mqCertificateReadPermission,
  mqCertificateRotatePermission,
  mqCertificatesPermissions,
  mqRefreshApprovePermission,
} from './permissions';

describe('permissions', () => {
  it('are catalog-entity resource permissions with distinct names', () => {
    expect(mqCertificatesPermissions).toEqual([
      mqCertificateReadPermission,
      mqCertificateRotatePermission,
      mqRefreshApprovePermission,
    ]);
    for (const p of mqCertificatesPermissions) {
      expect(p.type).toBe('resource');
      expect((p as any).resourceType).toBe('catalog-entity');
    }
    expect(new Set(mqCertificatesPermissions.map(p => p.name)).size).toBe(3);
    expect(mqCertificateReadPermission.attributes.action).toBe('read');
    expect(mqCertificateRotatePermission.attributes.action).toBe('update');
    expect(mqRefreshApprovePermission.name).toBe(
      'mq-certificates.refresh.approve',
    );
  });
});
