import test from 'ava';
import type { ExecutionContext } from 'ava';
import { Subject } from 'rxjs';
import { ActorNode } from '../supervision/actorNode.ts';
import type { ActorBehavior } from '../supervision/actorNode.ts';
import { backoffDelay, ChildSpecError } from '../supervision/childSpec.ts';
import type { ChildSpec, RestartKind, SupervisorSpec } from '../supervision/childSpec.ts';
import { Supervisor } from '../supervision/supervisor.ts';
import type { ActorStarter, SupervisionEvent } from '../supervision/supervisor.ts';
import type { Json, JsonObject } from '../supervision/types.ts';
import { nextEvent } from './helpers/wait.ts';

/**
 * A child actor driven by its messages: 'crash' throws, 'exit' ends normally.
 * Start and stop order are recorded in a log shared through the args' key.
 */
const logs = new Map<string, string[]>();
const child: ActorBehavior<{ log: string[]; name: string }, Json, Json> = {
  init(args) {
    const log = logs.get(String(args['log']))!;
    if (args['failStart'] === true) throw new Error('cannot start');
    log.push(`start ${String(args['name'])}`);
    return { log, name: String(args['name']) };
  },
  receive(s, msg, ctx) {
    if (msg === 'crash') throw new Error('crashed on purpose');
    if (msg === 'exit') ctx.stopSelf();
    if (ctx.asked) ctx.reply(s.name);
    return s;
  },
  async terminate(s) {
    s.log.push(`stop ${s.name}`);
    if (s.name === 'hangs') await new Promise(() => undefined);
  },
};

interface Rig {
  node: ActorNode;
  events: Subject<SupervisionEvent>;
  seen: SupervisionEvent[];
  log: string[];
  sup: Supervisor;
}

function makeRig(
  t: ExecutionContext,
  spec: Omit<SupervisorSpec, 'children'>,
  children: Array<{ id: string; restart: RestartKind; args?: JsonObject; shutdownMs?: number; significant?: boolean }>,
): Rig {
  const node = new ActorNode({ id: 0, linkTo: () => undefined });
  node.registerKind('child', child);
  const key = `${t.title}`;
  const log: string[] = [];
  logs.set(key, log);
  let incarnation = 0;
  const starter: ActorStarter = {
    startActor: async (start, childPath, meta, onDown) => {
      const path = `${childPath}#${++incarnation}`;
      node.monitor({ node: 0, path }, onDown);
      return node.spawn(start.kind, path, start.args, meta);
    },
    stopActor: async (ref, timeoutMs) => void (await node.stop(ref.path, timeoutMs)),
  };
  const specs: ChildSpec[] = children.map((c) => ({
    id: c.id,
    restart: c.restart,
    shutdownMs: c.shutdownMs ?? 1000,
    ...(c.significant ? { significant: true } : {}),
    start: { kind: 'child', role: 'child', name: c.id, placement: 'primary', args: { name: c.id, log: key, ...c.args } },
  }));
  const events = new Subject<SupervisionEvent>();
  const seen: SupervisionEvent[] = [];
  events.subscribe((e) => seen.push(e));
  const sup = new Supervisor({ ...spec, children: specs }, starter, events);
  t.teardown(async () => {
    await sup.stop();
    await node.close(1000);
  });
  return { node, events, seen, log, sup };
}

const base = {
  name: 'sup',
  strategy: 'one_for_one' as const,
  intensity: { maxRestarts: 5, withinMs: 60_000 },
  backoff: { initialMs: 0, maxMs: 0 },
  autoShutdown: 'never' as const,
};

function restarted(r: Rig, id: string) {
  return nextEvent(r.events, (e) => e.type === 'restarted' && e.child === id, `${id} restarted`);
}

test('one_for_one restarts only the child that crashed', async (t) => {
  const r = makeRig(t, base, [
    { id: 'a', restart: 'permanent' },
    { id: 'b', restart: 'permanent' },
  ]);
  await r.sup.start();
  const a = r.sup.whereis('a')!;
  const b = r.sup.whereis('b')!;
  const back = restarted(r, 'b');
  r.node.tell(b, 'crash');
  await back;
  t.deepEqual(r.sup.whereis('a'), a);
  t.notDeepEqual(r.sup.whereis('b'), b);
  t.is(await r.node.ask(r.sup.whereis('b')!, 'who', 1000), 'b');
  t.deepEqual(r.log, ['start a', 'start b', 'start b']);
});

test('one_for_all stops the others in reverse order and restarts all in start order', async (t) => {
  const r = makeRig(t, { ...base, strategy: 'one_for_all' }, [
    { id: 'a', restart: 'permanent' },
    { id: 'b', restart: 'permanent' },
    { id: 'c', restart: 'permanent' },
  ]);
  await r.sup.start();
  const back = restarted(r, 'c');
  r.node.tell(r.sup.whereis('b')!, 'crash');
  await back;
  for (const id of ['a', 'b', 'c']) t.is(await r.node.ask(r.sup.whereis(id)!, 'who', 1000), id); // handled after init
  t.deepEqual(r.log, ['start a', 'start b', 'start c', 'stop c', 'stop a', 'start a', 'start b', 'start c']);
});

