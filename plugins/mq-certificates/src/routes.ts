import {
  createExternalRouteRef,
  createRouteRef,
} from '@backstage/core-plugin-api';

/** The fleet page. */
export const rootRouteRef = createRouteRef({ id: 'mq-certificates' });

/** The "Certificates" tab on a queue manager's entity page. */
export const entityContentRouteRef = createRouteRef({
  id: 'mq-certificates:entity-content',
});

/**
 * The scaffolder page of one template, where "Rotate certificate" leads.
 * Bound by default to the scaffolder's `selectedTemplate` route; when an app
 * binds nothing, the link falls back to {@link DEFAULT_TEMPLATE_PATH}.
 */
export const rotateTemplateRouteRef = createExternalRouteRef({
  id: 'mq-certificates:rotate-template',
  params: ['namespace', 'templateName'],
  optional: true,
  defaultTarget: 'scaffolder.selectedTemplate',
});

/** Where the scaffolder serves a template in a default Backstage app. */
export const DEFAULT_TEMPLATE_PATH =
  '/create/templates/:namespace/:templateName';
