import { InfoCard } from '@backstage/core-components';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type {
  QueueManagerDetail,
  Rotation,
} from '@mqcert/plugin-mq-certificates-common';
import { ReactNode } from 'react';
import { jobOfRotation } from '../../lib/rotationSteps';
import { JOB_STATE_TEXT, ROTATION_STATE_TEXT } from '../../lib/stateText';
import { DateTime } from '../common/DateTime';

/** Most history rows shown; the backend keeps the rest. */
const MAX_EVENTS = 50;

/** What became of the certificate a rotation replaced (revoked in Vault after a grace period). */
function RetireNote(props: { rotation: Rotation }) {
  const r = props.rotation;
  if (!r.supersededSerialNumber) return null;
  let text: ReactNode = null;
  if (r.retiredAt) {
    text = (
      <>
        Replaced serial {r.supersededSerialNumber} revoked{' '}
        <DateTime value={r.retiredAt} />
      </>
    );
  } else if (r.retireError) {
    text = `Revoking replaced serial ${r.supersededSerialNumber} failed: ${r.retireError}`;
  } else if (r.retireAt) {
    text = (
      <>
        Replaced serial {r.supersededSerialNumber} is revoked{' '}
        <DateTime value={r.retireAt} />
      </>
    );
  }
  return text ? (
    <Typography variant="caption" component="p">
      {text}
    </Typography>
  ) : null;
}

const TERMINAL = ['verified', 'failed', 'rolled-back', 'cancelled'];

/**
 * The serial a rotation replaces (or replaced): the one the backend recorded
 * at the cut-over; before the cut-over, the one the listener serves now;
 * else the serial of the last rotation verified before it.
 */
export function replacedSerial(
  rotation: Rotation,
  detail: QueueManagerDetail,
): string | undefined {
  if (rotation.supersededSerialNumber) return rotation.supersededSerialNumber;
  const served = detail.served?.serialNumber;
  if (
    !TERMINAL.includes(rotation.state) &&
    served &&
    served !== rotation.serialNumber
  ) {
    return served;
  }
  const previous = detail.rotations
    .filter(
      r =>
        r.id !== rotation.id &&
        r.state === 'verified' &&
        r.createdAt < rotation.createdAt,
    )
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  return previous && previous.serialNumber !== rotation.serialNumber
    ? previous.serialNumber
    : undefined;
}

/** "old → new", or only the new serial of a first rotation. */
function SerialChange(props: { from?: string; to: string }) {
  if (!props.from) return <code>{props.to}</code>;
  return (
    <span data-serial-change title={`${props.from} replaced by ${props.to}`}>
      <code>{props.from}</code> → <code>{props.to}</code>
    </span>
  );
}

/** Who rotated and refreshed when, with which serials. */
export function HistoryCard(props: { detail: QueueManagerDetail }) {
  const { detail } = props;
  const rotations = [...detail.rotations].sort((a, b) =>
    b.createdAt.localeCompare(a.createdAt),
  );
  const events = [...detail.events]
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .slice(0, MAX_EVENTS);
  const serialOf = (event: { rotationId?: string; jobId?: string }) => {
    const rotationId =
      event.rotationId ??
      detail.jobs.find(j => j.id === event.jobId)?.rotationId;
    return detail.rotations.find(r => r.id === rotationId)?.serialNumber;
  };

  return (
    <InfoCard title="History">
      <Typography variant="h6" component="h3">
        Rotations
      </Typography>
      {rotations.length === 0 ? (
        <Typography variant="body2">No rotations yet.</Typography>
      ) : (
        <Table size="small" aria-label="Rotations">
          <TableHead>
            <TableRow>
              <TableCell>Started</TableCell>
              <TableCell>By</TableCell>
              <TableCell>Serial (old → new)</TableCell>
              <TableCell>Expires</TableCell>
              <TableCell>Refresh</TableCell>
              <TableCell>Outcome</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rotations.map(r => {
              const job = jobOfRotation(r, detail.jobs);
              return (
                <TableRow key={r.id}>
                  <TableCell component="th" scope="row" role="rowheader">
                    <DateTime value={r.createdAt} />
                  </TableCell>
                  <TableCell>{r.createdBy}</TableCell>
                  <TableCell style={{ overflowWrap: 'anywhere' }}>
                    <SerialChange
                      from={replacedSerial(r, detail)}
                      to={r.serialNumber}
                    />
                  </TableCell>
                  <TableCell>
                    <DateTime value={r.notAfter} />
                  </TableCell>
                  <TableCell>
                    {job ? (
                      <>
                        {JOB_STATE_TEXT[job.state]},{' '}
                        <DateTime value={job.finishedAt ?? job.runAt} />
                        {job.approvedBy && <> (approved by {job.approvedBy})</>}
                      </>
                    ) : (
                      '—'
                    )}
                  </TableCell>
                  <TableCell>
                    {ROTATION_STATE_TEXT[r.state].label}
                    {r.stateReason && (
                      <Typography variant="caption" component="p">
                        {r.stateReason}
                      </Typography>
                    )}
                    <RetireNote rotation={r} />
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
      <Typography variant="h6" component="h3" style={{ marginTop: 16 }}>
        Activity
      </Typography>
      {events.length === 0 ? (
        <Typography variant="body2">No activity recorded yet.</Typography>
      ) : (
        <Table size="small" aria-label="Activity">
          <TableHead>
            <TableRow>
              <TableCell>When</TableCell>
              <TableCell>Who</TableCell>
              <TableCell>What</TableCell>
              <TableCell>Serial</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {events.map(e => (
              <TableRow key={e.id}>
                <TableCell component="th" scope="row" role="rowheader">
                  <DateTime value={e.createdAt} />
                </TableCell>
                <TableCell>{e.actor ?? 'Backstage'}</TableCell>
                <TableCell>{e.message}</TableCell>
                <TableCell>
                  <code>{serialOf(e) ?? ''}</code>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}
