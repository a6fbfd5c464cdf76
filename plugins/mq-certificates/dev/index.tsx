/*
 * The demo portal: a Backstage app on the new frontend system with the
 * catalog, the scaffolder and this plugin, signed in as the guest user.
 * `backstage-cli package start` in this package serves it; `npm start` at
 * the repository root starts it together with the demo backend (see
 * test/demo/README.md). It reads app.baseUrl and backend.baseUrl from the
 * config the dev server is given, so tests can run it on free ports.
 */
import ReactDOM from 'react-dom/client';
// The catalog's entity page header and tabs are Backstage UI components,
// which are unstyled without this sheet. The rule keeps plugin code from
// loading app-wide CSS; dev/ is an app, never part of the published plugin.
// eslint-disable-next-line @backstage/no-ui-css-imports-in-non-frontend
import '@backstage/ui/css/styles.css';
import { SignInPage } from '@backstage/core-components';
import { createApp } from '@backstage/frontend-defaults';
import { createFrontendModule } from '@backstage/frontend-plugin-api';
import appPlugin from '@backstage/plugin-app';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import scaffolderPlugin from '@backstage/plugin-scaffolder/alpha';
import mqCertificatesPlugin from '../src/alpha';

/*
 * The app plugin's own sign-in page already offers the guest provider; this
 * override only names the demo and says who the guest is, so a newcomer
 * knows why the queue managers are theirs to rotate.
 */
const demoSignInPage = createFrontendModule({
  pluginId: 'app',
  extensions: [
    appPlugin.getExtension('sign-in-page:app').override({
      params: {
        loader: async () => props =>
          (
            <SignInPage
              {...props}
              title="MQ Certificates demo"
              align="center"
              providers={['guest']}
            />
          ),
      },
    }),
  ],
});

const app = createApp({
  features: [
    catalogPlugin,
    scaffolderPlugin,
    mqCertificatesPlugin,
    demoSignInPage,
  ],
  bindRoutes({ bind }) {
    // The plugin's default target (scaffolder.selectedTemplate) would be
    // picked anyway; binding it here keeps "Rotate certificate" working if
    // that default ever stops resolving.
    bind(mqCertificatesPlugin.externalRoutes, {
      rotateTemplate: scaffolderPlugin.routes.selectedTemplate,
    });
    bind(catalogPlugin.externalRoutes, {
      createComponent: scaffolderPlugin.routes.root,
      createFromTemplate: scaffolderPlugin.routes.selectedTemplate,
    });
  },
});

ReactDOM.createRoot(document.getElementById('root')!).render(app.createRoot());
