import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { AnnotationProblem, explainError } from '../../lib/errors';

/** Which annotation is wrong, what is wrong with it, and a valid value. */
function AnnotationFix(props: { annotation: AnnotationProblem }) {
  const { name, problem, example } = props.annotation;
  return (
    <div data-annotation={name}>
      <Typography variant="body1" component="p">
        Annotation <code>{name}</code>
        {problem ? `: ${problem}` : ' is missing or wrong'}
      </Typography>
      {example && (
        <>
          <Typography variant="body2" component="p">
            For example, in catalog-info.yaml:
          </Typography>
          <pre
            data-example-of={name}
            style={{ margin: '4px 0 8px', whiteSpace: 'pre-wrap' }}
          >
            <code>{`metadata:\n  annotations:\n    ${name}: ${example}`}</code>
          </pre>
        </>
      )}
    </div>
  );
}

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
      {explained.annotation && (
        <AnnotationFix annotation={explained.annotation} />
      )}
      <Typography variant="body2">{explained.hint}</Typography>
      <Typography variant="caption" component="p">
        Details: {explained.detail}
      </Typography>
    </Alert>
  );
}
