/**
 * Ids and names. Ids are stable handles (secrets, jump hosts and the engine refer to them), so
 * they are made once from the name and never change when the profile is renamed. Names are what
 * the user picks profiles by (`burrow up --profile NAME`, the list), so they must be unique.
 */

const MAX_ID = 64;
const MAX_NAME = 100;

/** `"Staging DB (eu)"` → `"staging-db-eu"`; `fallback` when nothing usable is left. */
export function slugify(text: unknown, fallback: string): string {
  if (typeof text !== 'string') return fallback;
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_ID - 8)
    .replace(/-+$/, '');
  return slug || fallback;
}

/** `base`, or `base-2`, `base-3`… whichever is not taken yet. */
export function uniqueId(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const id = `${base}-${n}`;
    if (!taken.has(id)) return id;
  }
}

/** The key two names are compared by: `" Staging "` and `"staging"` are the same name. */
export function nameKey(name: string): string {
  return name.trim().normalize('NFC').toLowerCase();
}

/**
 * `"Web (copy)"`, then `"Web (copy 2)"`…; copying a copy counts on from the original's name
 * instead of stacking suffixes. `label` is `copy` or `imported`.
 */
export function derivedName(name: string, label: string, taken: ReadonlySet<string>): string {
  const suffix = new RegExp(` \\(${label}(?: \\d+)?\\)$`);
  const base = name.trim().replace(suffix, '');
  for (let n = 1; ; n++) {
    const tail = n === 1 ? ` (${label})` : ` (${label} ${n})`;
    const candidate = `${base.slice(0, MAX_NAME - tail.length)}${tail}`;
    if (!taken.has(nameKey(candidate))) return candidate;
  }
}
