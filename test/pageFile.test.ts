import test from 'ava';
import type { ExecutionContext } from 'ava';
import { crc32c } from '@node-rs/crc32';
import { openSync, readFileSync, statSync, writeSync, closeSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { CorruptPageError, decodePage, encodePage, ITEM_HEADER_SIZE, PAGE_HEADER_SIZE, PAGE_SIZE, pageFreeSpace, PageFullError, RelationFile } from '../storage/pageFile.ts';
import type { Page } from '../storage/pageFile.ts';
import { tempDir } from './helpers/dirs.ts';

function bytes(n: number, seed: number): Buffer {
  return Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff));
}

function samplePage(): Page {
  const items = new Map<number, Buffer>();
  for (let slot = 0; slot < 100; slot++) items.set(slot * 3, bytes(slot % 17, slot));
  items.set(65534, Buffer.alloc(0));
  return { lsn: 2 ** 53 - 1, items };
}

/** Recomputes a block's checksum as the layout comment documents it: CRC-32C of the u32 block number, then of the block with bytes 4..7 zeroed. */
function reseal(block: Buffer, blkno: number): Buffer {
  const copy = Buffer.from(block);
  copy.writeUInt32LE(0, 4);
  const no = Buffer.alloc(4);
  no.writeUInt32LE(blkno);
  copy.writeUInt32LE(crc32c(copy, crc32c(no)), 4);
  return copy;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

async function openRelation(t: ExecutionContext, relId = 16384): Promise<{ dir: string; rel: RelationFile }> {
  const dir = tempDir(t);
  const rel = await RelationFile.open(dir, relId);
  t.teardown(() => rel.close().catch(() => undefined));
  return { dir, rel };
}

test('a page with many items, empty items and slots up to 65534 round trips', (t) => {
  const page = samplePage();
  const block = encodePage(page, 7);
  t.is(block.length, PAGE_SIZE);
  t.deepEqual(decodePage(block, 7, 'mem'), page);
});

test('an empty page round trips and its free space is all but the header', (t) => {
  const page: Page = { lsn: 0, items: new Map() };
  t.is(pageFreeSpace(page), PAGE_SIZE - PAGE_HEADER_SIZE);
  t.deepEqual(decodePage(encodePage(page, 0), 0, 'mem'), page);
});

test('items are encoded in slot order, so the same page always gives the same bytes', (t) => {
  const a: Page = {
    lsn: 5,
    items: new Map([
      [9, bytes(3, 1)],
      [2, bytes(4, 2)],
    ]),
  };
  const b: Page = {
    lsn: 5,
    items: new Map([
      [2, bytes(4, 2)],
      [9, bytes(3, 1)],
    ]),
  };
  t.deepEqual(encodePage(a, 1), encodePage(b, 1));
});

test('a page filled to exactly 8192 bytes fits; one byte more is PageFullError', (t) => {
  const one = PAGE_SIZE - PAGE_HEADER_SIZE - ITEM_HEADER_SIZE;
  const full: Page = { lsn: 1, items: new Map([[0, bytes(one, 3)]]) };
  t.is(pageFreeSpace(full), 0);
  t.deepEqual(decodePage(encodePage(full, 2), 2, 'mem'), full);

  const many: Page = { lsn: 1, items: new Map() };
  for (let slot = 0; pageFreeSpace(many) >= ITEM_HEADER_SIZE + 100; slot++) many.items.set(slot, bytes(100, slot));
  many.items.set(9999, bytes(pageFreeSpace(many) - ITEM_HEADER_SIZE, 9));
  t.is(pageFreeSpace(many), 0);
  t.deepEqual(decodePage(encodePage(many, 2), 2, 'mem'), many);

  const over: Page = { lsn: 1, items: new Map([[0, bytes(one + 1, 3)]]) };
  t.is(pageFreeSpace(over), -1);
  const err = t.throws(() => encodePage(over, 2), { instanceOf: PageFullError, message: /block 2 needs 8193 bytes/ });
  t.is(err?.needed, PAGE_SIZE + 1);
});

test('invalid slots, LSNs and block numbers are refused when encoding', (t) => {
  t.throws(() => encodePage({ lsn: 0, items: new Map([[65535, Buffer.alloc(1)]]) }, 0), { instanceOf: RangeError, message: /slot/ });
  t.throws(() => encodePage({ lsn: -1, items: new Map() }, 0), { instanceOf: RangeError, message: /LSN/ });
  t.throws(() => encodePage({ lsn: 2 ** 53, items: new Map() }, 0), { instanceOf: RangeError, message: /LSN/ });
  t.throws(() => encodePage({ lsn: 0, items: new Map() }, 2 ** 32 - 1), { instanceOf: RangeError, message: /block number/ });
});

test('an all-zero block is an empty page with LSN 0', (t) => {
  t.deepEqual(decodePage(Buffer.alloc(PAGE_SIZE), 3, 'mem'), { lsn: 0, items: new Map() });
});

test('every single flipped bit of an encoded block is detected, naming the file and block', (t) => {
  const block = encodePage(samplePage(), 12);
  let undetected = 0;
  let unnamed = 0;
  for (let bit = 0; bit < PAGE_SIZE * 8; bit++) {
    block[bit >> 3] ^= 1 << (bit & 7);
    try {
      decodePage(block, 12, '/data/base/16384');
      undetected++;
    } catch (err) {
      if (!(err instanceof CorruptPageError) || !err.message.includes('block 12 of relation file "/data/base/16384"')) unnamed++;
    }
    block[bit >> 3] ^= 1 << (bit & 7);
  }
  t.is(undetected, 0);
  t.is(unnamed, 0);
  t.deepEqual(decodePage(block, 12, 'mem'), samplePage(), 'the block is intact again');
});

test('a valid-looking page decoded as another block number fails its checksum', (t) => {
  t.throws(() => decodePage(encodePage(samplePage(), 4), 5, 'f'), { instanceOf: CorruptPageError, message: /block 5 .*checksum mismatch/ });
});

test('items past the end of the block, duplicate slots and a wrong magic are reported even with a valid checksum', (t) => {
  const block = encodePage({ lsn: 1, items: new Map([[0, bytes(10, 1)]]) }, 0);
  const longItem = Buffer.from(block);
  longItem.writeUInt16LE(PAGE_SIZE, PAGE_HEADER_SIZE + 2);
  t.throws(() => decodePage(reseal(longItem, 0), 0, 'f'), { instanceOf: CorruptPageError, message: /block 0 .*out of bounds/ });
  const full = encodePage({ lsn: 1, items: new Map([[0, bytes(PAGE_SIZE - PAGE_HEADER_SIZE - ITEM_HEADER_SIZE, 1)]]) }, 0);
  full.writeUInt16LE(2, 16);
  t.throws(() => decodePage(reseal(full, 0), 0, 'f'), { instanceOf: CorruptPageError, message: /item 1 of 2 out of bounds/ });
  const duplicate = Buffer.from(block);
  duplicate.writeUInt16LE(2, 16);
  t.throws(() => decodePage(reseal(duplicate, 0), 0, 'f'), { instanceOf: CorruptPageError, message: /slot 0 appears twice/ });
  const badMagic = Buffer.from(block);
  badMagic.writeUInt32LE(0xdeadbeef, 0);
  t.throws(() => decodePage(reseal(badMagic, 0), 0, 'f'), { instanceOf: CorruptPageError, message: /bad magic 0xdeadbeef/ });
});

test('a relation file is created under base/ with mode 0600 and starts with zero blocks', async (t) => {
  const { dir, rel } = await openRelation(t);
  t.is(rel.path, join(dir, 'base', '16384'));
  t.is(statSync(rel.path).mode & 0o777, 0o600);
  t.is(statSync(join(dir, 'base')).mode & 0o777, 0o700);
  t.is(await rel.nblocks(), 0);
  t.is(await rel.readBlock(0), null);
});

test('blocks written to a relation file read back after reopening, and nblocks counts them', async (t) => {
  const { dir, rel } = await openRelation(t);
  const page = samplePage();
  await rel.writeBlock(0, page);
  await rel.writeBlock(3, { lsn: 42, items: new Map([[1, Buffer.from('tuple')]]) });
  await rel.sync();
  t.is(await rel.nblocks(), 4);
  t.is(statSync(rel.path).size, 4 * PAGE_SIZE);
  await rel.close();

  const again = await RelationFile.open(dir, 16384);
  t.teardown(() => again.close());
  t.deepEqual(await again.readBlock(0), page);
  t.deepEqual(await again.readBlock(1), { lsn: 0, items: new Map() }, 'the hole before block 3 reads as an empty page');
  t.deepEqual(await again.readBlock(3), { lsn: 42, items: new Map([[1, Buffer.from('tuple')]]) });
  t.is(await again.readBlock(4), null);
  t.is(await again.readBlock(1000), null);
});

test('a flipped bit in a block on disk is reported on read with the file path and block number', async (t) => {
  const { rel } = await openRelation(t);
  for (let blkno = 0; blkno < 3; blkno++) await rel.writeBlock(blkno, samplePage());
  for (const bit of [0, 37, 8 * 17 + 2, 8 * 500 + 7, PAGE_SIZE * 8 - 1]) {
    const offset = PAGE_SIZE + (bit >> 3);
    const fd = openSync(rel.path, 'r+');
    const original = readFileSync(rel.path).subarray(offset, offset + 1);
    writeSync(fd, Buffer.from([original[0]! ^ (1 << (bit & 7))]), 0, 1, offset);
    await t.throwsAsync(rel.readBlock(1), { instanceOf: CorruptPageError, message: new RegExp(`block 1 of relation file "${escape(rel.path)}"`) }, `bit ${bit}`);
    writeSync(fd, original, 0, 1, offset);
    closeSync(fd);
  }
  t.deepEqual(await rel.readBlock(1), samplePage());
  t.deepEqual(await rel.readBlock(2), samplePage(), 'neighbouring blocks are unaffected');
});

test("a page written at another block's offset is detected when that block is read", async (t) => {
  const { rel } = await openRelation(t);
  await rel.writeBlock(5, { lsn: 9, items: new Map([[0, Buffer.from('five')]]) });
  const misdirected = encodePage({ lsn: 10, items: new Map([[0, Buffer.from('three')]]) }, 3);
  const fd = openSync(rel.path, 'r+');
  writeSync(fd, misdirected, 0, PAGE_SIZE, 5 * PAGE_SIZE);
  closeSync(fd);
  await t.throwsAsync(rel.readBlock(5), { instanceOf: CorruptPageError, message: new RegExp(`block 5 of relation file "${escape(rel.path)}": checksum mismatch`) });
});

test('a torn last block is reported as truncated and not counted by nblocks', async (t) => {
  const { rel } = await openRelation(t);
  await rel.writeBlock(0, samplePage());
  await rel.writeBlock(1, samplePage());
  truncateSync(rel.path, PAGE_SIZE + 4096);
  t.is(await rel.nblocks(), 1);
  await t.throwsAsync(rel.readBlock(1), { instanceOf: CorruptPageError, message: /block 1 .*truncated block: 4096 of 8192 bytes/ });
});
