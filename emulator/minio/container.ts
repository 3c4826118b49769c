import { createServer, type AddressInfo } from 'node:net';
import { ExternalMinio, ExternalMinioError, waitForMinio, type ExternalMinioOptions } from './external.js';
import { minioSettingsForEmulator } from './trust.js';

/** The MinIO image `Stack.start({ minio: 'container' })` runs (docker/build.sh builds it; override with ASE_MINIO_IMAGE). */
export const DEFAULT_MINIO_IMAGE = 'amplify-storage-emulator-minio:local';

export interface ContainerMinioOptions {
  /** The emulator's base URL (on the host's loopback). */
  emulatorBaseUrl: string;
  image?: string;
  onProgress?: (line: string) => void;
}

interface StartedContainer {
  stop(options?: { timeout?: number }): Promise<unknown>;
}

/**
 * A MinIO run in a container by @testcontainers/minio instead of a child process: the
 * alternative for machines with a Docker engine and no Go. The container shares the host's network
 * namespace and binds 127.0.0.1:<free port> only, so it reaches the emulator on loopback and is
 * reachable on loopback only, with no bridge addresses involved. Its data is the container's and
 * goes with it; stop() removes it.
 */
export class ContainerMinio extends ExternalMinio {
  private constructor(options: ExternalMinioOptions, startupMs: number, private container: StartedContainer | undefined) {
    super(options, startupMs);
  }

  static async startContainer(options: ContainerMinioOptions): Promise<ContainerMinio> {
    let module: typeof import('@testcontainers/minio');
    let Wait: typeof import('testcontainers').Wait;
    try {
      module = await import('@testcontainers/minio');
      ({ Wait } = await import('testcontainers'));
    } catch {
      throw new ExternalMinioError(
        "Stack.start({ minio: 'container' }) runs MinIO with @testcontainers/minio, which is not installed: " +
          'npm install --save-dev testcontainers@11.14.0 @testcontainers/minio@11.14.0 (11.x works on Node 20, 22 and 24).',
      );
    }
    const port = await freePort();
    const rootUser = 'ase-root';
    const rootPassword = `ase-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
    const image = options.image ?? process.env.ASE_MINIO_IMAGE ?? DEFAULT_MINIO_IMAGE;
    const settings = minioSettingsForEmulator(options.emulatorBaseUrl);
    options.onProgress?.(`starting MinIO in a container (${image}) on 127.0.0.1:${port}`);
    let started: StartedContainer;
    try {
      // MinioContainer exposes 9000/9001 for a bridge network; in the host's namespace there is
      // nothing to map, so its port list is cleared.
      class HostNetworkMinio extends module.MinioContainer {
        constructor(name: string) {
          super(name);
          this.exposedPorts = [];
          this.createOpts.ExposedPorts = {};
          this.hostConfig.PortBindings = {};
        }
      }
      started = await new HostNetworkMinio(image)
        .withUsername(rootUser)
        .withPassword(rootPassword)
        .withNetworkMode('host')
        .withEnvironment({ ...settings, MINIO_BROWSER: 'off', MINIO_UPDATE: 'off', HOME: '/tmp' })
        .withCommand(['server', '--address', `127.0.0.1:${port}`, '/data'])
        .withWaitStrategy(Wait.forLogMessage(/API:/))
        .withStartupTimeout(120_000)
        .start();
    } catch (e) {
      throw new ExternalMinioError(`Could not start MinIO in a container (${image}): ${(e as Error).message}. ` +
        'Is a Docker engine reachable (DOCKER_HOST), and is the image built (docker/build.sh)?');
    }
    try {
      const target = { endpoint: `http://127.0.0.1:${port}`, rootUser, rootPassword, readyTimeoutMs: 60_000 };
      const { waitedMs } = await waitForMinio(target);
      return new ContainerMinio(target, waitedMs, started);
    } catch (e) {
      await started.stop({ timeout: 1_000 }).catch(() => undefined);
      throw e;
    }
  }

  /** Stops and removes the container (with its data). Idempotent. */
  override async stop(): Promise<void> {
    const container = this.container;
    this.container = undefined;
    await container?.stop({ timeout: 2_000 });
  }
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}
