/**
 * Stage 1 of a statement: its Action / NotAction as the explicit actions MinIO and AWS both know.
 * AWS action names are case-insensitive, MinIO's are not; MinIO rejects a policy naming an action
 * it does not know, so those are dropped with a decision saying why.
 */
import { globMatch } from '../glob.js';
import { MINIO_ACTIONS, expandActionPattern, minioAction, type MinioAction } from '../minio-model.js';
import type { IamStatement } from '../types.js';
import { asList, unique, type StatementCtx } from './model.js';

export function expandActions(st: IamStatement, s: StatementCtx): MinioAction[] {
  if (st.NotAction !== undefined) {
    const patterns = asList(st.NotAction);
    const kept = MINIO_ACTIONS.filter((a) => a.aws && !patterns.some((p) => globMatch(p, a.name, { ignoreCase: true })));
    s.decide('action', `NotAction ${JSON.stringify(patterns)} expanded to the ${kept.length} S3 actions MinIO knows outside it`);
    return kept;
  }
  const out: MinioAction[] = [];
  for (const pattern of asList(st.Action)) {
    const matched = expandActionPattern(pattern);
    if (matched.length > 0) {
      out.push(...matched);
      continue;
    }
    const known = minioAction(pattern);
    let reason: string;
    if (known && !known.aws) reason = `${pattern} is a MinIO extension, not an AWS action, so AWS never grants it`;
    else if (!/^s3:/i.test(pattern) && pattern !== '*') reason = `${pattern} is not an S3 action; the emulator enforces S3 only`;
    else reason = `${pattern} is not an action MinIO knows (MinIO would reject the whole policy)`;
    s.decide('action', `action dropped: ${reason}`, { kind: 'action', item: pattern, reason });
  }
  return unique(out);
}

// ---------------------------------------------------------------------------------------------
// Resources
