import { createContext, ReactNode, useContext } from 'react';
import {
  browserTimeZone,
  formatInZone,
  formatRelative,
  formatUtc,
} from '../../lib/time';

const TimeZoneContext = createContext<string | undefined>(undefined);

/**
 * Shows times in a given IANA zone instead of the browser's, e.g. the zone a
 * user picked in their settings.
 *
 * @public
 */
export function MqCertificatesTimeZoneProvider(props: {
  timeZone: string;
  children?: ReactNode;
}) {
  return (
    <TimeZoneContext.Provider value={props.timeZone}>
      {props.children}
    </TimeZoneContext.Provider>
  );
}

/** The zone times are shown in. */
export function useDisplayTimeZone(): string {
  return useContext(TimeZoneContext) ?? browserTimeZone();
}

/**
 * An instant in the user's time zone; UTC in the title (hover) and the
 * machine-readable value in `dateTime`.
 */
export function DateTime(props: { value?: string; relative?: boolean }) {
  const timeZone = useDisplayTimeZone();
  if (!props.value) return <>—</>;
  return (
    <time dateTime={props.value} title={formatUtc(props.value)}>
      {formatInZone(props.value, timeZone)}
      {props.relative ? ` (${formatRelative(props.value)})` : null}
    </time>
  );
}
