import * as common from './index';

// The public API issue 2 fixes by name: a rename or a dropped re-export in
// index.ts breaks every package that imports it, so name them all here.
describe('@mqcert/plugin-mq-certificates-common exports', () => {
  it.each([
    'parseQueueManagerEntity',
    'isMqQueueManagerEntity',
    'validateQueueManagerName',
    'validateChannelName',
    'defaultCertificateLabel',
    'mqChannelSniHostname',
    'quoteMqscString',
    'parseMaintenanceWindow',
    'nextWindowStart',
    'evaluateCertificatePolicy',
  ])('%s is a function', name => {
    expect(typeof (common as Record<string, unknown>)[name]).toBe('function');
  });

  it('exports the annotations and the three catalog-entity permissions', () => {
    expect(common.MQ_CERT_ANNOTATIONS.queueManager).toBe(
      'mqcert.io/queue-manager',
    );
    for (const p of [
      common.mqCertificateReadPermission,
      common.mqCertificateRotatePermission,
      common.mqRefreshApprovePermission,
    ]) {
      expect(p).toMatchObject({
        type: 'resource',
        resourceType: 'catalog-entity',
      });
    }
  });

  it('exports the rotation states of DESIGN.md, success path first', () => {
    expect(common.ROTATION_STATES).toEqual([
      'issued',
      'staged',
      'awaiting-approval',
      'scheduled',
      'refreshing',
      'verified',
      'failed',
      'rolled-back',
      'cancelled',
    ]);
  });
});
