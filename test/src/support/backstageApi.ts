/** One HTTP exchange with the backend, kept for the secret audit. */
export interface RecordedResponse {
  method: string;
  url: string;
  status: number;
  body: string;
}

/** An answer of the backend: status, raw text and (when JSON) the parsed body. */
export interface ApiResponse<T> {
  status: number;
  text: string;
  body: T;
}

/** A failed call: the status and the backend's error text, for assertions. */
export class ApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly text: string,
  ) {
    super(`${method} ${path} answered ${status}: ${text.slice(0, 2000)}`);
  }
}

/**
 * A small HTTP client for a running Backstage backend as an outsider sees
 * it: plain fetch, a bearer token, nothing from the backend's own code.
 * Every response body is appended to `recorder` (when given), because the
 * secret audit must search what the API handed out.
 */
export class BackstageApiClient {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
    readonly recorder?: RecordedResponse[],
  ) {}

  /** The same backend and recorder with another user's token. */
  withToken(token: string): BackstageApiClient {
    return new BackstageApiClient(this.baseUrl, token, this.recorder);
  }

  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    options: { timeoutMs?: number; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const url = `${this.baseUrl}${path}`;
    const res = await fetch(url, {
      method,
      headers: {
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}),
        ...options.headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
    });
    const text = await res.text();
    this.recorder?.push({ method, url, status: res.status, body: text });
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: res.status, text, body: parsed as T };
  }

  /** A request that must succeed (2xx); its parsed body. */
  async json<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> {
    const res = await this.request<T>(method, path, body);
    if (res.status < 200 || res.status >= 300) {
      throw new ApiError(method, path, res.status, res.text);
    }
    return res.body;
  }
}

/** What `/api/auth/<provider>/refresh` answers for a proxy provider (the part we use). */
export interface SignInResult {
  token: string;
  userEntityRef: string;
  ownershipEntityRefs: string[];
}

/**
 * Signs in through a proxy auth provider's refresh endpoint, as the app
 * does for guest sign-in: `GET /api/auth/<provider>/refresh`.
 */
export async function signIn(
  baseUrl: string,
  provider = 'guest',
  headers: Record<string, string> = {},
  recorder?: RecordedResponse[],
): Promise<SignInResult> {
  const api = new BackstageApiClient(baseUrl, undefined, recorder);
  const res = await api.request<{
    backstageIdentity?: {
      token: string;
      identity: { userEntityRef: string; ownershipEntityRefs: string[] };
    };
  }>('GET', `/api/auth/${provider}/refresh?env=development`, undefined, {
    headers: { 'X-Requested-With': 'XMLHttpRequest', ...headers },
  });
  const identity = res.body?.backstageIdentity;
  if (res.status !== 200 || !identity?.token) {
    throw new ApiError(
      'GET',
      `/api/auth/${provider}/refresh`,
      res.status,
      res.text,
    );
  }
  return {
    token: identity.token,
    userEntityRef: identity.identity.userEntityRef,
    ownershipEntityRefs: identity.identity.ownershipEntityRefs,
  };
}

/** A client signed in as the guest user (`/api/auth/guest/refresh`). */
export async function guestClient(
  baseUrl: string,
  recorder?: RecordedResponse[],
): Promise<{ api: BackstageApiClient; user: SignInResult }> {
  const user = await signIn(baseUrl, 'guest', {}, recorder);
  return { api: new BackstageApiClient(baseUrl, user.token, recorder), user };
}
