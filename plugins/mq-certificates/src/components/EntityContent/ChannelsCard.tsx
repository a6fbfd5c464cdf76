import {
  InfoCard,
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  ChannelProbeResult,
  QueueManagerDetail,
  serialNumbersEqual,
} from '@mqcert/plugin-mq-certificates-common';
import { DateTime } from '../common/DateTime';

interface ChannelRow {
  channel: string;
  sniHostname: string;
  label: string;
  result?: ChannelProbeResult;
  /** Serial the channel should serve: the newest verified certificate for its label. */
  expectedSerial?: string;
}

/** Channels the entity declares, joined with what the last probe saw for each SNI name. */
function channelRows(detail: QueueManagerDetail): ChannelRow[] {
  const results = detail.served?.channels ?? [];
  const verified = detail.rotations
    .filter(r => r.state === 'verified')
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
  const expectedFor = (label: string) =>
    verified?.certificates.find(c => c.label === label)?.serialNumber ??
    (label === detail.certificateLabel ? verified?.serialNumber : undefined);

  const rows: ChannelRow[] = detail.tlsChannels.map(ch => {
    const label = ch.certificateLabel ?? detail.certificateLabel;
    return {
      channel: ch.name,
      sniHostname: ch.sniHostname,
      label,
      result: results.find(r => r.channel === ch.name),
      expectedSerial: expectedFor(label),
    };
  });
  // Channels the probe reported that the entity no longer lists.
  for (const r of results) {
    if (!rows.some(row => row.channel === r.channel)) {
      const label = r.certificateLabel ?? detail.certificateLabel;
      rows.push({
        channel: r.channel,
        sniHostname: r.sniHostname,
        label,
        result: r,
        expectedSerial: expectedFor(label),
      });
    }
  }
  return rows;
}

function Served(props: { row: ChannelRow }) {
  const { result, expectedSerial } = props.row;
  if (!result) return <StatusWarning>Not probed yet</StatusWarning>;
  if (result.error)
    return <StatusError>Probe failed: {result.error}</StatusError>;
  if (!result.serialNumber)
    return <StatusWarning>No certificate seen</StatusWarning>;
  if (
    expectedSerial &&
    !serialNumbersEqual(expectedSerial, result.serialNumber)
  ) {
    return (
      <StatusWarning>
        Serves {result.serialNumber}, not the last verified {expectedSerial}
      </StatusWarning>
    );
  }
  return <StatusOK>{result.serialNumber}</StatusOK>;
}

/** Per TLS channel (SNI name): what the listener served for it. */
export function ChannelsCard(props: { detail: QueueManagerDetail }) {
  const rows = channelRows(props.detail);
  return (
    <InfoCard title="TLS channels">
      {rows.length === 0 ? (
        <Typography variant="body2">
          No TLS channels are listed for this queue manager. Add them to the
          annotation mqcert.io/tls-channels to have each channel's SNI name
          probed.
        </Typography>
      ) : (
        <Table size="small" aria-label="What each TLS channel served">
          <TableHead>
            <TableRow>
              <TableCell>Channel</TableCell>
              <TableCell>SNI host name</TableCell>
              <TableCell>Certificate label</TableCell>
              <TableCell>Served serial</TableCell>
              <TableCell>Expires</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map(row => (
              <TableRow key={row.channel}>
                <TableCell component="th" scope="row" role="rowheader">
                  {row.channel}
                </TableCell>
                <TableCell>
                  <code>{row.sniHostname}</code>
                </TableCell>
                <TableCell>{row.label}</TableCell>
                <TableCell>
                  <Served row={row} />
                </TableCell>
                <TableCell>
                  <DateTime value={row.result?.notAfter} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}
