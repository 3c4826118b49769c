import type { BucketCors } from './rules.js';

/**
 * Each bucket's CORS configuration, as S3 keeps it. The stack sets it when an app is loaded;
 * PutBucketCors and DeleteBucketCors (authorised by MinIO) change it; the front door reads it.
 */
export class BucketCorsStore {
  private readonly configs = new Map<string, BucketCors>();
  private readonly listeners = new Set<(bucket: string) => void>();

  /** Called after each change (`--data-dir` saves them). Returns an unsubscribe. */
  onChange(listener: (bucket: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** undefined: no such bucket on this stack. */
  get(bucket: string): BucketCors | undefined {
    return this.configs.get(bucket);
  }

  set(bucket: string, cors: BucketCors): void {
    this.configs.set(bucket, cors);
    for (const listener of this.listeners) listener(bucket);
  }

  has(bucket: string): boolean {
    return this.configs.has(bucket);
  }

  delete(bucket: string): void {
    this.configs.delete(bucket);
  }
}
