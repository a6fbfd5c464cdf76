import type {
  ChannelProbeResult,
  QueueManagerSpec,
  ServedCertificate,
} from '@mqcert/plugin-mq-certificates-common';
import type { ProbeResult, TlsProbe } from '../types';
import { TlsProbeError } from './TlsProbeError';

/** What {@link probeQueueManager} needs of a queue manager. */
export type ProbeableQueueManager = Pick<
  QueueManagerSpec,
  'queueManager' | 'listener' | 'tlsChannels' | 'certificateLabel'
> & { entityRef?: string };

/** Options of {@link probeQueueManager}. */
export interface ProbeQueueManagerOptions {
  probe: TlsProbe;
  timeoutMs?: number;
  /** Probe this listener instead of the spec's (e.g. a port-forward). */
  listener?: { host: string; port: number };
  /** Stops probing (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
  now?: () => Date;
}

/** Failures after which probing the channels on the same port is pointless. */
const LISTENER_DOWN = new Set(['refused', 'timeout', 'dns', 'unreachable']);

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Probes a queue manager's listener the way its clients see it: once without
 * SNI (the queue manager's CERTLABL certificate), then once per TLS channel
 * with the channel's MQ SNI name (`<encoded channel>.chl.mq.ibm.com`), which
 * selects the channel's own CERTLABL when it has one. Never throws for a
 * probe failure: failures are reported in `error` fields.
 */
export async function probeQueueManager(
  spec: ProbeableQueueManager,
  options: ProbeQueueManagerOptions,
): Promise<ServedCertificate> {
  const now = options.now ?? (() => new Date());
  const listener = options.listener ?? spec.listener;
  const probedAt = now().toISOString();
  if (!listener) {
    return {
      listener: '',
      probedAt,
      chain: [],
      channels: [],
      error: `${
        spec.entityRef ?? spec.queueManager
      }: no listener to probe; add the mqcert.io/listener annotation, e.g. "qm1.mq.example.test:1414"`,
    };
  }
  const { host, port } = listener;
  const listenerText = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  let served: ProbeResult | undefined;
  let listenerError: unknown;
  try {
    served = await options.probe.probe({
      host,
      port,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
    });
  } catch (e) {
    if (options.signal?.aborted) throw e;
    listenerError = e;
  }
  const down =
    TlsProbeError.is(listenerError) && LISTENER_DOWN.has(listenerError.reason);
  const channels: ChannelProbeResult[] = await Promise.all(
    spec.tlsChannels.map(async (channel): Promise<ChannelProbeResult> => {
      const base = {
        channel: channel.name,
        sniHostname: channel.sniHostname,
        certificateLabel: channel.certificateLabel ?? spec.certificateLabel,
      };
      if (down)
        return { ...base, error: `not probed: ${message(listenerError)}` };
      try {
        const r = await options.probe.probe({
          host,
          port,
          servername: channel.sniHostname,
          timeoutMs: options.timeoutMs,
          signal: options.signal,
        });
        return {
          ...base,
          serialNumber: r.certificate.serialNumber,
          fingerprintSha256: r.certificate.fingerprintSha256,
          notAfter: r.certificate.notAfter,
          ...(r.trusted
            ? {}
            : { error: `served an untrusted certificate: ${r.trustError}` }),
        };
      } catch (e) {
        if (options.signal?.aborted) throw e;
        return { ...base, error: message(e) };
      }
    }),
  );
  if (!served) {
    return {
      listener: listenerText,
      probedAt,
      chain: [],
      channels,
      error: message(listenerError),
    };
  }
  return {
    listener: listenerText,
    probedAt,
    ...served.certificate,
    chain: served.chain,
    trusted: served.trusted,
    trustError: served.trustError,
    channels,
  };
}
