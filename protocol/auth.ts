/*
 * The server side of client authentication (PostgreSQL's auth.c and
 * auth-scram.c): password (cleartext), md5 and SCRAM-SHA-256 as pure
 * exchanges, with no I/O: `start()` gives the first request to send, each
 * 'p' message body goes to `step()`, which answers with messages to send and
 * whether the client is now authenticated. Every failure is a FATAL
 * ProtocolError with PostgreSQL's SQLSTATE and wording.
 *
 * The stored secret is what pg_authid.rolpassword holds:
 *   SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>   (scramVerifier.ts)
 *   md5<32 hex digits>         md5(password || user)
 *   anything else              a plain password (PostgreSQL no longer stores these; tests do)
 *   null                       the role has no password, or does not exist
 *
 * Unknown role and wrong password take the same path and end with the same
 * message: a role without a SCRAM secret gets a mock verifier whose salt is
 * derived from the user name and a per-process secret (as auth-scram.c's
 * scram_mock_salt), so the exchange looks the same and always fails at the
 * proof check, and the client learns nothing about which roles exist.
 *
 * Channel binding: only 'n' (client does not support it) and 'y' (client
 * supports it but thinks the server does not): SCRAM-SHA-256-PLUS needs TLS,
 * which this server does not offer.
 *
 * @see https://www.postgresql.org/docs/15/sasl-authentication.html
 * @see https://datatracker.ietf.org/doc/html/rfc5802 and rfc7677
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  createAuthenticationCleartextPassword,
  createAuthenticationMD5Password,
  createAuthenticationSASL,
  createAuthenticationSASLContinue,
  createAuthenticationSASLFinal,
} from './backend/authentication.ts';
import { ProtocolError } from './errors.ts';
import { parsePasswordMessage } from './frontend/passwordMessage.ts';
import { parseSASLInitialResponse } from './frontend/saslInitialResponse.ts';
import { parseSASLResponse } from './frontend/saslResponse.ts';
import type { AuthMethod } from './hba.ts';
import { Reader } from './reader.ts';
import { SCRAM_ITERATIONS } from './scramVerifier.ts';

export const SCRAM_MECHANISM = 'SCRAM-SHA-256';
/** SCRAM_RAW_NONCE_LEN in PostgreSQL's scram-common.h. */
const RAW_NONCE_LEN = 18;
/** Per process, as PostgreSQL's mock_auth_nonce (from the control file): mock salts are stable for one user within one server. */
const mockAuthNonce = randomBytes(32);

export interface AuthStep {
  /** Messages to send now (an authentication request, SASLContinue, SASLFinal). */
  send: Buffer[];
  /** True: the client is authenticated; the caller sends AuthenticationOk. */
  done: boolean;
}

/** One authentication exchange for one connection. */
export interface AuthExchange {
  readonly method: AuthMethod;
  start(): Buffer;
  /** The body of a 'p' message. Throws a FATAL ProtocolError (28P01 wrong password, 08P01 malformed). */
  step(body: Buffer): AuthStep;
}

export const authFailed = (user: string): ProtocolError => new ProtocolError(`password authentication failed for user "${user}"`, '28P01', 'FATAL');

/**
 * The exchange for `method`, or null for trust. `reject` is decided by
 * pg_hba.conf before this point (hba.ts). md5 with a SCRAM secret becomes
 * SCRAM, as PostgreSQL does (the md5 hash cannot be computed from it).
 */
export function createAuthExchange(method: AuthMethod, user: string, secret: string | null): AuthExchange | null {
  switch (method) {
    case 'trust':
      return null;
    case 'reject':
      throw new ProtocolError(`authentication rejected for user "${user}"`, '28000', 'FATAL');
    case 'password':
      return passwordExchange(user, secret);
    case 'md5':
      return secret !== null && isScramSecret(secret) ? scramExchange(user, secret) : md5Exchange(user, secret);
    case 'scram-sha-256':
      return scramExchange(user, secret);
  }
}

export const isScramSecret = (s: string): boolean => s.startsWith('SCRAM-SHA-256$');
const isMd5Secret = (s: string): boolean => /^md5[0-9a-f]{32}$/.test(s);

const md5hex = (s: string | Buffer): string => createHash('md5').update(s).digest('hex');

/** pg_md5_encrypt: 'md5' || md5(password || user), as rolpassword stores it. */
export const md5Secret = (password: string, user: string): string => 'md5' + md5hex(password + user);

function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

// ---- password (cleartext) --------------------------------------------------------

