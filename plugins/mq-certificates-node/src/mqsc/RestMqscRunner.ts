import https from 'node:https';
import { InputError } from '@backstage/errors';
import type { MqscCommandResponse, MqscRunner } from '../types';
import { redactSecrets } from '../commands/redact';
import { MqscError } from './MqscError';
import { redactMqscCommand, validateMqscRun } from './mqscText';
import {
  encodeQueueManagerForUrl,
  parseMqwebError,
  parseRunCommandResponse,
} from './restResponse';

/** How the runner proves who it is to mqweb. */
export type RestMqscAuth =
  | { type: 'basic'; username: string; password: string }
  | {
      type: 'clientCertificate';
      certificatePem: string;
      privateKeyPem: string;
      passphrase?: string;
    };

/** Options of {@link RestMqscRunner}. */
export interface RestMqscRunnerOptions {
  /** mqweb's base URL, e.g. `https://mq1.example.test:9443`. */
  baseUrl: string;
  /** REST API version; v3 needs MQ 9.3.0 or later. Default `v2`. */
  apiVersion?: 'v1' | 'v2' | 'v3';
  auth: RestMqscAuth;
  /** PEM CA certificates that sign mqweb's certificate (replaces the public roots). */
  caPem?: string[];
  /** Value of the `ibm-mq-rest-csrf-token` header; any value works with basic and certificate auth. */
  csrfToken?: string;
  /** Per request; REFRESH SECURITY may take up to 10 minutes. Default 11 minutes. */
  timeoutMs?: number;
  /** Configuration name, used in error messages. */
  name?: string;
}

const DEFAULT_TIMEOUT_MS = 11 * 60_000;
const MAX_BODY_BYTES = 4 * 1024 * 1024;

interface HttpAnswer {
  status: number;
  body: unknown;
  rawText: string;
}

/**
 * Runs MQSC through the MQ administrative REST API: one
 * `POST /ibmmq/rest/<v>/admin/action/qmgr/<qm>/mqsc` per command with
 * `{"type":"runCommand"}`. Commands run in order and the first failure stops
 * the rest, so a failed ALTER is never followed by a REFRESH.
 */
export class RestMqscRunner implements MqscRunner {
  private readonly agent: https.Agent;
  private readonly base: URL;
  private readonly apiVersion: string;
  private readonly timeoutMs: number;
  private readonly secrets: string[];
  private readonly label: string;

  constructor(private readonly options: RestMqscRunnerOptions) {
    const field = options.name
      ? `mqCertificates.mqAdmin.${options.name}.baseUrl`
      : 'baseUrl';
    let base: URL;
    try {
      base = new URL(options.baseUrl);
    } catch {
      throw new InputError(
        `${field}: '${options.baseUrl}' is not a URL; use mqweb's address, e.g. https://mq1.example.test:9443`,
      );
    }
    if (base.protocol !== 'https:') {
      throw new InputError(
        `${field}: '${options.baseUrl}' must use https; mqweb serves its REST API over TLS only`,
      );
    }
    this.base = base;
    this.apiVersion = options.apiVersion ?? 'v2';
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.label = options.name ? `mqweb '${options.name}'` : 'mqweb';
    const auth = options.auth;
    this.secrets =
      auth.type === 'basic'
        ? [auth.password]
        : [auth.privateKeyPem, auth.passphrase ?? ''];
    this.agent = new https.Agent({
      keepAlive: true,
      maxSockets: 4,
      ca: options.caPem?.length ? options.caPem : undefined,
      cert: auth.type === 'clientCertificate' ? auth.certificatePem : undefined,
      key: auth.type === 'clientCertificate' ? auth.privateKeyPem : undefined,
      passphrase:
        auth.type === 'clientCertificate' ? auth.passphrase : undefined,
    });
  }

  /** The mqsc resource URL for a queue manager. */
  commandUrl(queueManager: string): URL {
    const basePath = this.base.pathname.replace(/\/+$/, '');
    return new URL(
      `${basePath}/ibmmq/rest/${
        this.apiVersion
      }/admin/action/qmgr/${encodeQueueManagerForUrl(queueManager)}/mqsc`,
      this.base,
    );
  }

  async run(
    queueManager: string,
    commands: string[],
  ): Promise<MqscCommandResponse[]> {
    const checked = validateMqscRun(queueManager, commands);
    const responses: MqscCommandResponse[] = [];
    for (const command of checked) {
      const shown = redactMqscCommand(command);
      let answer: HttpAnswer;
      try {
        answer = await this.post(queueManager, command);
      } catch (e) {
        throw new MqscError(
          `could not reach ${this.label} at ${this.base.origin} (${this.redact(
            (e as Error)?.message ?? String(e),
          )})`,
          {
            queueManager,
            transport: 'rest',
            command: shown,
            hint: transportHint(e),
            responses,
          },
        );
      }
      if (answer.status < 200 || answer.status >= 300) {
        throw this.httpFailure(queueManager, shown, answer, responses);
      }
      const parsed = parseRunCommandResponse(shown, answer.body);
      if (!parsed) {
        throw new MqscError(
          `${this.label} answered HTTP ${answer.status} with a body that is not an MQSC response`,
          {
            queueManager,
            transport: 'rest',
            command: shown,
            httpStatus: answer.status,
            mqMessage: this.redact(answer.rawText.slice(0, 300)),
            hint: `check that ${this.base.origin} is mqweb (the MQ Console/REST server) and that apiVersion '${this.apiVersion}' is supported`,
            responses,
          },
        );
      }
      responses.push(parsed.response);
      if (!parsed.ok) {
        throw new MqscError('the command failed', {
          queueManager,
          transport: 'rest',
          command: shown,
          messageId: parsed.failureMessageId,
          mqMessage: parsed.failureText,
          completionCode: parsed.overallCompletionCode,
          reasonCode: parsed.overallReasonCode,
          httpStatus: answer.status,
          responses,
        });
      }
    }
    return responses;
  }

