/*
 * Client authentication rules in pg_hba.conf's format (DIR/hba.conf, as
 * utils/dataDir.ts writes it at init): one rule a line,
 *
 *   local      DATABASE  USER  METHOD
 *   host       DATABASE  USER  ADDRESS  METHOD
 *   hostssl    DATABASE  USER  ADDRESS  METHOD
 *   hostnossl  DATABASE  USER  ADDRESS  METHOD
 *
 * DATABASE: all, sameuser, a name, or a comma list of them. USER: all, a
 * name, or a comma list. A quoted name ("all") is a name, not a keyword.
 * ADDRESS: all, an IPv4 or IPv6 CIDR (127.0.0.1/32, ::1/128), or an address
 * followed by a mask field (127.0.0.1 255.255.255.255). METHOD: trust,
 * reject, password, md5, scram-sha-256. '#' starts a comment.
 *
 * Rules are tried in file order and the first whose type, database, user
 * and address match decides (hba.c check_hba); there is no fall-through
 * after a failed authentication. No match is FATAL 28000 with PostgreSQL's
 * wording.
 *
 * Not supported (a parse error names the line): samehost / samenet,
 * host names, samerole / +group (role membership), @file inclusion,
 * authentication options (name=value after the method), and the other
 * methods (peer, ident, gss, sspi, ldap, radius, cert, pam, bsd).
 * `replication` parses and never matches: there are no replication
 * connections.
 *
 * @see https://www.postgresql.org/docs/15/auth-pg-hba-conf.html
 */
import { isIP } from 'node:net';
import { ProtocolError } from './errors.ts';

export type AuthMethod = 'trust' | 'reject' | 'password' | 'md5' | 'scram-sha-256';
export type ConnectionType = 'local' | 'host' | 'hostssl' | 'hostnossl' | 'hostgssenc' | 'hostnogssenc';

const METHODS: readonly AuthMethod[] = ['trust', 'reject', 'password', 'md5', 'scram-sha-256'];
const TYPES: readonly ConnectionType[] = ['local', 'host', 'hostssl', 'hostnossl', 'hostgssenc', 'hostnogssenc'];

/** A database or user token: keywords are only keywords when unquoted. */
interface Token {
  text: string;
  quoted: boolean;
}

type AddressMatch = { kind: 'all' } | { kind: 'cidr'; family: 4 | 6; address: Buffer; mask: Buffer };

export interface HbaRule {
  line: number;
  type: ConnectionType;
  databases: Token[];
  users: Token[];
  /** null for local rules. */
  address: AddressMatch | null;
  method: AuthMethod;
}

export class HbaError extends Error {
  override readonly name = 'HbaError';
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly file: string,
  ) {
    super(`${reason} (line ${line} of configuration file "${file}")`);
  }
}

/** Splits a line into fields; each field is a comma list of tokens ("a, b" is one field). */
function tokenize(line: string): Token[][] {
  const fields: Token[][] = [];
  let i = 0;
  let field: Token[] = [];
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i]!)) i++;
    if (i >= line.length || line[i] === '#') break;
    let text = '';
    let quoted = false;
    while (i < line.length && !/[\s,]/.test(line[i]!)) {
      if (line[i] === '#' && !quoted) break;
      if (line[i] === '"') {
        quoted = true;
        const end = line.indexOf('"', i + 1);
        if (end < 0) throw new Error('unterminated quoted string');
        text += line.slice(i + 1, end);
        i = end + 1;
      } else text += line[i++];
    }
    field.push({ text, quoted });
    if (line[i] === ',') {
      i++;
      continue;
    }
    fields.push(field);
    field = [];
    if (line[i] === '#') break;
  }
  if (field.length > 0) fields.push(field);
  return fields;
}

function ipBytes(text: string): { family: 4 | 6; bytes: Buffer } | null {
  const family = isIP(text);
  if (family === 4) return { family: 4, bytes: Buffer.from(text.split('.').map(Number)) };
  if (family !== 6) return null;
  // Expand '::' and a trailing dotted quad into 8 groups.
  let s = text;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const b = v4[1]!.split('.').map(Number);
    s = s.slice(0, -v4[1]!.length) + ((b[0]! << 8) | b[1]!).toString(16) + ':' + ((b[2]! << 8) | b[3]!).toString(16);
  }
  const [head, tail] = s.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const bytes = Buffer.alloc(16);
  groups.forEach((g, i) => bytes.writeUInt16BE(parseInt(g, 16), i * 2));
  return { family: 6, bytes };
}

function prefixMask(bits: number, len: number): Buffer {
  const mask = Buffer.alloc(len);
  for (let i = 0; i < len; i++) mask[i] = bits >= (i + 1) * 8 ? 0xff : bits <= i * 8 ? 0 : (0xff << (8 - (bits - i * 8))) & 0xff;
  return mask;
}

