/**
 * The amplify_outputs.json a backend would write (`ampx generate outputs`), from its resolved
 * root-stack outputs: through the app's own @aws-amplify/client-config, given a CloudFormation
 * client that answers from the templates instead of a deployed stack. Without that package
 * (a plain CDK or CloudFormation app), the Amplify output entries are decoded here.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { isRecord } from '../../emulator/values.js';
import type { BackendApp } from './read-app.js';
import { BackendError } from './errors.js';
import { resolvePackage } from './locate.js';

export interface BackendOutputs {
  /** amplify_outputs.json as the object the client reads. */
  outputs: Record<string, unknown>;
  /** What made it: `@aws-amplify/client-config <version>`, or `decoded stack outputs`. */
  via: string;
}

/** The schema version `ampx generate outputs` writes by default (@aws-amplify/client-config 1.x). */
const OUTPUTS_VERSION = '1.4';

export async function backendOutputs(app: BackendApp, options: { from?: string } = {}): Promise<BackendOutputs | undefined> {
  const root = app.stackOutputs.find((s) => Object.keys(s.metadata).some((k) => k.startsWith('AWS::Amplify::')));
  if (!root) return undefined;
  const pkg = options.from ? resolvePackage(options.from, '@aws-amplify/client-config') : undefined;
  if (pkg) {
    const entry = createRequire(options.from!).resolve('@aws-amplify/client-config');
    const clientConfig = await import(pathToFileURL(entry).href) as {
      generateClientConfig: (id: { stackName: string }, version: string, provider: unknown) => Promise<Record<string, unknown>>;
    };
    const cloudFormation = {
      send: async (command: { constructor: { name: string } }) => {
        switch (command.constructor.name) {
          case 'GetTemplateSummaryCommand':
            return { Metadata: JSON.stringify(root.metadata) };
          case 'DescribeStacksCommand':
            return {
              Stacks: [{
                StackName: root.stackName,
                StackStatus: 'CREATE_COMPLETE',
                Outputs: Object.entries(root.outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
              }],
            };
          default:
            throw new BackendError('template-invalid', `@aws-amplify/client-config asked for ${command.constructor.name}, which an undeployed backend cannot answer`);
        }
      },
    };
    const unavailable = () => ({
      send: async () => {
        throw new BackendError('template-invalid', '@aws-amplify/client-config needs a deployed backend for this output (data or model introspection)');
      },
    });
    const outputs = await clientConfig.generateClientConfig({ stackName: root.stackName }, OUTPUTS_VERSION, {
      getCloudFormationClient: () => cloudFormation,
      getS3Client: unavailable,
      getAmplifyClient: unavailable,
    });
    return { outputs, via: `@aws-amplify/client-config ${pkg.version}` };
  }
  return { outputs: decodeOutputs(root.metadata, root.outputs), via: 'decoded stack outputs' };
}

/** The auth, storage and custom entries of Amplify's stack outputs, as client-config maps them. */
function decodeOutputs(metadata: Record<string, unknown>, values: Record<string, string>): Record<string, unknown> {
  const json = (v: string | undefined) => (v ? JSON.parse(v) as unknown : undefined);
  const out: Record<string, unknown> = { version: OUTPUTS_VERSION };
  if (metadata['AWS::Amplify::Auth']) {
    const groups = json(values['groups']) as Array<Record<string, { precedence: number }>> | undefined;
    out['auth'] = {
      user_pool_id: values['userPoolId'],
      aws_region: values['authRegion'],
      user_pool_client_id: values['webClientId'],
      identity_pool_id: values['identityPoolId'],
      unauthenticated_identities_enabled: values['allowUnauthenticatedIdentities'] === 'true',
      ...(groups ? { groups } : {}),
    };
  }
  if (metadata['AWS::Amplify::Storage']) {
    const buckets = (json(values['buckets']) as string[] | undefined)?.map((b) => JSON.parse(b) as { name: string; bucketName: string; storageRegion: string; paths?: unknown });
    out['storage'] = {
      aws_region: values['storageRegion'],
      bucket_name: values['bucketName'],
      ...(buckets ? { buckets: buckets.map((b) => ({ name: b.name, bucket_name: b.bucketName, aws_region: b.storageRegion, ...(b.paths ? { paths: b.paths } : {}) })) } : {}),
    };
  }
  const custom = json(values['customOutputs']) as Record<string, unknown> | undefined;
  if (custom) {
    for (const [key, value] of Object.entries(custom)) {
      if (key === 'version') continue;
      out[key] = isRecord(out[key]) && isRecord(value) ? { ...out[key], ...value } : value;
    }
  }
  return out;
}
