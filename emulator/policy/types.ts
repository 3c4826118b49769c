/** IAM policy JSON as AWS accepts it (single values or arrays). */
export type OneOrMany<T> = T | T[];

export type ConditionBlock = Record<string, Record<string, OneOrMany<string | number | boolean>>>;

export type Principal = '*' | Record<string, OneOrMany<string>>;

export interface IamStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: Principal;
  NotPrincipal?: Principal;
  Action?: OneOrMany<string>;
  NotAction?: OneOrMany<string>;
  Resource?: OneOrMany<string>;
  NotResource?: OneOrMany<string>;
  Condition?: ConditionBlock;
}

export interface IamPolicyDocument {
  Version: '2012-10-17' | '2008-10-17' | string;
  Id?: string;
  Statement: IamStatement | IamStatement[];
}

/** Actions in amplify_outputs.json `paths`. */
export type StorageAction = 'read' | 'get' | 'list' | 'write' | 'delete';

/** `paths` exactly as amplify_outputs.json carries it: prefix → access key → actions. */
export type PathsMap = Record<string, Record<string, StorageAction[]>>;

/** A role as the policy generator sees it. */
export type RoleRef = { kind: 'guest' } | { kind: 'authenticated' } | { kind: 'group'; name: string };