function passwordExchange(user: string, secret: string | null): AuthExchange {
  return {
    method: 'password',
    start: createAuthenticationCleartextPassword,
    step(body) {
      const { password } = parsePasswordMessage(new Reader(body));
      // auth.c: "empty password returned by client" fails like a wrong one.
      if (password === '' || secret === null || !plainPasswordMatches(user, password, secret)) throw authFailed(user);
      return { send: [], done: true };
    },
  };
}

/** plain_crypt_verify: a cleartext password against any kind of stored secret. */
export function plainPasswordMatches(user: string, password: string, secret: string): boolean {
  if (isScramSecret(secret)) {
    const v = parseScramSecret(secret);
    if (!v) return false;
    const keys = scramKeys(password, v.salt, v.iterations);
    return safeEqual(keys.storedKey, v.storedKey) && safeEqual(keys.serverKey, v.serverKey);
  }
  if (isMd5Secret(secret)) return safeEqual(Buffer.from(md5Secret(password, user)), Buffer.from(secret));
  return safeEqual(createHash('sha256').update(password).digest(), createHash('sha256').update(secret).digest());
}

// ---- md5 -------------------------------------------------------------------------

function md5Exchange(user: string, secret: string | null): AuthExchange {
  const salt = randomBytes(4);
  return {
    method: 'md5',
    start: () => createAuthenticationMD5Password(salt),
    step(body) {
      const { password } = parsePasswordMessage(new Reader(body));
      if (password === '' || secret === null) throw authFailed(user);
      const hash = isMd5Secret(secret) ? secret : md5Secret(secret, user);
      // The client sends 'md5' || md5(md5(password || user) || salt).
      const expected = 'md5' + md5hex(Buffer.concat([Buffer.from(hash.slice(3)), salt]));
      if (!safeEqual(Buffer.from(password), Buffer.from(expected))) throw authFailed(user);
      return { send: [], done: true };
    },
  };
}

// ---- SCRAM-SHA-256 ---------------------------------------------------------------

export interface ScramSecret {
  iterations: number;
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
}

/** parse_scram_secret: null when the string is not a well-formed SCRAM-SHA-256 secret. */
export function parseScramSecret(s: string): ScramSecret | null {
  const m = /^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/.exec(s);
  if (!m) return null;
  const storedKey = Buffer.from(m[3]!, 'base64');
  const serverKey = Buffer.from(m[4]!, 'base64');
  if (storedKey.length !== 32 || serverKey.length !== 32) return null;
  return { iterations: Number(m[1]), salt: Buffer.from(m[2]!, 'base64'), storedKey, serverKey };
}

function scramKeys(password: string, salt: Buffer, iterations: number): { storedKey: Buffer; serverKey: Buffer } {
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  return { storedKey: createHash('sha256').update(clientKey).digest(), serverKey: createHmac('sha256', salted).update('Server Key').digest() };
}

/** scram_mock_salt: stable per user name, so probing a name twice shows no difference. */
function mockSecret(user: string): ScramSecret {
  const salt = createHash('sha256').update(user).update(mockAuthNonce).digest().subarray(0, 16);
  return { iterations: SCRAM_ITERATIONS, salt, storedKey: randomBytes(32), serverKey: randomBytes(32) };
}

const malformed = (detail: string): ProtocolError => new ProtocolError('malformed SCRAM message', '08P01', 'FATAL', detail);

/** Printable ASCII except ',' (RFC 5802 "printable"). */
const isPrintable = (s: string): boolean => /^[\x21-\x2b\x2d-\x7e]+$/.test(s);

function scramSecretFor(user: string, secret: string | null): { secret: ScramSecret; doomed: boolean } {
  if (secret !== null) {
    if (isScramSecret(secret)) {
      const v = parseScramSecret(secret);
      if (v) return { secret: v, doomed: false };
    } else if (!isMd5Secret(secret)) {
      // A plain password (tests): derive the verifier the role would have.
      const salt = createHash('sha256').update(user).update(mockAuthNonce).digest().subarray(0, 16);
      return { secret: { iterations: SCRAM_ITERATIONS, salt, ...scramKeys(secret, salt, SCRAM_ITERATIONS) }, doomed: false };
    }
  }
  // No role, no password, or an md5 hash: SCRAM cannot succeed; go through the motions.
  return { secret: mockSecret(user), doomed: true };
}

