import Box from '@material-ui/core/Box';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import type { FleetState } from '../../api';
import {
  FLEET_STATES_WORST_FIRST,
  FLEET_STATE_TEXT,
} from '../../lib/stateText';

/** What the user typed or picked; text fields are sent after a pause. */
export interface FleetFilterValues {
  state?: FleetState;
  owner: string;
  q: string;
  maxDaysLeft: string;
}

/** Filters of the fleet table: state, owner, days left and free text. */
export function FleetFilters(props: {
  value: FleetFilterValues;
  onChange: (value: FleetFilterValues) => void;
}) {
  const { value, onChange } = props;
  const maxDaysInvalid =
    value.maxDaysLeft !== '' && !/^-?\d+$/.test(value.maxDaysLeft.trim());
  return (
    <Box display="flex" flexWrap="wrap" style={{ gap: 16 }} mb={2}>
      <TextField
        select
        id="mq-fleet-state"
        label="State"
        variant="outlined"
        size="small"
        style={{ minWidth: 160 }}
        SelectProps={{ displayEmpty: true }}
        InputLabelProps={{ shrink: true }}
        value={value.state ?? ''}
        onChange={e =>
          onChange({
            ...value,
            state: (e.target.value || undefined) as FleetState | undefined,
          })
        }
      >
        <MenuItem value="">All states</MenuItem>
        {FLEET_STATES_WORST_FIRST.map(s => (
          <MenuItem key={s} value={s}>
            {FLEET_STATE_TEXT[s].label}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        id="mq-fleet-owner"
        label="Owner"
        placeholder="group:default/mq-admins"
        variant="outlined"
        size="small"
        value={value.owner}
        onChange={e => onChange({ ...value, owner: e.target.value })}
      />
      <TextField
        id="mq-fleet-max-days"
        label="At most days left"
        variant="outlined"
        size="small"
        type="number"
        inputProps={{ step: 1 }}
        style={{ width: 170 }}
        error={maxDaysInvalid}
        helperText={maxDaysInvalid ? 'Enter a whole number of days' : undefined}
        value={value.maxDaysLeft}
        onChange={e => onChange({ ...value, maxDaysLeft: e.target.value })}
      />
      <TextField
        id="mq-fleet-search"
        label="Search"
        placeholder="QM name, entity or listener"
        variant="outlined"
        size="small"
        type="search"
        value={value.q}
        onChange={e => onChange({ ...value, q: e.target.value })}
      />
    </Box>
  );
}
