import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { explainError } from '../../lib/errors';

/**
 * A failed load, said in the user's terms: what failed, what the backend
 * said, what to do, and a retry.
 */
export function ErrorState(props: {
  error: unknown;
  what: string;
  onRetry?: () => void;
}) {
  const explained = explainError(props.error, props.what);
  return (
    <Alert
      severity={explained.kind === 'forbidden' ? 'warning' : 'error'}
      data-error-kind={explained.kind}
      action={
        props.onRetry ? (
          <Button color="inherit" size="small" onClick={props.onRetry}>
            Retry
          </Button>
        ) : undefined
      }
    >
      <AlertTitle>{explained.title}</AlertTitle>
      <Typography variant="body2">{explained.hint}</Typography>
      <Typography variant="caption" component="p">
        Details: {explained.detail}
      </Typography>
    </Alert>
  );
}