function scramExchange(user: string, stored: string | null): AuthExchange {
  const { secret, doomed } = scramSecretFor(user, stored);
  let state: 'init' | 'continue' | 'finished' = 'init';
  let gs2Header = '';
  let clientFirstBare = '';
  let serverFirst = '';
  let nonce = '';

  function clientFirst(body: Buffer): AuthStep {
    const msg = parseSASLInitialResponse(new Reader(body));
    if (msg.mechanism !== SCRAM_MECHANISM) throw new ProtocolError('client selected an invalid SASL authentication mechanism', '08P01', 'FATAL');
    if (msg.data === null) throw malformed('The message is empty.');
    const text = msg.data.toString('utf8');
    // gs2-header = gs2-cbind-flag "," [ authzid ] ","
    const m = /^([^,]*),([^,]*),(.*)$/s.exec(text);
    if (!m) throw malformed('Comma expected, but found end of string.');
    const [, cbind, authzid, bare] = m as unknown as [string, string, string, string];
    if (cbind.startsWith('p=')) throw malformed('The client selected SCRAM-SHA-256 without channel binding, but the SCRAM message includes channel binding data.');
    if (cbind !== 'n' && cbind !== 'y') throw malformed(`Unexpected channel-binding flag "${cbind.slice(0, 1)}".`);
    if (authzid !== '') throw new ProtocolError('client uses authorization identity, but it is not supported', '0A000', 'FATAL');
    // client-first-message-bare = "n=" saslname "," "r=" c-nonce ["," extensions]
    const attrs = bare.split(',');
    if (attrs[0]?.startsWith('m=')) throw new ProtocolError('client requires an unsupported SCRAM extension', '0A000', 'FATAL');
    if (!attrs[0]?.startsWith('n=')) throw malformed('Expected attribute "n".');
    if (!attrs[1]?.startsWith('r=')) throw malformed('Expected attribute "r".');
    const clientNonce = attrs[1].slice(2);
    if (clientNonce === '' || !isPrintable(clientNonce)) throw malformed('The client nonce contains invalid characters.');
    gs2Header = `${cbind},${authzid},`;
    clientFirstBare = bare;
    nonce = clientNonce + randomBytes(RAW_NONCE_LEN).toString('base64');
    serverFirst = `r=${nonce},s=${secret.salt.toString('base64')},i=${secret.iterations}`;
    state = 'continue';
    return { send: [createAuthenticationSASLContinue(serverFirst)], done: false };
  }

  function clientFinal(body: Buffer): AuthStep {
    const text = parseSASLResponse(new Reader(body)).data.toString('utf8');
    // client-final-message = "c=" base64(gs2-header) "," "r=" nonce ["," extensions] "," "p=" proof
    const attrs = text.split(',');
    if (!attrs[0]?.startsWith('c=')) throw malformed('Expected attribute "c".');
    if (attrs[0].slice(2) !== Buffer.from(gs2Header).toString('base64')) throw new ProtocolError('SCRAM channel binding check failed', '08P01', 'FATAL');
    if (!attrs[1]?.startsWith('r=')) throw malformed('Expected attribute "r".');
    if (attrs[1].slice(2) !== nonce) throw malformed('Nonce does not match.');
    const last = attrs[attrs.length - 1]!;
    if (attrs.length < 3 || !last.startsWith('p=')) throw malformed('Could not find proof in client-final-message.');
    const proof = Buffer.from(last.slice(2), 'base64');
    if (proof.length !== 32) throw malformed('Malformed proof in client-final-message.');
    const withoutProof = text.slice(0, text.length - last.length - 1);
    const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
    // ClientKey = ClientProof XOR HMAC(StoredKey, AuthMessage); it must hash to StoredKey.
    const clientSignature = createHmac('sha256', secret.storedKey).update(authMessage).digest();
    const clientKey = Buffer.alloc(32);
    for (let i = 0; i < 32; i++) clientKey[i] = proof[i]! ^ clientSignature[i]!;
    const ok = timingSafeEqual(createHash('sha256').update(clientKey).digest(), secret.storedKey);
    state = 'finished';
    if (!ok || doomed) throw authFailed(user);
    const serverSignature = createHmac('sha256', secret.serverKey).update(authMessage).digest();
    return { send: [createAuthenticationSASLFinal(`v=${serverSignature.toString('base64')}`)], done: true };
  }

  return {
    method: 'scram-sha-256',
    start: () => createAuthenticationSASL([SCRAM_MECHANISM]),
    step(body) {
      switch (state) {
        case 'init':
          return clientFirst(body);
        case 'continue':
          return clientFinal(body);
        case 'finished':
          throw new ProtocolError('SCRAM exchange already finished', '08P01', 'FATAL');
      }
    },
  };
}
