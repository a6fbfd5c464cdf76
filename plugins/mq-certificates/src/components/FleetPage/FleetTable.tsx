import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import TableSortLabel from '@material-ui/core/TableSortLabel';
import Typography from '@material-ui/core/Typography';
import type { QueueManagerSummary } from '@mqcert/plugin-mq-certificates-common';
import type { FleetSortKey } from '@mqcert/plugin-mq-certificates-common';
import { JOB_STATE_TEXT, ROTATION_STATE_TEXT } from '../../lib/stateText';
import { DateTime } from '../common/DateTime';
import { StateBadge } from '../common/StateBadge';

const COLUMNS = 8;

const useStyles = makeStyles({
  // Cells break only between words: no "Ren/ewal due", no "Day/s left".
  table: {
    '& th, & td': { wordBreak: 'normal', overflowWrap: 'normal' },
  },
  nowrap: { whiteSpace: 'nowrap' },
  hasProblem: { '& > th, & > td': { borderBottom: 'none' } },
  problem: {
    paddingTop: 0,
    overflowWrap: 'anywhere',
    whiteSpace: 'normal',
  },
});

/** Page sizes offered; the backend pages, so big ones stay cheap. */
export const PAGE_SIZES = [25, 50, 100];

export interface FleetSort {
  field: FleetSortKey;
  order: 'asc' | 'desc';
}

function SortHeader(props: {
  field: FleetSortKey;
  sort: FleetSort;
  onSort: (sort: FleetSort) => void;
  children: string;
}) {
  const active = props.sort.field === props.field;
  return (
    <TableCell
      sortDirection={active ? props.sort.order : false}
      style={{ whiteSpace: 'nowrap' }}
    >
      <TableSortLabel
        active={active}
        direction={active ? props.sort.order : 'asc'}
        onClick={() =>
          props.onSort({
            field: props.field,
            order: active && props.sort.order === 'asc' ? 'desc' : 'asc',
          })
        }
      >
        {props.children}
      </TableSortLabel>
    </TableCell>
  );
}

function DaysLeft(props: { row: QueueManagerSummary }) {
  const { policy, served } = props.row;
  if (policy) return <>{policy.daysLeft}</>;
  if (!served) return <>Not probed yet</>;
  return <>{served.error ? 'Probe failed' : '—'}</>;
}

/** One page of the fleet, sorted by the backend. */
export function FleetTable(props: {
  rows: QueueManagerSummary[];
  totalCount: number;
  page: number;
  pageSize: number;
  sort: FleetSort;
  onSort: (sort: FleetSort) => void;
  onPage: (page: number) => void;
  onPageSize: (size: number) => void;
}) {
  const classes = useStyles();
  return (
    <>
      <Table
        size="small"
        aria-label="Managed queue managers"
        className={classes.table}
      >
        <TableHead>
          <TableRow>
            <SortHeader field="name" sort={props.sort} onSort={props.onSort}>
              Queue manager
            </SortHeader>
            <TableCell>Owner</TableCell>
            <SortHeader field="state" sort={props.sort} onSort={props.onSort}>
              State
            </SortHeader>
            <SortHeader
              field="daysLeft"
              sort={props.sort}
              onSort={props.onSort}
            >
              Days left
            </SortHeader>
            <TableCell>Expires</TableCell>
            <TableCell>Next refresh</TableCell>
            <TableCell>Latest rotation</TableCell>
            <TableCell>Last probed</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {props.rows.length === 0 && (
            <TableRow>
              <TableCell colSpan={COLUMNS}>
                No queue manager matches these filters.
              </TableCell>
            </TableRow>
          )}
          {props.rows.flatMap(row => [
            <TableRow
              key={row.entityRef}
              data-entity-ref={row.entityRef}
              className={row.configError ? classes.hasProblem : undefined}
            >
              <TableCell component="th" scope="row" role="rowheader">
                <EntityRefLink entityRef={row.entityRef}>
                  {row.title ?? row.name}
                </EntityRefLink>{' '}
                ({row.queueManager})
              </TableCell>
              <TableCell>
                {row.owner ? (
                  <EntityRefLink entityRef={row.owner} defaultKind="group">
                    {row.owner}
                  </EntityRefLink>
                ) : (
                  '—'
                )}
              </TableCell>
              <TableCell className={classes.nowrap}>
                <StateBadge state={row.state} />
              </TableCell>
              <TableCell className={classes.nowrap}>
                <DaysLeft row={row} />
              </TableCell>
              <TableCell>
                <DateTime value={row.served?.notAfter} />
              </TableCell>
              <TableCell>
                {row.nextJob ? (
                  <>
                    <DateTime value={row.nextJob.runAt} /> ·{' '}
                    {JOB_STATE_TEXT[row.nextJob.state]}
                  </>
                ) : (
                  '—'
                )}
              </TableCell>
              <TableCell>
                {row.latestRotation
                  ? ROTATION_STATE_TEXT[row.latestRotation.state].label
                  : '—'}
              </TableCell>
              <TableCell>
                <DateTime value={row.served?.probedAt} />
              </TableCell>
            </TableRow>,
            // The annotation problem gets a cell of its own across the row,
            // so its long text wraps there instead of squeezing the columns.
            ...(row.configError
              ? [
                  <TableRow
                    key={`${row.entityRef}#problem`}
                    data-problem-of={row.entityRef}
                  >
                    <TableCell colSpan={COLUMNS} className={classes.problem}>
                      <Typography variant="caption" color="error" component="p">
                        Annotation problem of {row.title ?? row.name}:{' '}
                        {row.configError}
                      </Typography>
                    </TableCell>
                  </TableRow>,
                ]
              : []),
          ])}
        </TableBody>
      </Table>
      <TablePagination
        component="div"
        count={props.totalCount}
        page={props.page}
        rowsPerPage={props.pageSize}
        rowsPerPageOptions={PAGE_SIZES}
        onPageChange={(_e, page) => props.onPage(page)}
        onRowsPerPageChange={e => props.onPageSize(Number(e.target.value))}
      />
    </>
  );
}