/** Parses hba.conf text. Throws HbaError naming the first bad line. */
export function parseHba(text: string, file = 'hba.conf'): HbaRule[] {
  const rules: HbaRule[] = [];
  text.split(/\r?\n/).forEach((raw, idx) => {
    const line = idx + 1;
    const fail = (reason: string): never => {
      throw new HbaError(reason, line, file);
    };
    let fields: Token[][];
    try {
      fields = tokenize(raw);
    } catch (err) {
      return fail((err as Error).message);
    }
    if (fields.length === 0) return;
    const single = (f: Token[] | undefined, what: string): string => {
      if (!f) return fail(`end-of-line before ${what}`);
      if (f.length > 1) return fail(`multiple values specified for ${what}`);
      return f[0]!.text;
    };
    const type = single(fields[0], 'connection type') as ConnectionType;
    if (!TYPES.includes(type)) fail(`invalid connection type "${type}"`);
    const databases = fields[1] ?? fail('end-of-line before database specification');
    const users = fields[2] ?? fail('end-of-line before role specification');
    for (const d of databases) {
      if (d.text.startsWith('@') && !d.quoted) fail(`file inclusion ("${d.text}") is not supported`);
      if (!d.quoted && (d.text === 'samerole' || d.text === 'samegroup')) fail(`"${d.text}" is not supported`);
    }
    for (const u of users) {
      if ((u.text.startsWith('+') || u.text.startsWith('@')) && !u.quoted) fail(`group membership ("${u.text}") is not supported`);
    }
    let next = 3;
    let address: AddressMatch | null = null;
    if (type !== 'local') {
      const addr = single(fields[3], 'IP address specification');
      next = 4;
      if (addr === 'all') address = { kind: 'all' };
      else if (addr === 'samehost' || addr === 'samenet') fail(`"${addr}" is not supported`);
      else {
        const [ip, bitsText] = addr.split('/') as [string, string | undefined];
        const parsed = ipBytes(ip);
        if (!parsed) fail(`invalid IP address "${ip}": host names are not supported`);
        const { family, bytes } = parsed!;
        let mask: Buffer;
        if (bitsText !== undefined) {
          const bits = /^\d+$/.test(bitsText) ? Number(bitsText) : NaN;
          if (!(bits >= 0 && bits <= bytes.length * 8)) fail(`invalid CIDR mask in address "${addr}"`);
          mask = prefixMask(bits, bytes.length);
        } else {
          const maskText = single(fields[4], 'netmask specification');
          next = 5;
          const m = ipBytes(maskText);
          if (!m || m.family !== family) fail(`invalid IP mask "${maskText}"`);
          mask = m!.bytes;
        }
        address = { kind: 'cidr', family, address: Buffer.from(bytes.map((b, i) => b & mask[i]!)), mask };
      }
    }
    const method = single(fields[next], 'authentication method') as AuthMethod;
    if (!METHODS.includes(method)) fail(`invalid authentication method "${method}"`);
    if (fields.length > next + 1) fail(`authentication option "${fields[next + 1]!.map((t) => t.text).join(',')}" is not supported`);
    rules.push({ line, type, databases, users, address, method });
  });
  return rules;
}

export interface HbaRequest {
  /** A unix-socket connection. */
  local: boolean;
  /** The connection runs over TLS. */
  ssl?: boolean;
  /** The client's IP address (TCP only); IPv4-mapped IPv6 addresses count as IPv4. */
  address?: string;
  user: string;
  database: string;
}

function typeMatches(type: ConnectionType, req: HbaRequest): boolean {
  switch (type) {
    case 'local':
      return req.local;
    case 'host':
    case 'hostnogssenc':
      return !req.local;
    case 'hostssl':
      return !req.local && req.ssl === true;
    case 'hostnossl':
      return !req.local && req.ssl !== true;
    case 'hostgssenc':
      return false;
  }
}

function addressMatches(m: AddressMatch, text: string | undefined): boolean {
  if (m.kind === 'all') return true;
  if (text === undefined) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text);
  const ip = ipBytes(mapped ? mapped[1]! : text);
  if (!ip || ip.family !== m.family) return false;
  return ip.bytes.every((b, i) => (b & m.mask[i]!) === m.address[i]);
}

const dbMatches = (tokens: Token[], req: HbaRequest): boolean =>
  tokens.some(
    (t) =>
      (!t.quoted && t.text === 'all') || (!t.quoted && t.text === 'sameuser' ? req.database === req.user : !t.quoted && t.text === 'replication' ? false : t.text === req.database),
  );

const userMatches = (tokens: Token[], req: HbaRequest): boolean => tokens.some((t) => (!t.quoted && t.text === 'all') || t.text === req.user);

/** check_hba: the first matching rule, or null. */
export function hbaMatch(rules: readonly HbaRule[], req: HbaRequest): HbaRule | null {
  for (const r of rules) {
    if (!typeMatches(r.type, req)) continue;
    if (!req.local && r.address && !addressMatches(r.address, req.address)) continue;
    if (!dbMatches(r.databases, req)) continue;
    if (!userMatches(r.users, req)) continue;
    return r;
  }
  return null;
}

/**
 * The method to authenticate `req` with. Throws FATAL 28000 as
 * ClientAuthentication does: no rule, or a `reject` rule.
 */
export function hbaAuthMethod(rules: readonly HbaRule[], req: HbaRequest): AuthMethod {
  const rule = hbaMatch(rules, req);
  const host = req.local ? '[local]' : (req.address ?? '');
  const encryption = req.ssl ? 'SSL encryption' : 'no encryption';
  const who = `host "${host}", user "${req.user}", database "${req.database}", ${encryption}`;
  if (!rule) throw new ProtocolError(`no pg_hba.conf entry for ${who}`, '28000', 'FATAL');
  if (rule.method === 'reject') throw new ProtocolError(`pg_hba.conf rejects connection for ${who}`, '28000', 'FATAL');
  return rule.method;
}
