/*
 * Overload resolution shared by operators and functions: PostgreSQL's
 * func_match_argtypes + func_select_candidate (parse_func.c) over candidate
 * signatures, with binary_oper_exact's rule that an unknown literal first
 * tries the other side's type.
 */
import { canCoerce } from './coerce.ts';
import { isPreferredType, typeByOid, typeCategory, TypeOid, type TypeCategory } from './oids.ts';

/** A pseudo-type argument ("any" / anynonarray / anyelement): accepts any input type as it is. */
export const ANY = -1;

export interface Signature {
  args: readonly number[];
}

const categoryOf = (oid: number): TypeCategory | 'P' => (oid === ANY ? 'P' : typeCategory(oid));
const preferred = (oid: number): boolean => oid !== ANY && isPreferredType(oid);

function coercible(from: number, to: number): boolean {
  if (to === ANY) return true;
  if (from === ANY) return false;
  return canCoerce(typeByOid(from), typeByOid(to), 'implicit');
}

export type Resolution<C> = { found: C } | { ambiguous: true } | { none: true };

export function resolveOverload<C extends Signature>(inputs: readonly number[], all: readonly C[]): Resolution<C> {
  const n = inputs.length;
  const sameArity = all.filter((c) => c.args.length === n);
  // Exact match (and, for a binary operator with one unknown side, the other side's type for both).
  const exact = sameArity.find((c) => c.args.every((a, i) => a === inputs[i]));
  if (exact !== undefined) return { found: exact };
  if (n === 2 && (inputs[0] === TypeOid.unknown) !== (inputs[1] === TypeOid.unknown)) {
    const known = inputs[0] === TypeOid.unknown ? inputs[1]! : inputs[0]!;
    const both = sameArity.find((c) => c.args[0] === known && c.args[1] === known);
    if (both !== undefined) return { found: both };
  }
  let cands = sameArity.filter((c) => c.args.every((a, i) => coercible(inputs[i]!, a)));
  if (cands.length === 0) return { none: true };
  if (cands.length === 1) return { found: cands[0]! };

  const keepBest = (score: (c: C) => number): void => {
    let best = -1;
    let kept: C[] = [];
    for (const c of cands) {
      const s = score(c);
      if (s > best) {
        best = s;
        kept = [c];
      } else if (s === best) kept.push(c);
    }
    cands = kept;
  };
  // Most exact matches on known inputs.
  keepBest((c) => c.args.reduce((acc, a, i) => acc + (inputs[i] !== TypeOid.unknown && a === inputs[i] ? 1 : 0), 0));
  if (cands.length === 1) return { found: cands[0]! };
  // Most exact-or-preferred (within the input's category) at positions needing coercion.
  keepBest((c) =>
    c.args.reduce((acc, a, i) => {
      const t = inputs[i]!;
      if (t === TypeOid.unknown) return acc;
      return acc + (a === t || (preferred(a) && categoryOf(a) === categoryOf(t)) ? 1 : 0);
    }, 0),
  );
  if (cands.length === 1) return { found: cands[0]! };
  const unknownCount = inputs.filter((t) => t === TypeOid.unknown).length;
  if (unknownCount === 0) return { ambiguous: true };

  // Categories for the unknown positions: STRING if any candidate takes it, else a category all agree on.
  let resolved = true;
  const slotCategory: Array<TypeCategory | 'P' | undefined> = [];
  const slotPreferred: boolean[] = [];
  for (let i = 0; i < n && resolved; i++) {
    if (inputs[i] !== TypeOid.unknown) continue;
    let conflict = false;
    for (const c of cands) {
      const cat = categoryOf(c.args[i]!);
      const pref = preferred(c.args[i]!);
      if (slotCategory[i] === undefined) {
        slotCategory[i] = cat;
        slotPreferred[i] = pref;
      } else if (cat === slotCategory[i]) slotPreferred[i] ||= pref;
      else if (cat === 'S') {
        slotCategory[i] = cat;
        slotPreferred[i] = pref;
      } else conflict = true;
    }
    if (conflict && slotCategory[i] !== 'S') resolved = false;
  }
  if (resolved) {
    const kept = cands.filter((c) =>
      c.args.every((a, i) => {
        if (inputs[i] !== TypeOid.unknown) return true;
        if (categoryOf(a) !== slotCategory[i]) return false;
        return !(slotPreferred[i] && !preferred(a));
      }),
    );
    if (kept.length > 0) cands = kept;
    if (cands.length === 1) return { found: cands[0]! };
  }
  // Last gasp: every known input has one type; assume the unknowns have it too.
  if (unknownCount < n) {
    const known = inputs.filter((t) => t !== TypeOid.unknown);
    if (known.every((t) => t === known[0])) {
      const assumed = inputs.map(() => known[0]!);
      const matches = cands.filter((c) => c.args.every((a, i) => coercible(assumed[i]!, a)));
      if (matches.length === 1) return { found: matches[0]! };
    }
  }
  return { ambiguous: true };
}
