import Typography from '@material-ui/core/Typography';

/** Why a control is disabled, in visible text (a tooltip on a disabled button is out of keyboard reach). */
export function PermissionNote(props: { id: string; children: string }) {
  return (
    <Typography
      id={props.id}
      variant="caption"
      color="textSecondary"
      component="p"
    >
      {props.children}
    </Typography>
  );
}
