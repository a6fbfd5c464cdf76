import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import type { FleetResponse } from '@mqcert/plugin-mq-certificates-common';
import type { FleetState } from '../../api';
import {
  FLEET_STATES_WORST_FIRST,
  FLEET_STATE_TEXT,
} from '../../lib/stateText';

/**
 * Counts per state over the fleet (after the owner and text filters, before
 * the state filter); each count is a toggle that filters the table to that
 * state.
 */
export function StateCounts(props: {
  counts?: FleetResponse['counts'];
  selected?: FleetState;
  onSelect: (state: FleetState | undefined) => void;
}) {
  return (
    <Box
      display="flex"
      flexWrap="wrap"
      style={{ gap: 8 }}
      role="group"
      aria-label="Queue managers per certificate state"
      mb={2}
    >
      <Button
        variant={props.selected === undefined ? 'contained' : 'outlined'}
        aria-pressed={props.selected === undefined}
        onClick={() => props.onSelect(undefined)}
      >
        All:{' '}
        {props.counts
          ? Object.values(props.counts).reduce((a, b) => a + b, 0)
          : '…'}
      </Button>
      {FLEET_STATES_WORST_FIRST.map(state => {
        const selected = props.selected === state;
        return (
          <Button
            key={state}
            variant={selected ? 'contained' : 'outlined'}
            color={
              state === 'expired' || state === 'expiring'
                ? 'secondary'
                : 'default'
            }
            aria-pressed={selected}
            title={FLEET_STATE_TEXT[state].meaning}
            onClick={() => props.onSelect(selected ? undefined : state)}
            data-state={state}
          >
            {FLEET_STATE_TEXT[state].label}: {props.counts?.[state] ?? '…'}
          </Button>
        );
      })}
    </Box>
  );
}
