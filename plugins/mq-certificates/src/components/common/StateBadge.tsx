import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import Tooltip from '@material-ui/core/Tooltip';
import type { FleetState } from '../../api';
import { FLEET_STATE_TEXT } from '../../lib/stateText';

const ICONS = {
  ok: StatusOK,
  'renew-due': StatusWarning,
  expiring: StatusError,
  expired: StatusError,
  unknown: StatusAborted,
} as const;

/** A certificate's policy state: colour and word, with its meaning on hover. */
export function StateBadge(props: { state: FleetState }) {
  const Icon = ICONS[props.state] ?? StatusAborted;
  const text = FLEET_STATE_TEXT[props.state] ?? FLEET_STATE_TEXT.unknown;
  return (
    <Tooltip title={text.meaning}>
      <span data-state={props.state}>
        <Icon>{text.label}</Icon>
      </span>
    </Tooltip>
  );
}
