/*
 * Request validation. Every failure becomes an InputError whose message
 * starts with the field, e.g. `serialNumber: 'xyz' is not a hex serial
 * number`, so the scaffolder log and the UI can say exactly what to fix.
 */
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  normalizeSerialNumber,
  validateCertificateLabel,
} from '@mqcert/plugin-mq-certificates-common';
import { z } from 'zod';
import { FLEET_STATES } from './FleetIndex';

/** Runs a common-library validator inside zod, turning its InputError into an issue. */
function via<T>(fn: (value: string) => T) {
  return (value: string, ctx: z.RefinementCtx): T => {
    try {
      return fn(value);
    } catch (e) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        // Common validators prefix their own field name; drop it, zod adds ours.
        message: (e as Error).message.replace(/^[^:]*: /, ''),
      });
      return z.NEVER;
    }
  };
}

const isoDateTime = z.string().transform(
  via(v => {
    const t = Date.parse(v);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(v) || !Number.isFinite(t)) {
      throw new InputError(
        `'${v}' is not an ISO 8601 date-time such as 2026-12-03T10:00:00Z`,
      );
    }
    return new Date(t).toISOString();
  }),
);

const serialNumber = z.string().transform(via(v => normalizeSerialNumber(v)));

/** Lower-case colon hex, this project's one fingerprint format. */
export function normalizeFingerprint(value: string): string {
  const bare = value.trim().replace(/:/g, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(bare)) {
    throw new InputError(
      `'${value}' is not a SHA-256 fingerprint (32 bytes of hex, colons optional)`,
    );
  }
  return bare.match(/../g)!.join(':');
}

const fingerprint = z.string().transform(via(normalizeFingerprint));
const label = z.string().transform(via(v => validateCertificateLabel(v)));
const configName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/,
    'must be a configuration name (letters, digits, ".", "_", "-")',
  );
const hostPath = z
  .string()
  .min(1)
  .max(1024)
  // eslint-disable-next-line no-control-regex
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters');
const relativePath = hostPath.refine(
  v => !v.startsWith('/') && !v.split('/').includes('..'),
  "must be relative to the deploy target's root, without '..'",
);

const entityRef = z.string().transform(
  via(v => {
    const ref = parseEntityRef(v); // throws for malformed refs
    if (!ref.kind) throw new InputError(`'${v}' has no kind`);
    return v;
  }),
);

const keystorePasswordRef = z
  .object({
    mount: z
      .string()
      .regex(
        /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/,
        'must be a Vault mount path',
      ),
    path: z
      .string()
      .regex(
        /^[A-Za-z0-9_.@-]+(\/[A-Za-z0-9_.@-]+)*$/,
        'must be a Vault KV path',
      ),
    version: z.number().int().min(1),
  })
  .strict();

const rotationCertificate = z
  .object({
    label,
    serialNumber,
    notAfter: isoDateTime,
    fingerprintSha256: fingerprint,
  })
  .strict();

/** `POST /v1/rotations` */
export const recordRotationSchema = z
  .object({
    entityRef,
    serialNumber,
    notAfter: isoDateTime,
    fingerprintSha256: fingerprint,
    certificateLabel: label,
    certificates: z.array(rotationCertificate).max(32).optional(),
    keyRepositoryFormat: z.enum(['p12', 'kdb']),
    keystorePasswordRef: keystorePasswordRef.optional(),
    deployTarget: configName.optional(),
    stagedRevisionPath: relativePath.optional(),
    stagedSslKeyRepository: hostPath.optional(),
    previousSslKeyRepository: hostPath.optional(),
    previousCertificateLabel: label.optional(),
    state: z.enum(['issued', 'staged']).optional(),
    taskId: z.string().max(255).optional(),
  })
  .strict();

/** `PATCH /v1/rotations/{id}` */
export const updateRotationSchema = z
  .object({
    state: z.enum(['staged', 'failed', 'cancelled']).optional(),
    stateReason: z.string().max(2000).optional(),
    deployTarget: configName.optional(),
    stagedRevisionPath: relativePath.optional(),
    stagedSslKeyRepository: hostPath.optional(),
    keystorePasswordRef: keystorePasswordRef.optional(),
    taskId: z.string().max(255).optional(),
  })
  .strict();

/** `POST /v1/refresh-jobs` */
export const createRefreshJobSchema = z
  .object({
    rotationId: z.string().uuid(),
    runAt: isoDateTime.optional(),
    approvalRequired: z.boolean().optional(),
    mode: z.enum(['portal', 'host']).optional(),
    hostJobId: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be the at job number')
      .optional(),
  })
  .strict();

/** `POST /v1/refresh-jobs/{id}/cancel` (optional body). */
export const cancelRefreshJobSchema = z
  .object({ reason: z.string().max(2000).optional() })
  .strict();

const commaList = z.string().transform(v =>
  v
    .split(',')
    .map(s => s.trim())
    .filter(Boolean),
);

/** `GET /v1/queue-managers` query. */
export const fleetQuerySchema = z
  .object({
    state: commaList
      .pipe(z.array(z.enum(FLEET_STATES as [string, ...string[]])))
      .optional(),
    owner: commaList.optional(),
    q: z.string().max(200).optional(),
    maxDaysLeft: z.coerce.number().int().min(-100_000).max(100_000).optional(),
    sort: z.enum(['state', 'daysLeft', 'name']).default('state'),
    order: z.enum(['asc', 'desc']).optional(),
    offset: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();

/** `{kind}/{namespace}/{name}` path parameters. */
export const entityPathSchema = z.object({
  kind: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,62}$/, 'is not an entity kind'),
  namespace: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'is not a namespace'),
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'is not an entity name'),
});

export const idPathSchema = z.object({
  id: z.string().uuid({ message: 'is not an id (a UUID)' }),
});

/**
 * Parses `value` with `schema`, or throws an InputError listing each problem
 * as `<field>: <problem>` (`where` names the part of the request).
 */
export function parseRequest<T extends z.ZodTypeAny>(
  schema: T,
  value: unknown,
  where: string,
): z.output<T> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map(issue => {
    const field = issue.path.join('.');
    if (issue.code === z.ZodIssueCode.unrecognized_keys) {
      return `${field ? `${field}: ` : ''}unknown field${
        issue.keys.length > 1 ? 's' : ''
      } ${issue.keys.join(', ')}`;
    }
    return `${field || where}: ${issue.message}`;
  });
  throw new InputError(`invalid ${where}: ${problems.join('; ')}`);
}
