/**
 * `paths` maps in scenario and outputs files: the validation seam over the one model of `paths`
 * (emulator/policy/paths.ts). Another rule set can be passed in through `LoadOptions.validatePaths`;
 * the map the scenario carries is always the model's amplify_outputs.json form.
 */
import { parseStoragePaths } from '../../emulator/policy/paths.js';
import type { PathIssue } from '../../emulator/policy/validate-paths.js';
import { lowerFirst } from './values.js';

export interface PathsProblem {
  /** The `paths` key at fault, as written. */
  path: string;
  /** The access key at fault, when the problem is about one rule. */
  accessKey?: string;
  /** The action at fault (its position in the list), when the problem is about one action. */
  index?: number;
  /** What is wrong; how to fix it. */
  message: string;
  /** An unknown access key or action: a scenario file's schema reports those already. */
  kind?: PathIssue['kind'];
}

/**
 * Checks a `paths` map as written in the scenario or outputs file (either form, see
 * emulator/policy/paths.ts). Group names have been checked already (the loader knows where
 * groups come from); a validator reports the rest.
 */
export type PathsValidator = (paths: Readonly<Record<string, Readonly<Record<string, readonly unknown[]>>>>) => PathsProblem[];

/** Default validator: the model's issues, each as `what; how to fix`. */
export const amplifyPathRules: PathsValidator = (paths) =>
  parseStoragePaths(paths).issues.map((issue) => ({
    path: issue.path,
    ...(issue.accessKey !== undefined ? { accessKey: issue.accessKey } : {}),
    ...(issue.index !== undefined ? { index: issue.index } : {}),
    message: `${issue.message.replace(/\.$/, '')}; ${lowerFirst(issue.resolution)}`,
    kind: issue.kind,
  }));
