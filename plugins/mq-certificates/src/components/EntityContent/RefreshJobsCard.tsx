import { InfoCard } from '@backstage/core-components';
import {
  identityApiRef,
  useApi,
  useApiHolder,
} from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type {
  QueueManagerDetail,
  RefreshJob,
} from '@mqcert/plugin-mq-certificates-common';
import { useId, useState } from 'react';
import { mqCertificatesApiRef } from '../../api';
import { JOB_STATE_TEXT, PENDING_JOB_STATES } from '../../lib/stateText';
import {
  PERMISSION_NAMES,
  QueueManagerPermissions,
} from '../../hooks/useQueueManagerPermissions';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { DateTime } from '../common/DateTime';
import { PermissionNote } from '../common/PermissionNote';

type JobAction = 'approve' | 'run-now' | 'cancel';

function RestartWarning(props: { detail: QueueManagerDetail }) {
  const channels = props.detail.tlsChannels.map(c => c.name);
  return (
    <Typography variant="body2" paragraph>
      REFRESH SECURITY TYPE(SSL) restarts every TLS channel of{' '}
      {props.detail.queueManager}
      {channels.length ? ` (${channels.join(', ')})` : ''}: connected clients
      are disconnected and must reconnect. If the new certificate is not served
      afterwards, the queue manager is switched back to its previous key
      repository.
    </Typography>
  );
}

function dialogText(
  action: JobAction,
  job: RefreshJob,
  detail: QueueManagerDetail,
) {
  const serial = detail.rotations.find(
    r => r.id === job.rotationId,
  )?.serialNumber;
  const certificate = serial ? ` to the certificate with serial ${serial}` : '';
  switch (action) {
    case 'approve':
      return {
        title: `Approve the refresh of ${detail.queueManager}?`,
        confirm: 'Approve',
        body: (
          <>
            <Typography variant="body2" paragraph>
              Once approved, the queue manager switches{certificate} at{' '}
              <DateTime value={job.runAt} />
              {Date.parse(job.runAt) <= Date.now()
                ? ', which has passed, so it runs right away'
                : ''}
              .
            </Typography>
            <RestartWarning detail={detail} />
          </>
        ),
      };
    case 'run-now':
      return {
        title: `Refresh ${detail.queueManager} now?`,
        confirm: 'Run now',
        body: (
          <>
            <Typography variant="body2" paragraph>
              The queue manager switches{certificate} now instead of at{' '}
              <DateTime value={job.runAt} />.
            </Typography>
            <RestartWarning detail={detail} />
          </>
        ),
      };
    default:
      return {
        title: `Cancel the refresh of ${detail.queueManager}?`,
        confirm: 'Cancel refresh',
        body: (
          <Typography variant="body2" paragraph>
            The refresh planned for <DateTime value={job.runAt} /> will not run.
            The staged key repository stays on the host unused and the queue
            manager keeps serving its current certificate, which expires as
            shown above. Run "Rotate certificate" again to schedule a new
            refresh.
          </Typography>
        ),
      };
  }
}

/**
 * Refresh jobs that have not finished, with their exact run time and the
 * actions the user holds the permission for.
 */
