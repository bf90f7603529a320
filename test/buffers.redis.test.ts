import test from 'ava';
import { checkpoint } from '../storage/checkpoint.ts';
import { BufferEvictor } from '../storage/bufferEviction.ts';
import { SEG, storageRig } from './helpers/storage.ts';

const SHARED_BUFFERS = 16;

test('a table ten times larger than shared_buffers is written, read back, checkpointed and recovered, with Redis holding about shared_buffers pages', async (t) => {
  const rig = await storageRig(t, { sharedBuffers: SHARED_BUFFERS });
  const evictor = BufferEvictor.open(rig.engine);
  const abort = new AbortController();
  const running = evictor.run(abort.signal);
  t.teardown(async () => {
    abort.abort();
    await running.catch(() => undefined);
    evictor.close();
  });
  const rel = await rig.engine.createRelation('big');
  const row = (i: number) => `row-${String(i).padStart(6, '0')}-${'x'.repeat(120)}`;
  let n = 0;
  for (;;) {
    const tx = rig.engine.begin();
    for (let i = 0; i < 200; i++) await tx.insert(rel, row(n++));
    await tx.commit();
    const nblocks = Number(await rig.engine.redis.hget(rig.engine.keys.rel(rel), 'nblocks'));
    if (nblocks >= 10 * SHARED_BUFFERS) break;
  }
  await evictor.sweep();
  const resident = await rig.engine.redis.llen(rig.engine.keys.buffers());
  t.true(resident <= SHARED_BUFFERS, `${resident} pages resident with shared_buffers = ${SHARED_BUFFERS}`);
  t.true(evictor.stats.evicted > 0 && evictor.stats.written > 0);

  const readBack = async () => {
    const tx = rig.engine.begin();
    let count = 0;
    for await (const r of tx.scan(rel)) if (r.data.startsWith('row-')) count++;
    await tx.commit();
    return count;
  };
  t.is(await readBack(), n);
  await checkpoint(rig.engine, SEG, false);
  await rig.stopFlusher();
  await rig.engine.close();
  const again = await storageRig(t, { dataDir: rig.dataDir, sharedBuffers: SHARED_BUFFERS });
  const tx = again.engine.begin();
  let count = 0;
  for await (const r of tx.scan(rel)) if (r.data.startsWith('row-')) count++;
  t.is(count, n);
  t.log(
    `${n} rows on ${Number(await again.engine.redis.hget(again.engine.keys.rel(rel), 'nblocks'))} pages; ${evictor.stats.evicted} evictions, ${evictor.stats.written} dirty pages written by the evictor`,
  );
});
