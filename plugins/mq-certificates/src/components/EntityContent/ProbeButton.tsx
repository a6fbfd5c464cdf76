import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { mqCertificatesApiRef } from '../../api';
import { errorMessage } from '../../lib/errors';
import { PermissionState } from '../../hooks/useQueueManagerPermissions';

/**
 * Probes the listener now. A probe only reads what the listener serves, so it
 * needs no confirmation; it needs the rotate permission (the backend's rule).
 */
export function ProbeButton(props: {
  entityRef: string;
  permission: PermissionState;
  onProbed: () => void;
}) {
  const api = useApi(mqCertificatesApiRef);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  if (!props.permission.allowed) return null;
  const probe = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.probeQueueManager(props.entityRef);
      props.onProbed();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span>
      <Button
        variant="outlined"
        onClick={probe}
        disabled={busy}
        startIcon={busy ? <CircularProgress size={16} /> : undefined}
      >
        {busy ? 'Probing…' : 'Probe now'}
      </Button>
      {error && (
        <Typography role="alert" variant="caption" color="error" component="p">
          Probe failed: {error}. Check that the listener is reachable from the
          Backstage backend, then try again.
        </Typography>
      )}
    </span>
  );
}
