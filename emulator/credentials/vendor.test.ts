import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { SessionRegistry, type RecordedSession } from './vendor.js';

const session = (expiration: Date): RecordedSession => ({
  roleArn: 'arn:aws:iam::123456789012:role/auth', identityId: 'us-east-1:x', accountId: '123456789012',
  expiration, secretAccessKey: 's', sessionToken: 't',
});

describe('SessionRegistry', () => {
  it('stays bounded in a long-lived stack: expired sessions are forgotten, live ones kept', () => {
    const clock = new ManualClock();
    const registry = new SessionRegistry(clock);
    // A day of hourly credentials for 500 identities: 12,000 sessions, at most 500 alive at once.
    let peak = 0;
    for (let hour = 0; hour < 24; hour++) {
      for (let i = 0; i < 500; i++) registry.record(`AK${hour}-${i}`, session(new Date(clock.now().getTime() + 3600_000)));
      peak = Math.max(peak, registry.size);
      clock.advance(3600_000);
    }
    expect(peak).toBeLessThanOrEqual(2 * 500 + 256);
    expect(registry.lookup('AK23-499')).toBeDefined();
    registry.forgetExpired();
    expect(registry.size).toBe(0);
  });

  it('keeps an expired session until the sweep, so its signature still verifies as ExpiredToken', () => {
    const clock = new ManualClock();
    const registry = new SessionRegistry(clock);
    registry.record('AK1', session(new Date(clock.now().getTime() + 1000)));
    clock.advance(2000);
    expect(registry.lookup('AK1')?.expiration.getTime()).toBeLessThan(clock.now().getTime());
  });
});
