/**
 * amplify-storage-emulator/testcontainers: the stack as containers, in testcontainers-node's style.
 *
 * ```ts
 * import { AmplifyStorageEmulatorContainer } from 'amplify-storage-emulator/testcontainers';
 * await using stack = await new AmplifyStorageEmulatorContainer().withScenario('tests/storage.yaml').start();
 * Amplify.configure(stack.getAmplifyOutputs());
 * installNodeTransport(stack.getTransportTargets());
 * ```
 *
 * Two containers on a network of their own: the emulator (`amplify-storage-emulator:local`) and
 * MinIO (`amplify-storage-emulator-minio:local`), both built by docker/build.sh, with MinIO trusting
 * the emulator's OpenID provider as in docker/compose.yaml. Ports are published on the host (on
 * 127.0.0.1 only when the engine runs with `--ip 127.0.0.1`, as docker/engine.sh starts it).
 *
 * Needs `testcontainers` and works with 11.x (11.14.0 is what this package is tested with), which
 * runs on Node 20, 22 and 24; testcontainers 12 needs Node >= 22.
 */
import { randomBytes } from 'node:crypto';
import { basename, dirname, resolve } from 'node:path';
import { GenericContainer, Network, Wait, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import type { AmplifyOutputs } from '../emulator/outputs.js';
import { minioSettingsForEmulator } from '../emulator/minio/trust.js';
import type { TransportTargets } from '../emulator/transport/node.js';

export const EMULATOR_IMAGE = 'amplify-storage-emulator:local';
export const MINIO_IMAGE = 'amplify-storage-emulator-minio:local';
const EMULATOR_PORT = 4566;
const S3_PORT = 9000;
const OUTPUTS = '/out/amplify_outputs.json';
/** Where h8a's admin authentication writes the stack's admin credentials (next to the outputs). */
const ADMIN_CREDENTIALS = '/out/.ase/admin-credentials.json';

export interface AdminCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** The emulator and its MinIO, not started yet. Configure with the fluent `with…` methods, then {@link start}. */
export class AmplifyStorageEmulatorContainer {
  private app: { file: string } | undefined;
  private outputsFile: string | undefined;
  private minioImage = process.env.ASE_MINIO_IMAGE ?? MINIO_IMAGE;
  private readonly rootUser = 'ase-root';
  private readonly rootPassword = randomBytes(18).toString('base64url');
  private startupTimeoutMs = 120_000;

  constructor(private readonly image: string = process.env.ASE_EMULATOR_IMAGE ?? EMULATOR_IMAGE) {}

  /** The app as a scenario file. Its folder is copied into the container (files it refers to come along). */
  withScenario(file: string): this {
    this.app = { file: resolve(file) };
    return this;
  }

  /** The app as a declarative stack config (JSON with its own IDs and passwords); its folder is copied too. */
  withStackConfig(file: string): this {
    this.app = { file: resolve(file) };
    return this;
  }

  /**
   * The app's own amplify_outputs.json (what `ampx` wrote), for scenarios that read buckets and
   * groups from it (`outputs: ./amplify_outputs.json`): copied next to the scenario.
   */
  withOutputs(file: string): this {
    this.outputsFile = resolve(file);
    return this;
  }

  withMinioImage(image: string): this {
    this.minioImage = image;
    return this;
  }

  withStartupTimeout(ms: number): this {
    this.startupTimeoutMs = ms;
    return this;
  }

  async start(): Promise<StartedAmplifyStorageEmulator> {
    if (!this.app) throw new Error('AmplifyStorageEmulatorContainer: give the app with withScenario(file) or withStackConfig(file) before start()');
    const network = await new Network().start();
    const started: StartedTestContainer[] = [];
    try {
      const copies = [];
      if (this.outputsFile) copies.push({ source: this.outputsFile, target: '/app/amplify_outputs.json' });
      const emulator = await new GenericContainer(this.image)
        .withNetwork(network)
        .withNetworkAliases('emulator')
        .withCopyDirectoriesToContainer([{ source: dirname(this.app.file), target: '/app' }])
        .withCopyFilesToContainer(copies)
        .withEnvironment({ MINIO_ROOT_USER: this.rootUser, MINIO_ROOT_PASSWORD: this.rootPassword })
        .withCommand([`/app/${basename(this.app.file)}`, '--outputs', OUTPUTS, '--state-dir', '/out/.ase',
          '--minio-endpoint', `http://minio:${S3_PORT}`, '--advertise-url', `http://emulator:${EMULATOR_PORT}`])
        .withExposedPorts(EMULATOR_PORT)
        .withWaitStrategy(Wait.forHealthCheck())
        .withStartupTimeout(this.startupTimeoutMs)
        .start();
      started.push(emulator);
      const minio = await new GenericContainer(this.minioImage)
        .withNetwork(network)
        .withNetworkAliases('minio')
        .withEnvironment({
          ...minioSettingsForEmulator(`http://emulator:${EMULATOR_PORT}`),
          MINIO_ROOT_USER: this.rootUser,
          MINIO_ROOT_PASSWORD: this.rootPassword,
        })
        .withExposedPorts(S3_PORT)
        .withWaitStrategy(Wait.forHttp('/minio/health/live', S3_PORT))
        .withStartupTimeout(this.startupTimeoutMs)
        .start();
      started.push(minio);
      const outputs = await waitForOutputs(emulator, this.startupTimeoutMs);
      // The file `ase up` writes: { emulatorUrl, adminCredentials } (the URL is the container's own).
      const file = await readJsonFrom(emulator, ADMIN_CREDENTIALS) as { adminCredentials?: AdminCredentials } | undefined;
      return new StartedAmplifyStorageEmulator(emulator, minio, network, outputs,
        { user: this.rootUser, password: this.rootPassword }, file?.adminCredentials);
    } catch (e) {
      for (const c of started.reverse()) await c.stop({ timeout: 1_000 }).catch(() => undefined);
      await network.stop().catch(() => undefined);
      throw e;
    }
  }
}

/** The running stack. Stop it with {@link stop} or `await using`. */
export class StartedAmplifyStorageEmulator implements AsyncDisposable {
  /** @internal */
  constructor(
    private readonly emulator: StartedTestContainer,
    private readonly minio: StartedTestContainer,
    private readonly network: StartedNetwork,
    private readonly outputs: AmplifyOutputs,
    private readonly minioRoot: { user: string; password: string },
    private readonly admin: AdminCredentials | undefined,
  ) {}

  /** Cognito user pools, identity pools and STS: `http://<host>:<port>`. */
  getEmulatorUrl(): string {
    return `http://${this.emulator.getHost()}:${this.emulator.getMappedPort(EMULATOR_PORT)}`;
  }

  /** MinIO's S3 API, enforcing the app's role policies. */
  getS3Endpoint(): string {
    return `http://${this.minio.getHost()}:${this.minio.getMappedPort(S3_PORT)}`;
  }

  /** The amplify_outputs.json the emulator wrote for the app (pool and client IDs, buckets, paths). */
  getAmplifyOutputs(): AmplifyOutputs {
    return structuredClone(this.outputs);
  }

  /** Where `installNodeTransport` sends the unchanged AWS host names. */
  getTransportTargets(): TransportTargets {
    return { emulatorPort: this.emulator.getMappedPort(EMULATOR_PORT), s3Port: this.minio.getMappedPort(S3_PORT) };
  }

  /**
   * The stack's admin credentials (SigV4 for Admin* user-pool operations), when the emulator
   * writes them; undefined for an emulator that does not authenticate admin calls.
   */
  getAdminCredentials(): AdminCredentials | undefined {
    return this.admin ? { ...this.admin } : undefined;
  }

  /** MinIO's root user and password (to seed or inspect buckets directly). */
  getMinioRootCredentials(): { user: string; password: string } {
    return { ...this.minioRoot };
  }

  /** Stops and removes both containers, then their network. */
  async stop(): Promise<void> {
    const results = await Promise.allSettled([this.minio.stop({ timeout: 2_000 }), this.emulator.stop({ timeout: 5_000 })]);
    await this.network.stop();
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

async function waitForOutputs(emulator: StartedTestContainer, timeoutMs: number): Promise<AmplifyOutputs> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const outputs = await readJsonFrom(emulator, OUTPUTS);
    if (outputs) return outputs as AmplifyOutputs;
    if (Date.now() > until) {
      throw new Error(`The emulator wrote no ${OUTPUTS} within ${Math.round(timeoutMs / 1000)} s`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function readJsonFrom(container: StartedTestContainer, file: string): Promise<unknown> {
  const result = await container.exec(['cat', file]);
  if (result.exitCode !== 0) return undefined;
  try {
    return JSON.parse(result.stdout) as unknown;
  } catch {
    return undefined; // being written
  }
}
