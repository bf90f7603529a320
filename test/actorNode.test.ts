import test from 'ava';
import { ActorNode } from '../supervision/actorNode.ts';
import type { ActorBehavior } from '../supervision/actorNode.ts';
import { ActorRuntimeError, ActorCrashed, AskTimeout, NoSuchActor, NodeDown } from '../supervision/errors.ts';
import type { ExitReason, Json } from '../supervision/types.ts';
import { deferred } from './helpers/wait.ts';

const meta = { role: 'test', name: 'x', restarts: 0 };

const hanging = deferred();

/** Replies to every ask with the message it got, after a random delay (to reorder replies). */
const echo: ActorBehavior<null, Json, Json> = {
  init: () => null,
  async receive(state, msg, ctx) {
    if (msg === 'crash') throw new Error('asked to crash');
    if (msg === 'silent') return state;
    if (msg === 'hang') {
      hanging.resolve();
      await new Promise(() => undefined);
    }
    ctx.reply(msg);
    return state;
  },
};

test('100,000 concurrent asks each get their own reply (counter ids, never random ones)', async (t) => {
  const node = new ActorNode({ id: 0, linkTo: () => undefined });
  const refs = [0, 1, 2, 3].map((i) => node.spawnLocal(echo, `echo${i}`, {}, meta));
  const n = 100_000;
  const replies = await Promise.all(Array.from({ length: n }, (_, i) => node.ask(refs[i % refs.length]!, i, 30_000)));
  t.true(replies.every((r, i) => r === i));
  await node.close(1000);
});

test('an ask to an actor that does not exist fails at once and counts a dead letter', async (t) => {
  const node = new ActorNode({ id: 0, linkTo: () => undefined });
  const err = await t.throwsAsync(node.ask({ node: 0, path: 'nobody' }, 1, 60_000), { instanceOf: ActorRuntimeError });
  t.is((err as ActorRuntimeError).code, NoSuchActor);
  node.tell({ node: 0, path: 'nobody' }, 2);
  t.is(node.deadLetters, 2);
  await node.close(1000);
});

test('an ask to a node that is gone fails at once with NODE_DOWN, and so do asks already waiting on it', async (t) => {
  const sent: Json[] = [];
  const node = new ActorNode({ id: 0, linkTo: (n) => (n === 7 ? { send: (w) => (sent.push(w as unknown as Json), true) } : undefined) });
  const waiting = node.ask({ node: 7, path: 'a' }, 1, 60_000);
  t.is(sent.length, 1);
  node.markNodeDown(7, 4242);
  const e1 = await t.throwsAsync(waiting);
  t.is((e1 as ActorRuntimeError).code, NodeDown);
  const e2 = await t.throwsAsync(node.ask({ node: 7, path: 'a' }, 1, 60_000));
  t.is((e2 as ActorRuntimeError).code, NodeDown);
  const e3 = await t.throwsAsync(node.ask({ node: 9, path: 'a' }, 1, 60_000));
  t.is((e3 as ActorRuntimeError).code, NodeDown);
  await node.close(1000);
});

test('an actor that throws ends with reason crash, its asker gets ACTOR_CRASHED, and its monitor fires', async (t) => {
  const node = new ActorNode({ id: 0, linkTo: () => undefined });
  const ref = node.spawnLocal(echo, 'victim', {}, meta);
  const down = new Promise<ExitReason>((r) => node.monitor(ref, r));
  const before = node.ask(ref, 'sent-before-the-crash', 5000);
  const err = await t.throwsAsync(node.ask(ref, 'crash', 5000));
  t.is((err as ActorRuntimeError).code, ActorCrashed);
  const reason = await down;
  t.is(reason.kind, 'crash');
  t.is(await before, 'sent-before-the-crash'); // handled before the crash message: mailbox order
  const after = await t.throwsAsync(node.ask(ref, 'late', 5000));
  t.is((after as ActorRuntimeError).code, NoSuchActor);
  await node.close(1000);
});

