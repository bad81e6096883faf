import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RestartPolicy } from '../../out/lib/restartPolicy.mjs';

test('restarts up to 5 times within 3 minutes, then gives up', () => {
  let now = 0;
  const policy = new RestartPolicy(5, 180_000, () => now);
  for (let i = 1; i <= 5; i++) {
    now += 1000;
    assert.deepEqual(policy.onCrash(), { restart: true, restartsInWindow: i });
  }
  now += 1000;
  assert.equal(policy.onCrash().restart, false);
});

test('crashes older than the window no longer count', () => {
  let now = 0;
  const policy = new RestartPolicy(5, 180_000, () => now);
  for (let i = 0; i < 5; i++) policy.onCrash();
  now += 180_000;
  assert.deepEqual(policy.onCrash(), { restart: true, restartsInWindow: 1 });
});

test('a manual restart resets the count', () => {
  const policy = new RestartPolicy(5, 180_000, () => 0);
  for (let i = 0; i < 5; i++) policy.onCrash();
  assert.equal(policy.onCrash().restart, false);
  policy.reset();
  assert.equal(policy.onCrash().restart, true);
});