test('transient children restart only after a crash, temporary ones never', async (t) => {
  const r = makeRig(t, base, [
    { id: 'tr', restart: 'transient' },
    { id: 'tmp', restart: 'temporary' },
  ]);
  await r.sup.start();
  const back = restarted(r, 'tr');
  r.node.tell(r.sup.whereis('tr')!, 'crash');
  await back;
  const exited = nextEvent(r.events, (e) => e.type === 'exited' && e.child === 'tr', 'tr exited');
  r.node.tell(r.sup.whereis('tr')!, 'exit');
  await exited;
  const crashed = nextEvent(r.events, (e) => e.type === 'crashed' && e.child === 'tmp', 'tmp crashed');
  r.node.tell(r.sup.whereis('tmp')!, 'crash');
  await crashed;
  await r.sup.stop();
  t.deepEqual(r.sup.childIds(), ['tr']);
  t.deepEqual(r.log, ['start tr', 'start tmp', 'start tr', 'stop tr']); // a normal exit runs terminate
  t.false(r.seen.some((e) => e.type === 'restarting' && e.child === 'tmp'));
});

test('more restarts than the intensity allows: the supervisor stops its children and escalates', async (t) => {
  const r = makeRig(t, { ...base, intensity: { maxRestarts: 2, withinMs: 60_000 } }, [
    { id: 'ok', restart: 'permanent' },
    { id: 'bad', restart: 'permanent' },
  ]);
  await r.sup.start();
  for (let i = 1; i <= 2; i++) {
    const back = restarted(r, 'bad');
    r.node.tell(r.sup.whereis('bad')!, 'crash');
    await back;
  }
  const escalated = nextEvent(r.events, (e) => e.type === 'escalated', 'escalated');
  r.node.tell(r.sup.whereis('bad')!, 'crash');
  const e = await escalated;
  t.like(e, { child: 'bad', restarts: 2 });
  const reason = await r.sup.exited;
  t.is(reason.kind, 'crash');
  t.regex(reason.kind === 'crash' ? reason.error.message : '', /more than 2 restarts within 60000 ms/);
  t.is(r.sup.whereis('ok'), null);
  t.is(r.log.at(-1), 'stop ok');
});

test('restarts of the same child back off exponentially: 0, initial, 2x initial ...', async (t) => {
  const r = makeRig(t, { ...base, intensity: { maxRestarts: 10, withinMs: 60_000 }, backoff: { initialMs: 5, maxMs: 12 } }, [{ id: 'flaky', restart: 'permanent' }]);
  await r.sup.start();
  for (let i = 0; i < 4; i++) {
    const back = restarted(r, 'flaky');
    r.node.tell(r.sup.whereis('flaky')!, 'crash');
    await back;
  }
  const delays = r.seen.flatMap((e) => (e.type === 'restarting' ? [e.delayMs] : []));
  t.deepEqual(delays, [0, 5, 10, 12]);
  t.deepEqual(
    [0, 1, 2, 3, 4].map((n) => backoffDelay({ initialMs: 100, maxMs: 30_000 }, n)),
    [0, 100, 200, 400, 800],
  );
});

test('a child that fails to start counts as a crash and is retried up to the intensity', async (t) => {
  const r = makeRig(t, { ...base, intensity: { maxRestarts: 3, withinMs: 60_000 } }, [{ id: 'nostart', restart: 'permanent', args: { failStart: true } }]);
  await r.sup.start();
  const reason = await r.sup.exited;
  t.is(reason.kind, 'crash');
  t.is(r.seen.filter((e) => e.type === 'restarting').length, 3);
  t.is(r.seen.filter((e) => e.type === 'escalated').length, 1);
});

test('stop ends children in reverse start order and kills one that exceeds its shutdown timeout', async (t) => {
  const r = makeRig(t, base, [
    { id: 'first', restart: 'permanent' },
    { id: 'hangs', restart: 'permanent', shutdownMs: 30 },
    { id: 'last', restart: 'permanent' },
  ]);
  await r.sup.start();
  await r.sup.stop();
  t.deepEqual(r.log, ['start first', 'start hangs', 'start last', 'stop last', 'stop hangs', 'stop first']);
  t.deepEqual(await r.sup.exited, { kind: 'shutdown' });
  t.is(r.node.actorCount, 0);
});

test('with autoShutdown any_significant, a significant child that ends for good ends the supervisor', async (t) => {
  const r = makeRig(t, { ...base, autoShutdown: 'any_significant' }, [
    { id: 'other', restart: 'permanent' },
    { id: 'key', restart: 'transient', significant: true },
  ]);
  await r.sup.start();
  r.node.tell(r.sup.whereis('key')!, 'exit');
  t.deepEqual(await r.sup.exited, { kind: 'shutdown' });
  t.is(r.log.at(-1), 'stop other');
});

test('child specs are validated before anything starts', (t) => {
  const starter: ActorStarter = { startActor: () => Promise.reject(new Error('no')), stopActor: async () => undefined };
  const ev = new Subject<SupervisionEvent>();
  const good: ChildSpec = { id: 'x', restart: 'permanent', shutdownMs: 10, start: { kind: 'k', role: 'r', name: 'x', placement: 'worker', args: {} } };
  const cases: Array<[Partial<SupervisorSpec>, RegExp]> = [
    [{ strategy: 'rest_for_one' as 'one_for_one' }, /unknown strategy/],
    [{ intensity: { maxRestarts: -1, withinMs: 10 } }, /maxRestarts/],
    [{ intensity: { maxRestarts: 1, withinMs: 0 } }, /withinMs/],
    [{ backoff: { initialMs: 10, maxMs: 5 } }, /maxMs/],
    [{ children: [good, good] }, /duplicate child id/],
    [{ children: [{ ...good, restart: 'sometimes' as RestartKind }] }, /restart must be/],
    [{ children: [{ ...good, shutdownMs: 0 }] }, /shutdownMs/],
    [{ children: [{ ...good, significant: true }] }, /significant child must be transient or temporary/],
    [{ children: [{ ...good, id: 'bad id' }] }, /child id/],
  ];
  for (const [patch, message] of cases) {
    t.throws(() => new Supervisor({ ...base, children: [good], ...patch }, starter, ev), { instanceOf: ChildSpecError, message });
  }
});
