/*
 * Test data: one queue manager in the middle of a rotation that waits for
 * approval, with a verified rotation before it. Values are distinctive so
 * tests can find them in the rendered page.
 */
import type { Entity } from '@backstage/catalog-model';
import type {
  FleetResponse,
  QueueManagerDetail,
  QueueManagerSummary,
  RefreshJob,
  Rotation,
} from '@mqcert/plugin-mq-certificates-common';

export const QM_REF = 'resource:default/qm1';

export const qmEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'qm1',
    namespace: 'default',
    annotations: {
      'mqcert.io/queue-manager': 'QM1',
      'mqcert.io/listener': 'qm1.mq.example.test:1414',
    },
  },
  spec: { type: 'mq-queue-manager', owner: 'group:default/mq-admins' },
};

export const plainEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'web', namespace: 'default' },
  spec: { type: 'service', owner: 'group:default/web' },
};

export const SERVED_SERIAL = '3f:a1:07:c2';
export const NEW_SERIAL = '5b:00:e9:11';

const previousRotation: Rotation = {
  id: 'rot-1',
  entityRef: QM_REF,
  queueManager: 'QM1',
  serialNumber: SERVED_SERIAL,
  notAfter: '2026-12-20T10:00:30Z',
  fingerprintSha256: 'AB:CD',
  certificateLabel: 'ibmwebspheremqqm1',
  certificates: [
    {
      label: 'ibmwebspheremqqm1',
      serialNumber: SERVED_SERIAL,
      notAfter: '2026-12-20T10:00:30Z',
      fingerprintSha256: 'AB:CD',
    },
    {
      label: 'qm2chl',
      serialNumber: '77:01',
      notAfter: '2026-12-20T10:00:30Z',
      fingerprintSha256: 'EF:01',
    },
  ],
  keyRepositoryFormat: 'p12',
  state: 'verified',
  createdBy: 'user:default/alice',
  createdAt: '2026-11-03T10:00:00Z',
  updatedAt: '2026-11-03T10:20:00Z',
};

const currentRotation: Rotation = {
  ...previousRotation,
  id: 'rot-2',
  serialNumber: NEW_SERIAL,
  notAfter: '2027-01-29T09:00:30Z',
  certificates: [],
  stagedRevisionPath: 'qm1/ssl/key.r2',
  state: 'awaiting-approval',
  createdBy: 'user:default/bob',
  createdAt: '2026-12-12T09:00:00Z',
  updatedAt: '2026-12-12T09:05:00Z',
};

export const waitingJob: RefreshJob = {
  id: 'job-2',
  rotationId: 'rot-2',
  entityRef: QM_REF,
  mode: 'portal',
  runAt: '2030-01-06T02:00:00Z',
  approvalRequired: true,
  attempts: 0,
  state: 'awaiting-approval',
  createdBy: 'user:default/bob',
  createdAt: '2026-12-12T09:05:00Z',
  updatedAt: '2026-12-12T09:05:00Z',
};

const doneJob: RefreshJob = {
  ...waitingJob,
  id: 'job-1',
  rotationId: 'rot-1',
  runAt: '2026-11-03T10:10:00Z',
  state: 'verified',
  approvedBy: 'user:default/carol',
  approvedAt: '2026-11-03T10:05:00Z',
  createdAt: '2026-11-03T10:01:00Z',
  startedAt: '2026-11-03T10:10:00Z',
  finishedAt: '2026-11-03T10:10:07Z',
};

