// The one place that reads the settings (app_meta) and the working calendar (calendar_days,
// working_periods) from the database, and the one place that writes a setting. Only two modules
// import it: server/dispatch/reference.ts, which calls readSettings when the reference stamp
// moved and keeps the answer in memory under that stamp (migration 0017: statement triggers on
// app_meta, calendar_days and working_periods renew it), and server/settings/settings.ts, the
// typed API everyone else reads through. Every stored value is checked here against the declared
// policy (domain/settings-policy.ts): a bad one is kept as a named problem, never replaced.
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { createCalendar, type WorkingCalendar } from '../../domain/working-clock.ts';
import { checkSetting, checkTogether, isSettingKey, SETTING_KEYS, SETTINGS, SYSTEM_KEYS, type SettingKey, type SettingRefusal, type SettingValue } from '../../domain/settings-policy.ts';

/** A stored value the policy refuses: which key, what is stored, why. */
export interface SettingProblem extends SettingRefusal {
  key: SettingKey;
  found: string;
}

export interface StoredSettings {
  /** The declared keys app_meta holds, as stored (a key not here reads as its default). */
  stored: ReadonlyMap<SettingKey, string>;
  /** The typed value in force of every key without a problem. */
  values: ReadonlyMap<SettingKey, unknown>;
  /** The keys whose value in force is refused: reading them throws, and the server does not start. */
  problems: ReadonlyMap<SettingKey, SettingProblem>;
  /** app_meta keys that are neither settings nor system facts (written by hand or by a newer version). */
  unknown: readonly string[];
}

export interface CalendarData {
  calendar: WorkingCalendar;
  calendarRows: { days: { day: string; kind: string }[]; periods: { startsAt: string; endsAt: string }[] };
}

/** Checks stored texts against the policy (pure: the database's rows in, the typed settings out). */
export function parseSettings(meta: { key: string; value: string }[]): StoredSettings {
  const stored = new Map<SettingKey, string>();
  const unknown: string[] = [];
  for (const { key, value } of meta) {
    if (isSettingKey(key)) stored.set(key, value);
    else if (!SYSTEM_KEYS.includes(key)) unknown.push(key);
  }
  const values = new Map<SettingKey, unknown>();
  const problems = new Map<SettingKey, SettingProblem>();
  for (const key of SETTING_KEYS) {
    const found = stored.get(key) ?? SETTINGS[key].default;
    const r = checkSetting(key, found);
    if (r.ok) values.set(key, r.value);
    else problems.set(key, { key, found, reason: r.reason, params: r.params });
  }
  for (const p of checkTogether((k) => values.get(k) as SettingValue<typeof k> | undefined)) {
    values.delete(p.key);
    problems.set(p.key, { ...p, found: stored.get(p.key) ?? SETTINGS[p.key].default });
  }
  return { stored, values, problems, unknown };
}

/** The settings and the working calendar as the caller's transaction sees them. */
export async function readSettings(db: Db): Promise<{ settings: StoredSettings } & CalendarData> {
  const meta = await rows<{ key: string; value: string }>(db, sql`select key, value from app_meta order by key`);
  const days = await rows<{ day: string; kind: string }>(db, sql`select to_char(day, 'YYYY-MM-DD') as day, kind from calendar_days order by day`);
  const periods = await rows<{ startsAt: string; endsAt: string }>(db, sql`select to_char(starts_at, 'HH24:MI') as "startsAt", to_char(ends_at, 'HH24:MI') as "endsAt" from working_periods order by starts_at`);
  return { settings: parseSettings(meta), calendar: createCalendar(days, periods), calendarRows: { days, periods } };
}

/**
 * Writes `value` for `key` if what is stored is still `expected` (null: no row, the default in
 * force); returns false when another change came first (nothing written). The write renews the
 * reference stamp (the app_meta trigger), so every reader sees it at its next read.
 */
export async function writeSetting(db: Db, key: SettingKey, value: string, expected: string | null): Promise<boolean> {
  const written = expected === null
    ? await rows(db, sql`insert into app_meta (key, value) values (${key}, ${value}) on conflict (key) do nothing returning 1`)
    : await rows(db, sql`update app_meta set value = ${value} where key = ${key} and value = ${expected} returning 1`);
  return written.length === 1;
}

/** What app_meta holds for `key` now (null: no row), for a conflict's answer. */
export async function storedValue(db: Db, key: SettingKey): Promise<string | null> {
  const [r] = await rows<{ value: string }>(db, sql`select value from app_meta where key = ${key}`);
  return r?.value ?? null;
}
