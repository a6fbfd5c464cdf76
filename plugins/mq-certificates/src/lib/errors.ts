import { ResponseError } from '@backstage/errors';

/** How a failed backend call should be explained to the user. */
export interface ExplainedError {
  kind: 'unreachable' | 'forbidden' | 'not-found' | 'invalid' | 'rejected';
  title: string;
  /** What the backend or the browser said. */
  detail: string;
  /** What the user can do about it. */
  hint: string;
  /** For `invalid`: the entity annotation the backend named, when it named one. */
  annotation?: AnnotationProblem;
}

/** An mqcert.io/ annotation the backend refused, as its message names it. */
export interface AnnotationProblem {
  /** The annotation, e.g. `mqcert.io/listener`. */
  name: string;
  /** What is wrong with its value. */
  problem?: string;
  /** A valid value the backend gave as an example, e.g. `"qm1.example:1414"`. */
  example?: string;
}

/**
 * The annotation a backend message names. The backend says
 * `annotation <name>: <problem>; for example <name>: <example>` (or
 * `needs the annotation <name>; ..., for example <name>: <example>`).
 */
export function annotationProblem(
  message: string,
): AnnotationProblem | undefined {
  const named = /annotation (mqcert\.io\/[A-Za-z0-9._/-]*[A-Za-z0-9])/.exec(
    message,
  );
  if (!named) return undefined;
  const name = named[1];
  const rest = message.slice(named.index + named[0].length);
  const marker = `for example ${name}: `;
  const exampleAt = rest.lastIndexOf(marker);
  const example =
    exampleAt === -1 ? undefined : rest.slice(exampleAt + marker.length).trim();
  let problem: string | undefined;
  if (rest.startsWith(': ')) {
    problem = (exampleAt === -1 ? rest : rest.slice(0, exampleAt))
      .slice(2)
      .replace(/[;,]\s*$/, '')
      .trim();
  }
  return { name, problem: problem || undefined, example: example || undefined };
}

/** The backend's own message when it sent one, else the error's. */
export function errorMessage(error: unknown): string {
  if (error instanceof ResponseError) {
    return error.body?.error?.message || error.message;
  }
  // Duck-typed: errors from another realm (an iframe, a test runner) are not
  // `instanceof Error` here.
  const message = (error as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : String(error);
}

/**
 * Classifies an error from the mq-certificates API so every panel says what
 * failed and what to do, in the user's terms.
 */
export function explainError(error: unknown, what: string): ExplainedError {
  const detail = errorMessage(error);
  const status =
    error instanceof ResponseError ? error.response.status : undefined;
  if (
    status === undefined ||
    status === 502 ||
    status === 503 ||
    status === 504
  ) {
    return {
      kind: 'unreachable',
      title: `The MQ certificates backend could not be reached while loading ${what}`,
      detail,
      hint: 'Retry in a moment. If it keeps failing, ask your Backstage administrator to check that the mq-certificates backend plugin is installed and running.',
    };
  }
  if (status === 401 || status === 403) {
    return {
      kind: 'forbidden',
      title: `You are not allowed to see ${what}`,
      detail,
      hint: 'Ask the owner of the queue manager or your Backstage administrator for the mq-certificates.certificate.read permission.',
    };
  }
  if (status === 400) {
    const annotation = annotationProblem(detail);
    return {
      kind: 'invalid',
      title: annotation
        ? `The annotation ${annotation.name} is invalid, so the MQ certificates backend refused to load ${what}`
        : `The MQ certificates backend refused to load ${what}`,
      detail,
      hint: annotation
        ? `Fix ${annotation.name} in the entity's catalog-info.yaml (metadata.annotations). The page, with any scheduled refreshes of this queue manager, shows again once the catalog has processed the fix.`
        : "Fix what the message names. Most often it is an mqcert.io/ annotation in the entity's catalog-info.yaml; the page shows the queue manager once the catalog has processed the fix.",
      annotation,
    };
  }
  if (status === 404) {
    return {
      kind: 'not-found',
      title: `The MQ certificates backend does not know ${what}`,
      detail,
      hint: 'The backend manages catalog entities with the mqcert.io/queue-manager annotation. If you added it recently, wait for the catalog to process the entity, then retry.',
    };
  }
  return {
    kind: 'rejected',
    title: `Loading ${what} failed`,
    detail,
    hint: 'Retry; if it keeps failing, report the message above to your Backstage administrator.',
  };
}
