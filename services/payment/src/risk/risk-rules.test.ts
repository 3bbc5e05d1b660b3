import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assessRisk, type RiskInput } from './risk-rules.ts';

const policy = { velocityLimit: 5, amountThreshold: 100_000, reviewScore: 50, denyScore: 80 };
const quiet: RiskInput = {
  amount: 2500,
  velocity: { card: 0, email: 0, ip: 0 },
  cardCountry: 'US',
  billingCountry: 'US',
  ipCountry: 'US',
};

test('an ordinary payment is allowed with score 0', () => {
  assert.deepEqual(assessRisk(quiet, policy), { score: 0, decision: 'allow', reasons: [] });
});

test('a large amount alone is allowed but scored; with a billing country mismatch it goes to review', () => {
  assert.deepEqual(assessRisk({ ...quiet, amount: 150_000 }, policy), {
    score: 30,
    decision: 'allow',
    reasons: ['large_amount'],
  });
  const r = assessRisk({ ...quiet, amount: 150_000, billingCountry: 'BR' }, policy);
  assert.equal(r.decision, 'review');
  assert.deepEqual(r.reasons, ['large_amount', 'billing_country_mismatch']);
});

test('card velocity with an IP in another country is denied; velocity counts from the limit on', () => {
  assert.equal(assessRisk({ ...quiet, velocity: { card: 4, email: 0, ip: 0 } }, policy).score, 0);
  const r = assessRisk({ ...quiet, velocity: { card: 5, email: 5, ip: 0 }, ipCountry: 'NG' }, policy);
  assert.deepEqual(r, {
    score: 85,
    decision: 'deny',
    reasons: ['card_velocity', 'email_velocity', 'ip_country_mismatch'],
  });
});

test('the score is capped at 100', () => {
  const r = assessRisk(
    {
      amount: 10_000_000,
      velocity: { card: 9, email: 9, ip: 9 },
      cardCountry: 'US',
      billingCountry: 'DE',
      ipCountry: 'BR',
    },
    policy,
  );
  assert.equal(r.score, 100);
  assert.equal(r.decision, 'deny');
});
