import { InfoCard } from '@backstage/core-components';
import Step from '@material-ui/core/Step';
import StepLabel from '@material-ui/core/StepLabel';
import Stepper from '@material-ui/core/Stepper';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import type {
  QueueManagerDetail,
  Rotation,
} from '@mqcert/plugin-mq-certificates-common';
import { useLayoutEffect, useState } from 'react';
import { rotationSteps, StepStatus } from '../../lib/rotationSteps';
import { ROTATION_STATE_TEXT } from '../../lib/stateText';
import { DateTime } from '../common/DateTime';

const TERMINAL = ['verified', 'failed', 'rolled-back', 'cancelled'];

/** The newest rotation: the one in progress, or else the last one. */
export function latestRotation(
  detail: QueueManagerDetail,
): Rotation | undefined {
  return [...detail.rotations].sort((a, b) =>
    b.createdAt.localeCompare(a.createdAt),
  )[0];
}

function alertSeverity(state: Rotation['state']) {
  if (['failed', 'rolled-back', 'cancelled'].includes(state)) return 'error';
  return state === 'verified' ? 'success' : 'info';
}

const STATUS_WORDS: Record<StepStatus, string> = {
  done: 'done',
  active: 'in progress',
  failed: 'failed',
  cancelled: 'cancelled',
  skipped: 'not needed',
  pending: 'not yet',
};

/** Six labelled steps with dates side by side need about this many pixels. */
const HORIZONTAL_STEPPER_WIDTH = 760;

/**
 * Whether the element is at least `width` wide, following its resizes. False
 * until measured (and where ResizeObserver is missing), so a narrow card
 * never starts out clipped.
 */
function useFitsWidth(width: number) {
  // A callback ref: the measured element appears only once a rotation exists.
  const [el, setEl] = useState<HTMLDivElement | null>(null);
  const [fits, setFits] = useState(false);
  useLayoutEffect(() => {
    if (!el || typeof ResizeObserver === 'undefined') return undefined;
    const observer = new ResizeObserver(entries => {
      const measured = entries[entries.length - 1]?.contentRect.width ?? 0;
      setFits(measured >= width);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [el, width]);
  return [setEl, fits] as const;
}

/**
 * A rotation step by step (issued → staged → awaiting approval → scheduled →
 * refreshing → verified), or where it failed, why and what to do next.
 */
export function RotationProgressCard(props: { detail: QueueManagerDetail }) {
  const [stepperBox, horizontal] = useFitsWidth(HORIZONTAL_STEPPER_WIDTH);
  const rotation = latestRotation(props.detail);
  if (!rotation) {
    return (
      <InfoCard title="Rotation">
        <Typography variant="body2">
          No rotation has been recorded for this queue manager. Use "Rotate
          certificate" to issue, stage and switch to a new certificate.
        </Typography>
      </InfoCard>
    );
  }
  const steps = rotationSteps(rotation, props.detail.jobs);
  const text = ROTATION_STATE_TEXT[rotation.state];
  const inProgress = !TERMINAL.includes(rotation.state);
  const failed = ['failed', 'rolled-back', 'cancelled'].includes(
    rotation.state,
  );
  const activeStep = steps.findIndex(
    s => s.status !== 'done' && s.status !== 'skipped',
  );

  return (
    <InfoCard
      title={inProgress ? 'Rotation in progress' : 'Latest rotation'}
      subheader={
        // One element: InfoCard lays the subheader out as a flex row, which
        // drops the spaces between loose text and <code> and cannot wrap.
        <span data-rotation-serial style={{ minWidth: 0 }}>
          Serial{' '}
          <code
            style={{
              fontFamily: 'monospace',
              wordBreak: 'break-all',
              overflowWrap: 'anywhere',
            }}
          >
            {rotation.serialNumber}
          </code>
          , started <DateTime value={rotation.createdAt} /> by{' '}
          {rotation.createdBy}
        </span>
      }
    >
      <div ref={stepperBox}>
        <Stepper
          activeStep={activeStep === -1 ? steps.length : activeStep}
          alternativeLabel={horizontal}
          orientation={horizontal ? 'horizontal' : 'vertical'}
          data-orientation={horizontal ? 'horizontal' : 'vertical'}
          aria-label="Rotation steps"
        >
          {steps.map(step => (
            <Step
              key={step.label}
              completed={step.status === 'done'}
              data-status={step.status}
              data-step={step.label}
            >
              <StepLabel
                error={step.status === 'failed' || step.status === 'cancelled'}
                optional={
                  <Typography variant="caption" component="span">
                    {STATUS_WORDS[step.status]}
                    {step.at && (
                      <>
                        <br />
                        <DateTime value={step.at} />
                      </>
                    )}
                    {step.by && (
                      <>
                        <br />
                        by {step.by}
                      </>
                    )}
                  </Typography>
                }
              >
                {step.label}
              </StepLabel>
            </Step>
          ))}
        </Stepper>
      </div>
      <Alert
        severity={alertSeverity(rotation.state)}
        role={failed ? 'alert' : 'status'}
      >
        <AlertTitle>
          {text.label}: {text.meaning}
        </AlertTitle>
        {rotation.stateReason && (
          <Typography variant="body2" component="p">
            Reason: {rotation.stateReason}
          </Typography>
        )}
        {(rotation.stagedSslKeyRepository || rotation.stagedRevisionPath) && (
          <Typography variant="body2" component="p">
            Staged key repository:{' '}
            <code>
              {rotation.stagedSslKeyRepository ?? rotation.stagedRevisionPath}
            </code>
            {rotation.deployTarget ? ` on ${rotation.deployTarget}` : ''}
          </Typography>
        )}
        {text.next && (
          <Typography variant="body2" component="p">
            What to do: {text.next}
          </Typography>
        )}
      </Alert>
    </InfoCard>
  );
}
