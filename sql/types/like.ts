/*
 * LIKE / ILIKE (like_match.c MatchText) and POSIX regular expressions
 * (~, ~*). LIKE is a direct matcher: % any run, _ one character, the escape
 * character (default backslash) quoting the next one. ILIKE lower-cases both
 * sides first, as PostgreSQL does for a non-C-ctype-insensitive match.
 */
import { SqlError } from '../errors.ts';

/** Code points of a string (LIKE's _ matches one character, not one UTF-16 unit). */
function codePoints(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.codePointAt(i)!;
    out.push(c);
    if (c > 0xffff) i++;
  }
  return out;
}

const PERCENT = 37;
const UNDERSCORE = 95;

/** MatchText's result: true, false, or abort (no match possible at any later start). */
const enum M {
  True,
  False,
  Abort,
}

function matchText(t: number[], ti: number, p: number[], pi: number, esc: number): M {
  if (p.length - pi === 1 && p[pi] === PERCENT) return M.True;
  while (ti < t.length && pi < p.length) {
    const pc = p[pi]!;
    if (pc === esc && esc >= 0) {
      pi++;
      if (pi >= p.length) throw new SqlError('22025', 'LIKE pattern must not end with escape character');
      if (p[pi] !== t[ti]) return M.False;
    } else if (pc === PERCENT) {
      pi++;
      // Collapse runs of % and _: each _ consumes one text character.
      while (pi < p.length) {
        if (p[pi] === PERCENT) pi++;
        else if (p[pi] === UNDERSCORE) {
          if (ti >= t.length) return M.Abort;
          ti++;
          pi++;
        } else break;
      }
      if (pi >= p.length) return M.True;
      let first = p[pi]!;
      if (first === esc && esc >= 0) {
        if (pi + 1 >= p.length) throw new SqlError('22025', 'LIKE pattern must not end with escape character');
        first = p[pi + 1]!;
      }
      while (ti < t.length) {
        if (t[ti] === first) {
          const r = matchText(t, ti, p, pi, esc);
          if (r !== M.False) return r;
        }
        ti++;
      }
      return M.Abort;
    } else if (pc === UNDERSCORE) {
      // Matches any single character.
    } else if (pc !== t[ti]) return M.False;
    ti++;
    pi++;
  }
  if (ti < t.length) return M.False;
  while (pi < p.length && p[pi] === PERCENT) pi++;
  return pi >= p.length ? M.True : M.Abort;
}

export function likeMatch(text: string, pattern: string, caseInsensitive: boolean, escape?: string): boolean {
  if (caseInsensitive) {
    text = text.toLowerCase();
    pattern = pattern.toLowerCase();
  }
  let esc = 92;
  if (escape !== undefined) {
    const e = codePoints(escape);
    if (e.length > 1) throw new SqlError('22025', 'invalid escape string', { hint: 'Escape string must be empty or one character.' });
    esc = e.length === 0 ? -1 : e[0]!;
  }
  // Fast path: a pattern without wildcards or escapes is an equality test.
  if (pattern.indexOf('%') < 0 && pattern.indexOf('_') < 0 && (esc < 0 || pattern.indexOf(String.fromCodePoint(esc)) < 0)) return text === pattern;
  return matchText(codePoints(text), 0, codePoints(pattern), 0, esc) === M.True;
}

const regexCache = new Map<string, RegExp>();

/** text ~ pattern (case-insensitive for ~*): JavaScript's engine stands in for PostgreSQL's ARE for the common syntax. */
export function regexMatch(text: string, pattern: string, caseInsensitive: boolean): boolean {
  const key = (caseInsensitive ? 'i:' : 's:') + pattern;
  let re = regexCache.get(key);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, caseInsensitive ? 'iu' : 'u');
    } catch (e) {
      throw new SqlError('2201B', `invalid regular expression: ${(e as Error).message}`);
    }
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(key, re);
  }
  return re.test(text);
}
