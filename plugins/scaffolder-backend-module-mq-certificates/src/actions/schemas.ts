import type { TemplateActionOptions } from '@backstage/plugin-scaffolder-node';

/*
 * Schema pieces shared by the actions. The scaffolder hands each schema
 * callback its own zod (v3 API); these helpers take that instance so the
 * module does not pin a zod of its own.
 */

type SchemaCallback = NonNullable<
  NonNullable<TemplateActionOptions['schema']>['input']
>[string];

/** The zod instance the scaffolder passes to schema callbacks. */
export type Zod = Parameters<SchemaCallback>[0];

export const entityRefInput = (z: Zod) =>
  z
    .string()
    .min(1)
    .describe(
      'The queue manager entity (kind Resource with the mqcert.io/queue-manager annotation, spec.type ibm-mq-queue-manager), e.g. resource:default/qm1',
    );

export const planOutput = (z: Zod) =>
  z
    .array(z.string())
    .optional()
    .describe(
      'Dry run only: what a real run would do (commands, paths, times)',
    );

export const certificateOutput = (z: Zod) =>
  z.object({
    label: z.string(),
    serialNumber: z.string(),
    notAfter: z.string(),
    fingerprintSha256: z.string(),
  });

export const issuedCertificateOutput = (z: Zod) =>
  certificateOutput(z).extend({
    notBefore: z.string(),
    subject: z.string(),
    subjectAltNames: z.array(z.string()),
  });

export const passwordRefOutput = (z: Zod) =>
  z
    .object({ mount: z.string(), path: z.string(), version: z.number() })
    .describe(
      'Where the keystore password is kept in Vault KV v2 (never the password)',
    );

export const whenInput = (z: Zod) =>
  z
    .string()
    .default('now')
    .describe(
      "When the cut-over runs: 'now', 'window' (the entity's next maintenance window) or an ISO date-time in the future, e.g. 2026-12-24T02:00:00Z",
    );
