import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import type { QueueManagerDetail } from '@mqcert/plugin-mq-certificates-common';
import { QueueManagerPermissions } from '../../hooks/useQueueManagerPermissions';
import { ChannelsCard } from './ChannelsCard';
import { HistoryCard } from './HistoryCard';
import { ProbeButton } from './ProbeButton';
import { RefreshJobsCard } from './RefreshJobsCard';
import { RotateButton } from './RotateButton';
import { RotationProgressCard } from './RotationProgressCard';
import { ServedCertificateCard } from './ServedCertificateCard';

/** Everything the Certificates tab shows about one queue manager. */
export function QueueManagerCertificates(props: {
  detail: QueueManagerDetail;
  permissions: QueueManagerPermissions;
  templateRef?: string;
  onChanged: () => void;
}) {
  const { detail, permissions } = props;
  const probe = (
    <ProbeButton
      entityRef={detail.entityRef}
      permission={permissions.rotate}
      onProbed={props.onChanged}
    />
  );
  return (
    <Grid container spacing={3} alignItems="stretch">
      <Grid item xs={12}>
        <Box
          display="flex"
          alignItems="flex-start"
          flexWrap="wrap"
          style={{ gap: 16 }}
        >
          <Box flexGrow={1}>
            <Typography variant="h5" component="h2">
              Queue manager {detail.queueManager}
            </Typography>
            <Typography variant="body2" color="textSecondary">
              Certificate label {detail.certificateLabel}
              {detail.listener ? ` · listener ${detail.listener}` : ''}
              {detail.maintenanceWindow
                ? ` · maintenance window ${detail.maintenanceWindow}`
                : ''}
              {detail.refreshApproval === 'required'
                ? ' · refreshes need approval'
                : ''}
            </Typography>
          </Box>
          <RotateButton
            entityRef={detail.entityRef}
            templateRef={props.templateRef}
            permission={permissions.rotate}
          />
        </Box>
      </Grid>
      <Grid item xs={12} md={7}>
        <ServedCertificateCard detail={detail} probeAction={probe} />
      </Grid>
      <Grid item xs={12} md={5}>
        <RotationProgressCard detail={detail} />
      </Grid>
      <Grid item xs={12}>
        <RefreshJobsCard
          detail={detail}
          permissions={permissions}
          onChanged={props.onChanged}
        />
      </Grid>
      <Grid item xs={12}>
        <ChannelsCard detail={detail} />
      </Grid>
      <Grid item xs={12}>
        <HistoryCard detail={detail} />
      </Grid>
    </Grid>
  );
}