export function qmDetail(
  over: Partial<QueueManagerDetail> = {},
): QueueManagerDetail {
  return {
    entityRef: QM_REF,
    queueManager: 'QM1',
    listener: 'qm1.mq.example.test:1414',
    certificateLabel: 'ibmwebspheremqqm1',
    tlsChannels: [
      { name: 'APP.SVRCONN', sniHostname: 'app2e-svrconn.chl.mq.ibm.com' },
      {
        name: 'TO.QM2',
        certificateLabel: 'qm2chl',
        sniHostname: 'to2e-qm2.chl.mq.ibm.com',
      },
    ],
    refreshApproval: 'required',
    served: {
      listener: 'qm1.mq.example.test:1414',
      probedAt: '2026-12-13T08:00:00Z',
      subject: 'CN=qm1.mq.example.test',
      issuer: 'CN=MQ Intermediate CA',
      subjectAltNames: ['qm1.mq.example.test', 'qm1-alt.mq.example.test'],
      serialNumber: SERVED_SERIAL,
      fingerprintSha256: '9F:86:D0:81',
      notBefore: '2026-11-03T09:59:30Z',
      notAfter: '2026-12-20T10:00:30Z',
      chain: [
        {
          serialNumber: '01',
          fingerprintSha256: 'CA',
          subject: 'CN=MQ Intermediate CA',
          issuer: 'CN=Root',
          subjectAltNames: [],
          notBefore: '2026-01-01T00:00:00Z',
          notAfter: '2030-01-01T00:00:00Z',
        },
      ],
      trusted: true,
      channels: [
        {
          channel: 'APP.SVRCONN',
          sniHostname: 'app2e-svrconn.chl.mq.ibm.com',
          serialNumber: SERVED_SERIAL,
          notAfter: '2026-12-20T10:00:30Z',
        },
        {
          channel: 'TO.QM2',
          sniHostname: 'to2e-qm2.chl.mq.ibm.com',
          certificateLabel: 'qm2chl',
          error: 'handshake timed out after 5 s',
        },
      ],
    },
    policy: {
      lifetimeUsed: 0.83,
      renewAt: '2026-12-08T10:00:15Z',
      daysLeft: 7,
      msLeft: 7 * 86_400_000 + 3600_000,
      lifetimeDays: 47.0,
      compliant: true,
      state: 'renew-due',
      policy: {
        maxLifetimeDays: 47,
        renewAtFraction: 0.75,
        expiringDays: 7,
        lifetimeToleranceSeconds: 300,
      },
    },
    rotations: [previousRotation, currentRotation],
    jobs: [doneJob, waitingJob],
    events: [
      {
        id: 'e1',
        entityRef: QM_REF,
        type: 'rotation-recorded',
        message: 'Rotation recorded',
        actor: 'user:default/alice',
        rotationId: 'rot-1',
        createdAt: '2026-11-03T10:00:00Z',
      },
      {
        id: 'e2',
        entityRef: QM_REF,
        type: 'refresh-verified',
        message: 'Refresh verified: listener serves the new certificate',
        jobId: 'job-1',
        createdAt: '2026-11-03T10:10:07Z',
      },
      {
        id: 'e3',
        entityRef: QM_REF,
        type: 'rotation-recorded',
        message: 'Rotation recorded',
        actor: 'user:default/bob',
        rotationId: 'rot-2',
        createdAt: '2026-12-12T09:00:00Z',
      },
    ],
    ...over,
  };
}

export function fleetRow(
  n: number,
  over: Partial<QueueManagerSummary> = {},
): QueueManagerSummary {
  return {
    entityRef: `resource:default/qm${n}`,
    name: `qm${n}`,
    owner: 'group:default/mq-admins',
    queueManager: `QM${n}`,
    state: 'ok',
    served: {
      serialNumber: `0${n}`,
      notBefore: '2026-12-01T00:00:00Z',
      notAfter: '2027-01-17T00:00:00Z',
      probedAt: '2026-12-13T08:00:00Z',
    },
    ...over,
  };
}

export function fleetResponse(
  items: QueueManagerSummary[],
  over: Partial<FleetResponse> = {},
): FleetResponse {
  return {
    items,
    totalCount: items.length,
    offset: 0,
    limit: 25,
    counts: {
      ok: items.length,
      'renew-due': 0,
      expiring: 0,
      expired: 0,
      unknown: 0,
    },
    ...over,
  };
}
