/**
 * A scenario file as written: the TypeScript view of scenario-v1.schema.json, which is the one
 * definition of the format (editors, the loader's shape check and these types all read it).
 * file-types.test.ts checks that every object here has exactly the keys the schema defines for
 * it; the loader casts a document to {@link ScenarioFile} only after the schema accepted it.
 * Adding a key: add it to the schema (with a description), here, to the normaliser, and to
 * fixtures/valid/full.yaml (the test of every key).
 */
import type { IamPolicyDocument } from '../../emulator/policy/types.js';
import type { ScenarioClientKind, StorageOp } from './types.js';

export interface ScenarioFile {
  /** Editors' schema URL; ignored. */
  $schema?: string;
  version: 1;
  name: string;
  description?: string;
  region?: string;
  auth?: AuthFile;
  client?: ScenarioClientKind | ScenarioClientKind[];
  origin?: string;
  buckets?: BucketFile[];
  outputs?: string;
  backend?: string;
  template?: string;
  policies?: PoliciesFile;
  objects?: ObjectFile[];
  derive?: boolean;
  cases?: CaseFile[];
}

export interface AuthFile {
  guestAccess?: boolean;
  groups?: Array<string | GroupFile>;
  users?: Record<string, UserFile | null>;
  accountId?: string;
  roles?: RolesFile;
  allowClassicFlow?: boolean;
}

export interface GroupFile {
  name: string;
  precedence?: number;
}

export interface UserFile {
  password?: string;
  email?: string;
  groups?: string[];
}

export interface RolesFile {
  guest?: string;
  authenticated?: string;
  groups?: Record<string, string>;
}

export interface BucketFile {
  name: string;
  bucketName: string;
  region?: string;
  default?: boolean;
  /** As in amplify_outputs.json: path → access key → actions. */
  paths: Record<string, Record<string, string[]>>;
  bucketPolicy?: PolicyRef;
  crossAccount?: boolean;
  /** put-bucket-cors JSON (a configuration or its rule list), or `none`. */
  cors?: 'none' | Record<string, unknown> | unknown[];
}

/** A file path relative to the scenario file, or an inline document. */
export type PolicyRef = string | IamPolicyDocument;

export interface PoliciesFile {
  guest?: PolicyRef[];
  authenticated?: PolicyRef[];
  groups?: Record<string, PolicyRef[]>;
}

export interface ObjectFile {
  path: string;
  body?: string;
  bucket?: string;
}

export interface CaseFile {
  name?: string;
  as: string;
  op: StorageOp;
  path: string;
  from?: string;
  bucket?: string;
  body?: string;
  /** Bytes, or a number with B, KiB or MiB. */
  size?: number | string;
  options?: Record<string, unknown>;
  expect: ExpectationFile;
  inBrowser?: ExpectationFile;
}

export type ExpectationFile = 'allow' | 'deny' | 'not-found' | ExpectationObjectFile;

export interface ExpectationObjectFile {
  outcome: 'allow' | 'deny' | 'not-found' | 'error';
  error?: string;
  body?: string;
  keys?: string[];
  contains?: string[];
}
