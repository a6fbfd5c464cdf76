import { Content, Header, Page } from '@backstage/core-components';
import { FleetView } from './FleetView';

/** The fleet page with its own header, for the legacy frontend system. */
export function MqCertificatesPage() {
  return (
    <Page themeId="tool">
      <Header
        title="MQ certificates"
        subtitle="Certificate state of every managed IBM MQ queue manager"
      />
      <Content>
        <FleetView />
      </Content>
    </Page>
  );
}

/** The fleet page body; the new frontend system draws the page header itself. */
export function MqCertificatesFleetContent() {
  return (
    <Content>
      <FleetView />
    </Content>
  );
}
