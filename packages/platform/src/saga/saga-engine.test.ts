import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  captureLogger,
  closeTestPglite,
  dropSchema,
  needs,
  testTarget,
  uniqueSchema,
} from '@mercato/testing';
import { createDatabase, type Database } from '../db/database.ts';
import { migrate, platformMigrations } from '../db/migrator.ts';
import { newId } from '../ids/index.ts';
import { createMetrics } from '../metrics/index.ts';
import {
  defineSaga,
  done,
  StepFailure,
  waitFor,
  type SagaStep,
  type StepContext,
} from './saga-definition.ts';
import { createSagaEngine, type SagaEngine } from './saga-engine.ts';

after(closeTestPglite);

interface Input {
  order: string;
}

/** What the steps did, in order: `<action|undo>:<step>:<idempotency key>`. */
type Journal = string[];

/** A step that records its action and compensation; `behave` decides what the action does. */
function step(
  name: string,
  journal: Journal,
  behave: (ctx: StepContext<Input>) => Promise<ReturnType<typeof done>> = async () => done({ [name]: true }),
): SagaStep<Input> {
  return {
    name,
    async action(ctx) {
      journal.push(`action:${name}:${ctx.idempotencyKey}`);
      return behave(ctx);
    },
    async compensate(ctx) {
      journal.push(`undo:${name}:${ctx.idempotencyKey}`);
    },
  };
}

const never = () => new Promise<never>(() => undefined);