  /** Closes kept-alive connections. */
  close(): void {
    this.agent.destroy();
  }

  private httpFailure(
    queueManager: string,
    command: string,
    answer: HttpAnswer,
    responses: MqscCommandResponse[],
  ): MqscError {
    const item = parseMqwebError(answer.body);
    const details = {
      queueManager,
      transport: 'rest' as const,
      command,
      httpStatus: answer.status,
      responses,
    };
    if (item) {
      const mqMessage = this.redact(
        [item.message, item.explanation].filter(Boolean).join(' '),
      );
      return new MqscError(
        `${this.label} refused the request (HTTP ${answer.status})`,
        {
          ...details,
          messageId: item.messageId,
          mqMessage: mqMessage || undefined,
          completionCode: item.completionCode,
          reasonCode: item.reasonCode,
          hint:
            item.messageId && /^MQWB01/.test(item.messageId)
              ? undefined // our own hint for CSRF failures is more precise
              : item.action ?? undefined,
        },
      );
    }
    const hint = this.statusHint(answer.status, queueManager);
    return new MqscError(`${this.label} answered HTTP ${answer.status}`, {
      ...details,
      mqMessage: this.redact(answer.rawText.slice(0, 300)) || undefined,
      hint,
    });
  }

  /** Advice for an HTTP failure without mqweb's error body. */
  private statusHint(status: number, queueManager: string): string {
    switch (status) {
      case 401:
        return `mqweb did not accept the credentials; check the user name and password (or client certificate) under mqCertificates.mqAdmin${
          this.options.name ? `.${this.options.name}` : ''
        }`;
      case 403:
        return 'the user is not allowed to run MQSC through mqweb; give it the MQWebAdmin role';
      case 404:
        return `nothing answers at ${
          this.commandUrl(queueManager).pathname
        }; check baseUrl and apiVersion (v3 needs MQ 9.3.0 or later)`;
      default:
        return 'check that mqweb is running and healthy';
    }
  }

  private post(queueManager: string, command: string): Promise<HttpAnswer> {
    const url = this.commandUrl(queueManager);
    const payload = Buffer.from(
      JSON.stringify({ type: 'runCommand', parameters: { command } }),
    );
    const headers: Record<string, string | number> = {
      'content-type': 'application/json;charset=utf-8',
      accept: 'application/json',
      'content-length': payload.length,
      'ibm-mq-rest-csrf-token': this.options.csrfToken ?? 'mqcert',
    };
    if (this.options.auth.type === 'basic') {
      const { username, password } = this.options.auth;
      headers.authorization = `Basic ${Buffer.from(
        `${username}:${password}`,
      ).toString('base64')}`;
    }
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        { method: 'POST', agent: this.agent, headers, timeout: this.timeoutMs },
        res => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (d: Buffer) => {
            size += d.length;
            if (size > MAX_BODY_BYTES) {
              req.destroy(
                new Error(`response larger than ${MAX_BODY_BYTES} bytes`),
              );
              return;
            }
            chunks.push(d);
          });
          res.on('error', reject);
          res.on('end', () => {
            const rawText = Buffer.concat(chunks).toString('utf8');
            let body: unknown;
            try {
              body = rawText ? JSON.parse(rawText) : undefined;
            } catch {
              body = undefined;
            }
            resolve({ status: res.statusCode ?? 0, body, rawText });
          });
        },
      );
      req.on('timeout', () =>
        req.destroy(
          Object.assign(new Error(`no answer within ${this.timeoutMs} ms`), {
            code: 'ETIMEDOUT',
          }),
        ),
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  private redact(text: string): string {
    return redactSecrets(text, this.secrets);
  }
}

/** Advice for a failure below HTTP (connection, TLS, timeout). */
function transportHint(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code ?? '';
  const message = (e as Error)?.message ?? '';
  if (code === 'ECONNREFUSED') {
    return 'nothing listens at that address; check baseUrl and that mqweb (strmqweb) is running';
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return 'the host name does not resolve; check baseUrl';
  }
  if (code === 'ETIMEDOUT') {
    return 'mqweb did not answer in time; REFRESH SECURITY can take up to 10 minutes, so raise timeoutMs or check the network';
  }
  if (
    /certificate|self.signed|unable to (get|verify)/i.test(message) ||
    code.startsWith('ERR_TLS') ||
    /CERT|SELF_SIGNED/.test(code)
  ) {
    return "mqweb's certificate is not trusted; set ca (or caFile) to the CA that signed it";
  }
  return 'check the network path to mqweb and its TLS settings';
}
