import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import { ReactNode } from 'react';

/** A two-column "name: value" table; names are row headers for screen readers. */
export function DetailRows(props: {
  label: string;
  rows: [string, ReactNode][];
}) {
  return (
    <Table size="small" aria-label={props.label}>
      <TableBody>
        {props.rows.map(([name, value]) => (
          <TableRow key={name}>
            <TableCell
              component="th"
              scope="row"
              role="rowheader"
              style={{ width: '30%' }}
            >
              {name}
            </TableCell>
            <TableCell style={{ wordBreak: 'break-word' }}>{value}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
