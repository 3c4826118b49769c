import type { CORSConfiguration } from '@aws-sdk/client-s3';
import type { IamPolicyDocument, PathsMap } from '../../emulator/policy/types.js';
import type { BackendApp } from '../backend/read-app.js';

/** A scenario file after loading, validation and normalisation (../shared/spec/scenario-v1.md). */
export interface Scenario {
  /** Absolute path of the file. */
  file: string;
  version: 1;
  name: string;
  description?: string;
  region: string;
  auth: ScenarioAuth;
  buckets: ScenarioBucket[];
  /** Absent: role policies are generated from `paths`. */
  policies?: ScenarioPolicies;
  objects: ScenarioObject[];
  derive: boolean;
  cases: ScenarioCase[];
  /** Which aws-amplify builds run the cases (`client:`; absent: node, unless the run says otherwise). */
  clients?: ScenarioClientKind[];
  /** Browser client: the page's origin (absent: a loopback origin). */
  origin?: string;
  /** Set when `backend:` / `template:` (or --backend / --template) supplied roles, policies and buckets. */
  backend?: ScenarioBackend;
}

/** The backend a scenario was read from (harness/scenario/backend-source.ts). */
export interface ScenarioBackend {
  kind: 'backend' | 'template';
  /** The amplify/ folder, cdk.out folder or template file, absolute. */
  source: string;
  /** The cloud assembly read (for `backend`, the synthesized one). */
  assemblyDir: string;
  /** For `backend`: whether the assembly came from the cache, and how long it took. */
  synthesis?: {
    cached: boolean; durationMs: number; backendFile: string; packages: Record<string, string>;
    /** The app's amplify/ folder. */
    amplifyDir: string;
    /** The app's own files outside amplify/ that backend.ts imports (shared code), absolute. */
    imports: string[];
  };
  /** What made the amplify_outputs: the app's @aws-amplify/client-config, or the decoded stack outputs. */
  outputsVia?: string;
  /** Everything read, with sources; bucket CORS rules are in `app.buckets[].cors` (and in the scenario's `buckets[].cors` unless it writes its own). */
  app: BackendApp;
}

export type ScenarioClientKind = 'node' | 'browser';

export interface ScenarioAuth {
  guestAccess: boolean;
  /** Ordered; precedence as given or the position (Amplify Gen2). */
  groups: Array<{ name: string; precedence: number }>;
  /** In file order. */
  users: ScenarioUser[];
  accountId: string;
  roles: { guest: string; authenticated: string; groups: Record<string, string> };
  /** The identity pool's AllowClassicFlow (`auth.allowClassicFlow`, default false, as Amplify Gen2 creates pools). */
  allowClassicFlow?: boolean;
  /** The user pool's sign-in attributes, from the outputs file (`auth.username_attributes`); empty: user names. */
  usernameAttributes?: Array<'email' | 'phone_number'>;
}

export interface ScenarioUser {
  name: string;
  /** Generated when the file gives none. */
  password: string;
  email?: string;
  groups: string[];
  /**
   * What the client signs in with when it is not `name`: the email (or phone number) in a pool whose
   * username_attributes make that attribute the sign-in name.
   */
  signInName?: string;
}

export interface ScenarioBucket {
  name: string;
  bucketName: string;
  region: string;
  default: boolean;
  /** Normalised: owner token always `${cognito-identity.amazonaws.com:sub}`. */
  paths: PathsMap;
  bucketPolicy?: IamPolicyDocument;
  /** Where the bucket policy came from (file path or "inline"), for messages. */
  bucketPolicySource?: string;
  crossAccount: boolean;
  /** As written: a CORS configuration, `none`, or absent (the Amplify docs' rule is assumed, with a warning). */
  cors?: CORSConfiguration | 'none';
  /** Where `cors` came from when the scenario did not write it: the backend's `<stack>/<logical ID>` of the bucket. */
  corsSource?: string;
}

export interface NamedPolicy {
  /** File path, or `<scenario file>#policies.guest[0]` for inline documents. */
  source: string;
  document: IamPolicyDocument;
}

export interface ScenarioPolicies {
  guest: NamedPolicy[];
  authenticated: NamedPolicy[];
  groups: Record<string, NamedPolicy[]>;
}

export interface ScenarioObject {
  /** May hold placeholders. */
  path: string;
  body: string;
  /** Friendly bucket name; resolved to the default bucket when absent. */
  bucket: string;
}

export type StorageOp = 'upload' | 'download' | 'list' | 'remove' | 'getProperties' | 'getUrl' | 'copy';
export type Outcome = 'allow' | 'deny' | 'not-found' | 'error';

export interface Expectation {
  outcome: Outcome;
  /** StorageError name expected with outcome `error` (or to refine another outcome). */
  error?: string;
  body?: string;
  keys?: string[];
  contains?: string[];
}

export interface ScenarioCase {
  /** 0-based position among the scenario's cases (derived cases follow written ones). */
  index: number;
  name?: string;
  /** `guest` or a user name from auth.users. */
  as: string;
  op: StorageOp;
  /** May hold placeholders. */
  path: string;
  from?: string;
  /** Friendly bucket name; resolved to the default bucket when absent. */
  bucket: string;
  body?: string;
  /** Upload of this many generated bytes instead of `body`. */
  size?: number;
  options?: Record<string, unknown>;
  expect: Expectation;
  /** What the browser client must see instead of `expect` (where CORS makes a browser differ). */
  inBrowser?: Expectation;
  /** 1-based line of the case in the file (0 for derived cases). */
  line: number;
  /** Set on cases written by `derive`. */
  derived?: { rule: string; note?: string };
}
