import { copy, downloadData, getProperties, getUrl, list, remove, uploadData } from 'aws-amplify/storage';
import type { ListAllWithPathInput } from 'aws-amplify/storage';
import type { StorageOp } from '../scenario/types.js';
import type { Actor } from './actor.js';

/** A case with its placeholders resolved, ready to run. */
export interface ResolvedCase {
  op: StorageOp;
  path: string;
  from?: string;
  bucket: string;
  body?: string;
  options?: Record<string, unknown>;
}

/** What a successful call returned that expectations can look at. */
export interface OpResult {
  body?: string;
  keys?: string[];
  /** HTTP status of the fetched URL (getUrl only). */
  status?: number;
}

/** A fetched presigned URL that S3 refused: carries the status and S3 error code like a StorageError would. */
export class UrlFetchError extends Error {
  constructor(readonly status: number, readonly code: string | undefined) {
    super(`fetching the URL answered ${status}${code ? ` ${code}` : ''}`);
    this.name = code ?? (status === 403 ? 'AccessDenied' : status === 404 ? 'NotFound' : `HTTP${status}`);
  }
}

/**
 * Runs one case through the real aws-amplify/storage function of the same name, in the actor's
 * own context. `options` from the file are passed through; the bucket option is the friendly name.
 */
export async function runOperation(actor: Actor, c: ResolvedCase): Promise<OpResult> {
  const ctx = actor.context;
  const options = { ...(c.options ?? {}), bucket: c.bucket };
  switch (c.op) {
    case 'upload': {
      await uploadData(ctx, { path: c.path, data: c.body ?? 'data', options }).result;
      return {};
    }
    case 'download': {
      const { body } = await downloadData(ctx, { path: c.path, options }).result;
      return { body: await body.text() };
    }
    case 'list': {
      // List everything unless the case pages explicitly (pageSize / nextToken / listAll given).
      const paging = ['pageSize', 'nextToken', 'listAll'].some((k) => k in options);
      const input: ListAllWithPathInput = { path: c.path, options: (paging ? options : { listAll: true, ...options }) as ListAllWithPathInput['options'] };
      const result = await list(ctx, input);
      return { keys: result.items.map((item) => item.path) };
    }
    case 'remove': {
      await remove(ctx, { path: c.path, options });
      return {};
    }
    case 'getProperties': {
      await getProperties(ctx, { path: c.path, options });
      return {};
    }
    case 'getUrl': {
      const { url } = await getUrl(ctx, { path: c.path, options });
      // The URL is fetched as a browser would: the global fetch goes through the stack's transport.
      const response = await fetch(url);
      const text = await response.text();
      if (!response.ok) throw new UrlFetchError(response.status, /<Code>([^<]+)<\/Code>/.exec(text)?.[1]);
      return { body: text, status: response.status };
    }
    case 'copy': {
      await copy(ctx, {
        source: { path: c.from!, bucket: c.bucket },
        destination: { path: c.path, bucket: c.bucket },
      });
      return {};
    }
  }
}