export function RefreshJobsCard(props: {
  detail: QueueManagerDetail;
  permissions: QueueManagerPermissions;
  onChanged: () => void;
}) {
  const { detail, permissions } = props;
  const api = useApi(mqCertificatesApiRef);
  const [pending, setPending] = useState<{
    action: JobAction;
    job: RefreshJob;
  }>();
  const jobs = detail.jobs
    .filter(j => PENDING_JOB_STATES.includes(j.state))
    .sort((a, b) => a.runAt.localeCompare(b.runAt));

  const run = async (action: JobAction, job: RefreshJob) => {
    if (action === 'approve') await api.approveRefreshJob(job.id);
    else if (action === 'run-now') await api.runRefreshJobNow(job.id);
    else await api.cancelRefreshJob(job.id);
    props.onChanged();
  };

  // The backend refuses approval by the person who scheduled a job (the
  // four-eyes rule) unless self-approval is configured; say so up front
  // instead of letting the user meet a 403 in the dialog.
  const identityApi = useApiHolder().get(identityApiRef);
  const { value: userRef } = useAsync(
    async () => (await identityApi?.getBackstageIdentity())?.userEntityRef,
    [identityApi],
  );
  const ownJob = (job: RefreshJob) =>
    !detail.selfApprovalAllowed && !!userRef && job.createdBy === userRef;

  const canApprove = permissions.approve.allowed;
  const canRotate = permissions.rotate.allowed;
  const noteId = useId();
  const ownNoteId = useId();
  const approveNote = (job: RefreshJob) => {
    if (!canApprove) return noteId;
    return ownJob(job) ? ownNoteId : undefined;
  };
  const notes: string[] = [];
  if (
    jobs.some(j => j.state === 'awaiting-approval') &&
    !canApprove &&
    !permissions.approve.loading
  ) {
    notes.push(
      `You cannot approve refreshes of ${detail.entityRef}: that needs the ${PERMISSION_NAMES.approve} permission. Ask the queue manager's owner.`,
    );
  }
  if (jobs.length > 0 && !canRotate && !permissions.rotate.loading) {
    notes.push(
      `You cannot run or cancel refreshes of ${detail.entityRef}: that needs the ${PERMISSION_NAMES.rotate} permission.`,
    );
  }

  const dialog = pending && dialogText(pending.action, pending.job, detail);

  return (
    <InfoCard title="Scheduled refreshes">
      {jobs.length === 0 ? (
        <Typography variant="body2">
          No refresh is scheduled.
          {detail.nextWindowStart && (
            <>
              {' '}
              The next maintenance window ({detail.maintenanceWindow}) starts{' '}
              <DateTime value={detail.nextWindowStart} />.
            </>
          )}
        </Typography>
      ) : (
        <Table size="small" aria-label="Scheduled refreshes">
          <TableHead>
            <TableRow>
              <TableCell>Runs at</TableCell>
              <TableCell>State</TableCell>
              <TableCell>Approval</TableCell>
              <TableCell>Where</TableCell>
              <TableCell>Attempts</TableCell>
              <TableCell>Actions</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {jobs.map(job => {
              const waiting = job.state === 'awaiting-approval';
              const notStarted = waiting || job.state === 'scheduled';
              const label = (what: string) =>
                `${what} the refresh at ${new Date(job.runAt).toISOString()}`;
              return (
                <TableRow key={job.id} data-job-id={job.id}>
                  <TableCell component="th" scope="row" role="rowheader">
                    <DateTime value={job.runAt} relative />
                  </TableCell>
                  <TableCell>
                    {JOB_STATE_TEXT[job.state]}
                    {job.lastError && (
                      <Typography variant="caption" component="p">
                        Last attempt: {job.lastError}
                      </Typography>
                    )}
                  </TableCell>
                  <TableCell>
                    {!job.approvalRequired && 'Not required'}
                    {job.approvalRequired &&
                      (job.approvedAt ? (
                        <>
                          Approved by {job.approvedBy ?? 'someone'},{' '}
                          <DateTime value={job.approvedAt} />
                        </>
                      ) : (
                        'Required, not yet given'
                      ))}
                  </TableCell>
                  <TableCell>
                    {job.mode === 'host'
                      ? `On the MQ host (at job ${job.hostJobId ?? '?'})`
                      : 'Backstage'}
                  </TableCell>
                  <TableCell>{job.attempts}</TableCell>
                  <TableCell>
                    {waiting && (
                      <Button
                        size="small"
                        color="primary"
                        variant="contained"
                        disabled={!canApprove || ownJob(job)}
                        aria-label={label('Approve')}
                        aria-describedby={approveNote(job)}
                        onClick={() => setPending({ action: 'approve', job })}
                      >
                        Approve
                      </Button>
                    )}
                    {job.state === 'scheduled' && job.mode === 'portal' && (
                      <Button
                        size="small"
                        disabled={!canRotate}
                        aria-label={label('Run now')}
                        aria-describedby={canRotate ? undefined : noteId}
                        onClick={() => setPending({ action: 'run-now', job })}
                      >
                        Run now
                      </Button>
                    )}
                    {notStarted && (
                      <Button
                        size="small"
                        disabled={!canRotate}
                        aria-label={label('Cancel')}
                        aria-describedby={canRotate ? undefined : noteId}
                        onClick={() => setPending({ action: 'cancel', job })}
                      >
                        Cancel
                      </Button>
                    )}
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
      {notes.length > 0 && (
        <PermissionNote id={noteId}>{notes.join(' ')}</PermissionNote>
      )}
      {canApprove &&
        jobs.some(j => j.state === 'awaiting-approval' && ownJob(j)) && (
          <PermissionNote id={ownNoteId}>
            {`You scheduled the refresh waiting for approval, so someone else who may approve refreshes of ${detail.entityRef} must approve it (the four-eyes rule; mqCertificates.refreshJobs.allowSelfApproval turns it off).`}
          </PermissionNote>
        )}
      {pending && dialog && (
        <ConfirmDialog
          open
          title={dialog.title}
          confirmLabel={dialog.confirm}
          onConfirm={() => run(pending.action, pending.job)}
          onClose={() => setPending(undefined)}
        >
          {dialog.body}
        </ConfirmDialog>
      )}
    </InfoCard>
  );
}
