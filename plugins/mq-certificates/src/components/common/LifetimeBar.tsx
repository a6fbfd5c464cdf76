import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type { CertificatePolicyEvaluation } from '@mqcert/plugin-mq-certificates-common';
import { DateTime } from './DateTime';

const useStyles = makeStyles(theme => ({
  track: { position: 'relative', paddingTop: theme.spacing(1) },
  bar: { height: 10, borderRadius: 5 },
  mark: {
    position: 'absolute',
    top: 0,
    bottom: -4,
    width: 2,
    backgroundColor: theme.palette.text.primary,
  },
}));

const percent = (fraction: number) => Math.round(fraction * 100);

/**
 * How much of the certificate's lifetime is used, with a mark where renewal
 * falls due (the policy's renew-at fraction).
 */
export function LifetimeBar(props: {
  policy: CertificatePolicyEvaluation;
  notBefore?: string;
  notAfter?: string;
}) {
  const classes = useStyles();
  const { policy } = props;
  const used = percent(policy.lifetimeUsed);
  const renewAt = percent(policy.policy.renewAtFraction);
  return (
    <Box>
      <div className={classes.track}>
        <LinearProgress
          className={classes.bar}
          variant="determinate"
          value={used}
          color={policy.state === 'ok' ? 'primary' : 'secondary'}
          aria-label="Certificate lifetime used"
          aria-valuetext={`${used}% of the lifetime used; renewal is due at ${renewAt}%`}
        />
        <span
          className={classes.mark}
          style={{ left: `${renewAt}%` }}
          title={`Renew at ${renewAt}% of the lifetime`}
          data-testid="renew-at-mark"
        />
      </div>
      <Typography variant="caption" color="textSecondary" component="p">
        {used}% used · issued <DateTime value={props.notBefore} /> · renew at{' '}
        <DateTime value={policy.renewAt} /> · expires{' '}
        <DateTime value={props.notAfter} />
      </Typography>
    </Box>
  );
}