test('an ask that the actor does not answer fails fast instead of timing out, and a real timeout names the target', async (t) => {
  const node = new ActorNode({ id: 0, linkTo: () => undefined });
  const ref = node.spawnLocal(echo, 'quiet', {}, meta);
  await t.throwsAsync(node.ask(ref, 'silent', 60_000), { message: /without replying/ });
  const release = deferred();
  const slow = node.spawnLocal<null, Json, Json, Record<string, never>>({ init: () => null, receive: async (s) => (await release.promise, s) }, 'slow', {}, meta);
  const err = await t.throwsAsync(node.ask(slow, 1, 20));
  t.is((err as ActorRuntimeError).code, AskTimeout);
  t.regex(err!.message, /slow/);
  release.resolve();
  await node.close(1000);
});

test('stop kills an actor that does not stop within its shutdown timeout', async (t) => {
  const node = new ActorNode({ id: 0, linkTo: () => undefined });
  const stuck = node.spawnLocal<null, Json, Json, Record<string, never>>(
    { init: () => null, receive: (s) => s, terminate: () => new Promise<void>(() => undefined) },
    'stuck',
    {},
    meta,
  );
  t.deepEqual(await node.stop(stuck.path, 50), { kind: 'killed' });
  t.is(node.actorCount, 0);
  await node.close(1000);
});

test('messages are handled one at a time in order, like a nact mailbox', async (t) => {
  const node = new ActorNode({ id: 0, linkTo: () => undefined });
  const seen: number[] = [];
  let inside = 0;
  let overlap = false;
  const ref = node.spawnLocal<null, number, Json, Record<string, never>>(
    {
      init: () => null,
      async receive(s, msg, ctx) {
        inside++;
        if (inside > 1) overlap = true;
        await new Promise((r) => setImmediate(r));
        seen.push(msg);
        inside--;
        if (ctx.asked) ctx.reply(msg);
        return s;
      },
    },
    'ordered',
    {},
    meta,
  );
  for (let i = 0; i < 99; i++) node.tell(ref, i);
  await node.ask(ref, 99, 5000);
  t.deepEqual(
    seen,
    Array.from({ length: 100 }, (_, i) => i),
  );
  t.false(overlap);
  await node.close(1000);
});

test("references work the same across processes: worker A asks an actor on worker B through the primary, and B's death fails A's asks at once", async (t) => {
  // Three nodes wired like the real IPC topology: workers talk only to the primary, which relays.
  const nodes = new Map<number, ActorNode>();
  const alive = new Set([0, 1, 2]);
  const deliver = (to: number) => ({
    send: (wire: Parameters<ActorNode['receive']>[0]) => {
      if (!alive.has(to)) return false;
      const copy = JSON.parse(JSON.stringify(wire)) as typeof wire; // what crosses a process is JSON
      setImmediate(() => nodes.get(to)!.receive(copy));
      return true;
    },
  });
  nodes.set(0, new ActorNode({ id: 0, linkTo: (n) => deliver(n) }));
  nodes.set(1, new ActorNode({ id: 1, linkTo: () => deliver(0) }));
  nodes.set(2, new ActorNode({ id: 2, linkTo: () => deliver(0) }));
  for (const n of nodes.values()) n.registerKind('echo', echo);
  const onB = nodes.get(2)!.spawn('echo', 'b', {}, meta);
  const a = nodes.get(1)!;
  t.deepEqual(await a.ask(onB, { hello: ['from', 1] }, 5000), { hello: ['from', 1] });
  t.is(await nodes.get(0)!.ask(onB, 'from the primary', 5000), 'from the primary');
  t.is(await nodes.get(2)!.ask(onB, 'local', 5000), 'local');

  const down = new Promise<ExitReason>((r) => nodes.get(0)!.monitor(onB, r));
  const pending = a.ask(onB, 'hang', 60_000); // never answered: only B's death can end it
  await hanging.promise; // B is handling it
  alive.delete(2);
  nodes.get(0)!.markNodeDown(2, 4242);
  a.receive({ t: 'node-down', node: 2 });
  const err = await t.throwsAsync(pending);
  t.is((err as ActorRuntimeError).code, NodeDown);
  t.deepEqual(await down, { kind: 'node-down', pid: 4242 });
  const again = await t.throwsAsync(a.ask(onB, 'x', 60_000));
  t.is((again as ActorRuntimeError).code, NodeDown);
  await nodes.get(0)!.close(1000);
  await a.close(1000); // node 2 is "dead": its stuck actor stays with it
});
