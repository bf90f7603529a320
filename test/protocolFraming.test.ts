import test from 'ava';
import { serialize } from 'pg-protocol';
import { FrameDecoder, type Frame } from '../protocol/framing.ts';
import { ProtocolError } from '../protocol/errors.ts';
import { parseStartupPacket } from '../protocol/frontend/startupPacket.ts';

const startup = serialize.startup({ user: 'alice', database: 'db', application_name: 'ava' });
const extended = Buffer.concat([
  serialize.parse({ name: 's1', text: 'SELECT $1', types: [23] }),
  serialize.bind({ statement: 's1', portal: 'p1', values: ['42', null] }),
  serialize.describe({ type: 'P', name: 'p1' }),
  serialize.execute({ portal: 'p1', rows: 10 }),
  serialize.sync(),
  serialize.query('SELECT 1'),
  serialize.end(),
]);

/** Feeds chunks, switching to the normal phase after the first startup frame, as a connection does. */
function decode(chunks: Buffer[], opts = {}): Frame[] {
  const d = new FrameDecoder(opts);
  const frames: Frame[] = [];
  for (const c of chunks) {
    d.push(c);
    for (let f = d.next(); f; f = d.next()) {
      frames.push(f);
      if (f.kind === 'startup') d.phase = 'normal';
    }
  }
  return frames;
}

const describeFrames = (frames: Frame[]) => frames.map((f) => (f.kind === 'startup' ? ['startup', f.body.toString('hex')] : [String.fromCharCode(f.code), f.body.toString('hex')]));

test('a startup packet and the messages pipelined behind it in one chunk come out as separate frames', (t) => {
  const frames = decode([Buffer.concat([startup, extended])]);
  t.deepEqual(
    frames.map((f) => (f.kind === 'startup' ? 'startup' : String.fromCharCode(f.code))),
    ['startup', 'P', 'B', 'D', 'E', 'S', 'Q', 'X'],
  );
  t.deepEqual(frames[0]!.body, startup.subarray(4));
});

test('a stream split at every byte offset gives the same frames as the whole stream', (t) => {
  const all = Buffer.concat([startup, extended]);
  const whole = describeFrames(decode([all]));
  for (let i = 0; i <= all.length; i++) {
    t.deepEqual(describeFrames(decode([all.subarray(0, i), all.subarray(i)])), whole, `split at ${i}`);
  }
});

test('a stream delivered one byte at a time gives the same frames', (t) => {
  const all = Buffer.concat([startup, extended]);
  const bytes = [...all].map((b) => Buffer.from([b]));
  t.deepEqual(describeFrames(decode(bytes)), describeFrames(decode([all])));
});

test('an incomplete message waits for more bytes and is not returned early', (t) => {
  const d = new FrameDecoder();
  d.phase = 'normal';
  const q = serialize.query('SELECT 1');
  d.push(q.subarray(0, q.length - 1));
  t.is(d.next(), null);
  d.push(q.subarray(q.length - 1));
  const f = d.next();
  t.is(f?.kind === 'message' ? f.code : 0, 0x51);
  t.is(d.pending, 0);
});

test('the startup packets are told apart: StartupMessage, SSLRequest, GSSENCRequest, CancelRequest', (t) => {
  const s = parseStartupPacket(startup.subarray(4));
  t.deepEqual(s, { type: 'StartupMessage', major: 3, minor: 0, parameters: { user: 'alice', database: 'db', application_name: 'ava', client_encoding: 'UTF8' } });
  t.deepEqual(parseStartupPacket(serialize.requestSsl().subarray(4)), { type: 'SSLRequest' });
  const gss = Buffer.alloc(4);
  gss.writeInt32BE(80877104);
  t.deepEqual(parseStartupPacket(gss), { type: 'GSSENCRequest' });
  t.deepEqual(parseStartupPacket(serialize.cancel(1234, -5).subarray(4)), { type: 'CancelRequest', processId: 1234, secretKey: -5 });
});

test('a startup packet longer than MAX_STARTUP_PACKET_LENGTH is rejected, one of exactly that length is accepted', (t) => {
  const ok = Buffer.alloc(10004);
  ok.writeInt32BE(10004);
  const d = new FrameDecoder();
  d.push(ok);
  t.is(d.next()?.body.length, 10000);
  const big = Buffer.alloc(8);
  big.writeInt32BE(10005);
  const d2 = new FrameDecoder();
  d2.push(big);
  const err = t.throws(() => d2.next(), { instanceOf: ProtocolError, message: 'invalid length of startup packet' });
  t.is(err?.sqlstate, '08P01');
  t.is(err?.severity, 'FATAL');
  // The decoder stays failed: the stream has lost its message boundaries.
  t.throws(() => d2.next(), { instanceOf: ProtocolError });
});

test('a startup packet shorter than a protocol version is rejected', (t) => {
  const d = new FrameDecoder();
  d.push(Buffer.from([0, 0, 0, 7, 0, 0, 0]));
  t.throws(() => d.next(), { message: 'invalid length of startup packet' });
});

test('an unsupported protocol version is FATAL 0A000 worded as PostgreSQL words it', (t) => {
  const body = Buffer.from([0, 2, 0, 0, 0]);
  const err = t.throws(() => parseStartupPacket(body), { instanceOf: ProtocolError });
  t.is(err?.message, 'unsupported frontend protocol 2.0: server supports 3.0 to 3.0');
  t.is(err?.sqlstate, '0A000');
});

test('a startup packet without its final terminator is an invalid layout', (t) => {
  const body = Buffer.concat([Buffer.from([0, 3, 0, 0]), Buffer.from('user\0alice\0')]);
  t.throws(() => parseStartupPacket(body), { message: 'invalid startup packet layout: expected terminator as last byte' });
  const noValue = Buffer.concat([Buffer.from([0, 3, 0, 0]), Buffer.from('user\0\0')]);
  t.throws(() => parseStartupPacket(noValue), { message: 'invalid startup packet layout: expected terminator as last byte' });
});

test('a message length below 4 or above the limit is "invalid message length"', (t) => {
  for (const len of [0, 3, -1, 1 << 30]) {
    const d = new FrameDecoder({ maxMessageLength: 1000 });
    d.phase = 'normal';
    const b = Buffer.alloc(5);
    b[0] = 0x51;
    b.writeInt32BE(len, 1);
    d.push(b);
    t.throws(() => d.next(), { instanceOf: ProtocolError, message: 'invalid message length' }, `length ${len}`);
  }
  // Query may be as large as maxMessageLength; Sync is capped at PQ_SMALL_MESSAGE_LIMIT.
  const d = new FrameDecoder({ maxMessageLength: 100_000 });
  d.phase = 'normal';
  const q = serialize.query('x'.repeat(50_000));
  d.push(q);
  t.is(d.next()?.body.length, 50_001);
  const sync = Buffer.alloc(5);
  sync[0] = 0x53;
  sync.writeInt32BE(10_001, 1);
  d.push(sync);
  t.throws(() => d.next(), { message: 'invalid message length' });
});