for (const kind of ['pglite', 'pg'] as const) {
  describe(`saga engine (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let database: Database<unknown>;
    let schema: string;
    const clock = { t: Date.parse('2026-12-01T10:00:00Z') };
    const now = () => clock.t;
    const { logger } = captureLogger('saga-test');
    const engines: SagaEngine[] = [];

    async function engine(sagas: Parameters<typeof createSagaEngine>[0]['sagas'], owner = 'replica-a') {
      const e = await createSagaEngine({
        database,
        logger,
        metrics: createMetrics(`saga-${owner}`),
        sagas,
        now,
        owner,
        leaseMs: 45_000,
      });
      engines.push(e);
      return e;
    }

    before(async () => {
      const target = await testTarget(kind);
      schema = uniqueSchema('saga');
      database = createDatabase(target, schema);
      await migrate(database, await platformMigrations());
    });
    after(async () => {
      for (const e of engines) await e.worker.stop();
      await database.close();
      await dropSchema(await testTarget(kind), schema);
    });

    test('runs the steps in order, each with the key <saga>:<step>, keeps their outputs, and completes once', async () => {
      const journal: Journal = [];
      const saga = defineSaga<Input>({
        type: `ok-${newId()}`,
        steps: [
          step('reserve', journal, async () => done({ reservationId: 'r-1' })),
          step('charge', journal, async (ctx) => done({ paid: ctx.data.reserve })),
          step('confirm', journal),
        ],
      });
      const e = await engine([saga]);
      const id = newId();
      const first = await e.start(saga.type, id, { order: 'o-1' });
      assert.equal(first.created, true);
      await e.runDue();
      const state = await e.get(id);
      assert.equal(state?.status, 'completed');
      assert.deepEqual(state?.data, {
        reserve: { reservationId: 'r-1' },
        charge: { paid: { reservationId: 'r-1' } },
        confirm: { confirm: true },
      });
      assert.deepEqual(journal, [
        `action:reserve:${id}:reserve`,
        `action:charge:${id}:charge`,
        `action:confirm:${id}:confirm`,
      ]);
      const again = await e.start(saga.type, id, { order: 'another body' });
      assert.equal(again.created, false, 'a second start with the id answers the saga that exists');
      assert.deepEqual(again.saga.input, { order: 'o-1' });
      await e.runDue();
      assert.equal(journal.length, 3, 'nothing ran twice');
      const history = await e.history(id);
      assert.deepEqual(
        history.map((h) => `${h.phase}:${h.step}:${h.outcome}`),
        [
          'saga::started',
          'action:reserve:done',
          'action:charge:done',
          'action:confirm:done',
          'saga::completed',
        ],
      );
    });

    test('a refusal at any step undoes every step before it, newest first, and not the refused one', async () => {
      const names = ['discount', 'stock', 'order', 'payment', 'shipment'];
      for (let k = 0; k < names.length; k++) {
        const journal: Journal = [];
        const saga = defineSaga<Input>({
          type: `refuse-${k}-${newId()}`,
          steps: names.map((n, i) =>
            step(n, journal, async () => {
              if (i === k) throw new StepFailure('OUT_OF_STOCK', `${n} refused`, { skus: ['A'] });
              return done();
            }),
          ),
        });
        const e = await engine([saga]);
        const id = newId();
        await e.start(saga.type, id, { order: 'o' });
        await e.runDue();
        const state = await e.get(id);
        assert.equal(state?.status, 'failed', `refused at ${names[k]}`);
        assert.deepEqual(state?.failure, {
          code: 'OUT_OF_STOCK',
          message: `${names[k]} refused`,
          step: names[k],
          detail: { skus: ['A'] },
        });
        const undone = journal.filter((j) => j.startsWith('undo:')).map((j) => j.split(':')[1]);
        assert.deepEqual(undone, names.slice(0, k).reverse(), `refused at ${names[k]}`);
      }
    });

    test('a transient failure is retried after a back-off with the same key; used-up attempts undo the failed step too', async () => {
      const journal: Journal = [];
      let failures = 1;
      const flaky = defineSaga<Input>({
        type: `flaky-${newId()}`,
        attempts: 3,
        steps: [
          step('a', journal),
          step('b', journal, async () => {
            if (failures-- > 0) throw new Error('connection reset');
            return done();
          }),
        ],
      });
      const broken = defineSaga<Input>({
        type: `broken-${newId()}`,
        attempts: 3,
        steps: [
          step('a', journal),
          {
            ...step('b', journal, async () => Promise.reject(new Error('503 from upstream'))),
            failureCode: 'PAYMENT_UNAVAILABLE',
          },
        ],
      });
      const e = await engine([flaky, broken]);
      const id = newId();
      await e.start(flaky.type, id, { order: 'o' });
      await e.runDue();
      assert.equal((await e.get(id))?.status, 'running', 'backing off');
      assert.equal(await e.runDue(), 0, 'not due before the back-off passes');
      clock.t += 60_000;
      await e.runDue();
      assert.equal((await e.get(id))?.status, 'completed');
      assert.deepEqual(
        journal.filter((j) => j.includes(':b:')),
        [`action:b:${id}:b`, `action:b:${id}:b`],
      );

      journal.length = 0;
      const id2 = newId();
      await e.start(broken.type, id2, { order: 'o' });
      for (let i = 0; i < 5; i++) {
        await e.runDue();
        clock.t += 60_000;
      }
      const state = await e.get(id2);
      assert.equal(state?.status, 'failed');
      assert.equal(state?.failure?.code, 'PAYMENT_UNAVAILABLE');
      assert.deepEqual(
        journal.filter((j) => j.startsWith('undo')),
        [`undo:b:${id2}:b`, `undo:a:${id2}:a`],
        'the failed step may have acted: it is undone too',
      );
      assert.equal(journal.filter((j) => j === `action:b:${id2}:b`).length, 3);
    });

    test('a step that does not answer in time counts as a transient failure', async () => {
      const journal: Journal = [];
      const saga = defineSaga<Input>({
        type: `slow-${newId()}`,
        attempts: 1,
        steps: [step('a', journal), { ...step('hang', journal, never), timeoutMs: 1 }],
      });
      const e = await engine([saga]);
      const id = newId();
      await e.start(saga.type, id, { order: 'o' });
      await e.runDue();
      const state = await e.get(id);
      assert.equal(state?.status, 'failed');
      assert.match(state?.failure?.message ?? '', /took longer than 1 ms/);
      assert.deepEqual(
        journal.filter((j) => j.startsWith('undo')),
        [`undo:hang:${id}:hang`, `undo:a:${id}:a`],
      );
    });

    test('past its deadline a saga undoes what it did and fails with DEADLINE_EXCEEDED', async () => {
      const journal: Journal = [];
      let failOnce = true;
      const saga = defineSaga<Input>({
        type: `late-${newId()}`,
        deadlineMs: 120_000,
        steps: [
          step('a', journal),
          step('b', journal, async () => {
            if (failOnce) {
              failOnce = false;
              throw new Error('timeout talking to inventory');
            }
            return done();
          }),
        ],
      });
      const e = await engine([saga]);
      const id = newId();
      await e.start(saga.type, id, { order: 'o' });
      await e.runDue();
      clock.t += 180_000;
      await e.runDue();
      const state = await e.get(id);
      assert.equal(state?.status, 'failed');
      assert.equal(state?.failure?.code, 'DEADLINE_EXCEEDED');
      assert.deepEqual(
        journal.filter((j) => j.startsWith('undo')),
        [`undo:b:${id}:b`, `undo:a:${id}:a`],
      );
    });

    test('a waiting step sleeps until signalled, then runs again and sees the signal; waiting too long fails', async () => {
      const journal: Journal = [];
      const saga = defineSaga<Input>({
        type: `wait-${newId()}`,
        steps: [
          step('reserve', journal),
          {
            ...step('authorize', journal, async (ctx) =>
              ctx.signal ? done({ outcome: ctx.signal }) : (waitFor(60_000) as ReturnType<typeof done>),
            ),
            maxWaitMs: 15 * 60_000,
            waitTimeoutCode: 'PAYMENT_ACTION_TIMEOUT',
          },
          step('confirm', journal),
        ],
      });
      const e = await engine([saga]);
      const id = newId();
      await e.start(saga.type, id, { order: 'o' });
      await e.runDue();
      assert.equal((await e.get(id))?.status, 'waiting');
      assert.equal((await e.get(id))?.currentStep, 'authorize');
      assert.equal(await e.signal(id, 'authorize', { approved: true }), true);
      await e.runDue();
      const state = await e.get(id);
      assert.equal(state?.status, 'completed');
      assert.deepEqual(state?.data.authorize, { outcome: { approved: true } });

      journal.length = 0;
      const id2 = newId();
      await e.start(saga.type, id2, { order: 'o' });
      await e.runDue();
      // The buyer never answers: the step is asked again every minute, then gives up at 15.
      for (let m = 0; m < 16; m++) {
        clock.t += 60_000;
        await e.runDue();
      }
      const gaveUp = await e.get(id2);
      assert.equal(gaveUp?.status, 'failed');
      assert.equal(gaveUp?.failure?.code, 'PAYMENT_ACTION_TIMEOUT');
      assert.deepEqual(
        journal.filter((j) => j.startsWith('undo')),
        [`undo:authorize:${id2}:authorize`, `undo:reserve:${id2}:reserve`],
      );
      assert.equal(
        await e.signal(id2, 'authorize', { approved: true }),
        false,
        'an ended saga takes no signal',
      );
    });

    test('a replica that crashed mid-step loses its saga when the lease expires; another finishes it, once', async () => {
      const journal: Journal = [];
      let hang = true;
      let release: () => void = () => undefined;
      const saga = defineSaga<Input>({
        type: `crash-${newId()}`,
        steps: [
          step('a', journal),
          step('b', journal, async () => {
            if (hang) {
              hang = false;
              await new Promise<void>((r) => (release = r)); // replica A "dies" here
            }
            return done();
          }),
          step('c', journal),
        ],
      });
      const a = await engine([saga], 'replica-a');
      const b = await engine([saga], 'replica-b');
      const id = newId();
      await a.start(saga.type, id, { order: 'o' });
      // A is stuck in b; B finds the saga leased.
      await new Promise<void>((r) => setImmediate(r));
      while (!journal.includes(`action:b:${id}:b`)) await new Promise<void>((r) => setImmediate(r));
      assert.equal(await b.runDue(), 0, 'leased by A');
      clock.t += 46_000;
      await b.runDue();
      assert.equal((await b.get(id))?.status, 'completed');
      // A wakes up: its lease is gone, so it writes nothing.
      release();
      await a.runDue();
      const history = await b.history(id);
      assert.equal(history.filter((h) => h.outcome === 'completed').length, 1);
      assert.equal(history.filter((h) => h.step === 'c' && h.outcome === 'done').length, 1);
      assert.deepEqual(
        journal.filter((j) => j.includes(':b:')),
        [`action:b:${id}:b`, `action:b:${id}:b`],
        'the step ran again, with the same key (at least once; the callee dedupes)',
      );
    });

    test('two replicas driving many sagas at once run each action once', async () => {
      const journal: Journal = [];
      const saga = defineSaga<Input>({
        type: `many-${newId()}`,
        steps: [step('x', journal), step('y', journal)],
      });
      const a = await engine([saga], 'replica-a');
      const b = await engine([saga], 'replica-b');
      const ids = Array.from({ length: 40 }, () => newId());
      await Promise.all(ids.map((id, i) => (i % 2 ? a : b).start(saga.type, id, { order: id })));
      await Promise.all([a.runDue(), b.runDue()]);
      for (const id of ids) assert.equal((await a.get(id))?.status, 'completed');
      assert.equal(journal.length, ids.length * 2);
      assert.equal(new Set(journal).size, journal.length, 'no action twice');
    });

    test('a compensation that keeps failing leaves the saga stuck; an operator retry finishes it', async () => {
      let broken = true;
      const undone: string[] = [];
      const saga = defineSaga<Input>({
        type: `stuck-${newId()}`,
        compensationAttempts: 2,
        steps: [
          {
            name: 'charge',
            action: async () => done(),
            async compensate() {
              if (broken) throw new Error('payment service down');
              undone.push('charge');
            },
          },
          { name: 'ship', action: async () => Promise.reject(new StepFailure('NO_CARRIER', 'no carrier')) },
        ],
      });
      const e = await engine([saga]);
      const id = newId();
      await e.start(saga.type, id, { order: 'o' });
      for (let i = 0; i < 3; i++) {
        await e.runDue();
        clock.t += 60_000;
      }
      assert.equal((await e.get(id))?.status, 'stuck');
      broken = false;
      assert.equal(await e.retry(id), true);
      await e.runDue();
      assert.equal((await e.get(id))?.status, 'failed');
      assert.deepEqual(undone, ['charge']);
    });

    test('an operator abort undoes a waiting saga, its waiting step included', async () => {
      const journal: Journal = [];
      const saga = defineSaga<Input>({
        type: `abort-${newId()}`,
        steps: [
          step('a', journal),
          step('wait', journal, async () => waitFor(60_000) as ReturnType<typeof done>),
        ],
      });
      const e = await engine([saga]);
      const id = newId();
      await e.start(saga.type, id, { order: 'o' });
      await e.runDue();
      assert.equal(await e.abort(id, 'buyer gave up'), true);
      await e.runDue();
      const state = await e.get(id);
      assert.equal(state?.status, 'failed');
      assert.equal(state?.failure?.code, 'ABORTED');
      assert.deepEqual(
        journal.filter((j) => j.startsWith('undo')),
        [`undo:wait:${id}:wait`, `undo:a:${id}:a`],
      );
      assert.equal(await e.abort(id, 'again'), false);
    });

    test('a restarted engine resumes every unfinished saga, and settled() answers once it ends', async () => {
      const journal: Journal = [];
      const type = `resume-${newId()}`;
      // The old process hangs in step a for good (it died there); the new one runs normally.
      const dying = defineSaga<Input>({ type, steps: [step('a', journal, never), step('b', journal)] });
      const healthy = defineSaga<Input>({ type, steps: [step('a', journal), step('b', journal)] });
      const old = await engine([dying], 'replica-old');
      const ids = [newId(), newId()];
      for (const id of ids) await old.start(type, id, { order: id });
      while (journal.length < ids.length) await new Promise<void>((r) => setImmediate(r));
      const fresh = await engine([healthy], 'replica-new');
      fresh.worker.start();
      assert.equal((await fresh.settled(ids[0]!, 50))?.status, 'running', 'still leased by the old process');
      clock.t += 46_000;
      for (const id of ids) {
        const state = await fresh.settled(id, 30_000);
        assert.equal(state?.status, 'completed', id);
      }
      await fresh.worker.stop();
      assert.deepEqual(journal.filter((j) => j.startsWith('action:b')).length, ids.length);
    });
  });
}
