import type { KeyValueStorageInterface } from 'aws-amplify/utils';

/** One actor's private token and identity storage: what a browser tab's localStorage would be. */
export class MemoryKeyValueStorage implements KeyValueStorageInterface {
  private readonly items: Map<string, string>;
  /** `initial`: what the storage held before (a session signed in elsewhere, as a reloaded tab finds it). */
  constructor(initial: Record<string, string> = {}) {
    this.items = new Map(Object.entries(initial));
  }
  async setItem(key: string, value: string): Promise<void> {
    this.items.set(key, value);
  }
  async getItem(key: string): Promise<string | null> {
    return this.items.get(key) ?? null;
  }
  async removeItem(key: string): Promise<void> {
    this.items.delete(key);
  }
  async clear(): Promise<void> {
    this.items.clear();
  }
  /** Everything stored, as plain data (it can cross to another thread). */
  snapshot(): Record<string, string> {
    return Object.fromEntries(this.items);
  }
}
