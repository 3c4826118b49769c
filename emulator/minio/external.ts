import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';

/** A MinIO the emulator did not start: a compose service, a team's shared (or distributed) MinIO. */
export interface ExternalMinioOptions {
  /** MinIO's S3 API, e.g. `http://minio:9000` (as the emulator reaches it). */
  endpoint: string;
  /** MinIO's root (or an admin) user: MINIO_ROOT_USER. */
  rootUser: string;
  /** MINIO_ROOT_PASSWORD. */
  rootPassword: string;
  /** MINIO_SITE_REGION, when that MinIO has one; otherwise leave unset. */
  region?: string;
  /** How long to wait for MinIO to answer `/minio/health/cluster` (default 120 s). */
  readyTimeoutMs?: number;
}

/** MinIO did not become ready, or does not trust this emulator. The message names what to change. */
export class ExternalMinioError extends Error {
  override name = 'ExternalMinioError';
}

/**
 * The handle for a MinIO someone else runs. It has the shape of a StartedMinio, so the stack
 * treats both alike, but it owns no process: {@link ExternalMinio.stop} leaves MinIO running, and
 * the stack only removes what it created there (its canned policies).
 */
export class ExternalMinio {
  readonly external = true;
  private readonly url: URL;
  protected constructor(
    private readonly options: ExternalMinioOptions,
    readonly startupMs: number,
  ) {
    this.url = new URL(options.endpoint);
  }

  /** Checks the endpoint, then waits until MinIO's cluster health answers 200. */
  static async connect(options: ExternalMinioOptions, onProgress?: (line: string) => void): Promise<ExternalMinio> {
    const { origin, waitedMs } = await waitForMinio(options, onProgress);
    return new ExternalMinio({ ...options, endpoint: origin }, waitedMs);
  }

  get host(): string {
    return this.url.hostname;
  }
  get port(): number {
    return Number(this.url.port || (this.url.protocol === 'https:' ? 443 : 80));
  }
  get endpoint(): string {
    return this.url.origin;
  }
  get rootUser(): string {
    return this.options.rootUser;
  }
  get rootPassword(): string {
    return this.options.rootPassword;
  }
  get region(): string | undefined {
    return this.options.region;
  }
  get signingRegion(): string {
    return this.options.region ?? 'us-east-1';
  }
  /** Not ours: no process id. */
  get pid(): number {
    return -1;
  }
  /** Never resolves: an external MinIO's life is not ours to watch. */
  get exited(): Promise<never> {
    return new Promise<never>(() => {});
  }
  logs(): string[] {
    return [];
  }
  /** Leaves MinIO running (it is not ours). */
  async stop(): Promise<void> {}
  async [Symbol.asyncDispose](): Promise<void> {}
}

function httpStatus(url: string, timeoutMs: number): Promise<number | string> {
  const get = url.startsWith('https:') ? httpsGet : httpGet;
  return new Promise((resolve) => {
    const req = get(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

/** Checks an external MinIO's endpoint and credentials, then waits until its cluster health answers 200. */
export async function waitForMinio(options: ExternalMinioOptions, onProgress?: (line: string) => void): Promise<{ origin: string; waitedMs: number }> {
  let url: URL;
  try {
    url = new URL(options.endpoint);
  } catch {
    throw new ExternalMinioError(`MinIO endpoint '${options.endpoint}' is not a URL; give one like http://127.0.0.1:9000.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ExternalMinioError(`MinIO endpoint '${options.endpoint}' must be http:// or https://.`);
  }
  if (url.pathname !== '/' || url.search) {
    throw new ExternalMinioError(`MinIO endpoint '${options.endpoint}' must be a bare origin (no path), like ${url.origin}.`);
  }
  if (!options.rootUser || !options.rootPassword) {
    throw new ExternalMinioError(`MinIO at ${url.origin}: give its root user and password (MINIO_ROOT_USER / MINIO_ROOT_PASSWORD).`);
  }
  const started = Date.now();
  const timeoutMs = options.readyTimeoutMs ?? 120_000;
  const health = `${url.origin}/minio/health/cluster`;
  let last = 'no answer yet';
  let announced = false;
  for (;;) {
    const status = await httpStatus(health, 2_000);
    if (status === 200) break;
    last = typeof status === 'number' ? `HTTP ${status}` : status;
    if (Date.now() - started >= timeoutMs) {
      throw new ExternalMinioError(
        `MinIO at ${url.origin} was not ready within ${Math.round(timeoutMs / 1000)} s: ${health} last answered ${last}` +
          (last === 'HTTP 503' ? ' (503: MinIO is up but its object layer or IAM, including OpenID, is not initialised)' : '') + '.',
      );
    }
    if (!announced) {
      announced = true;
      onProgress?.(`waiting for MinIO at ${url.origin} (${last})…`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { origin: url.origin, waitedMs: Date.now() - started };
}
