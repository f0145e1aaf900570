// The settings, typed, and the working calendar: the only way the server reads app_meta,
// calendar_days and working_periods (docs/decisions/0021-settings-once.md). What a setting is —
// key, kind, default, bounds, unit, labels — is declared once in domain/settings-policy.ts; the
// values come from the reference data (server/dispatch/reference.ts), kept in memory under the
// database's reference stamp, so a saved change is seen by every reader at its next read, in
// every server process, and a read costs one small query for the stamp.
// A stored value the policy refuses is never replaced by a default: the server refuses to start
// naming it (assertStoredSettings), and a reader of that one setting is refused naming it (a value
// broken by hand while the server runs), while every other setting reads on.
// `src` is a transaction or connection (Db), or reference data a caller already holds.
import type { Db } from '../../db/engine.ts';
import { ConfigError } from '../../db/config-error.ts';
import { messageOf } from '../../domain/messages.ts';
import { checkTogether, SETTING_KEYS, SETTINGS, type Limit, type SettingKey, type SettingKind, type SettingLabel, type SettingValue } from '../../domain/settings-policy.ts';
import type { WorkingCalendar } from '../../domain/working-clock.ts';
import type { GridRules } from '../../domain/grid-rules.ts';
import { refOf, type RefSource } from '../dispatch/reference.ts';
import { refuse } from '../query-error.ts';
import { storedValue, writeSetting, type SettingProblem, type StoredSettings } from './settings-store.ts';

export type { Limit, SettingKey, SettingValue };

/** The problem in English, then in Chinese (for the start-up list and a refused read). */
const why = (p: SettingProblem, lang: 'zh' | 'en') => messageOf(p.reason, p.params, lang) ?? p.reason;
/** `key = 'value': why` — one line of the start-up refusal. */
export const describeProblem = (p: SettingProblem) => `${p.key} = '${p.found}': ${why(p, 'en')}`;

/** A read of a setting whose value in force is refused: a server error naming the key, the value and why. */
const badStored = (p: SettingProblem) => refuse('INTERNAL_SERVER_ERROR', 'settings.badStored', { key: p.key, found: p.found, why: why(p, 'en'), whyZh: why(p, 'zh') });

function valueIn<K extends SettingKey>(s: StoredSettings, key: K): SettingValue<K> {
  const p = s.problems.get(key);
  if (p) throw badStored(p);
  return s.values.get(key) as SettingValue<K>;
}

/** One setting's value in force (stored, or its default when app_meta has no row). */
export async function setting<K extends SettingKey>(src: RefSource, key: K): Promise<SettingValue<K>> {
  return valueIn((await refOf(src)).settings, key);
}

/** Several settings at once, as an object keyed like `keys` (one read of the reference data). */
async function settingsOf<const M extends Record<string, SettingKey>>(src: RefSource, keys: M): Promise<{ [P in keyof M]: SettingValue<M[P]> }> {
  const s = (await refOf(src)).settings;
  return Object.fromEntries(Object.entries(keys).map(([name, key]) => [name, valueIn(s, key)])) as { [P in keyof M]: SettingValue<M[P]> };
}

/** The working calendar (calendar_days, working_periods) as the caller's transaction sees it. */
export async function workingCalendar(src: RefSource): Promise<WorkingCalendar> {
  return (await refOf(src)).calendar;
}

/** The calendar's rows as stored (a correction builds the calendar it would become from them). */
export async function workingCalendarRows(src: RefSource) {
  return (await refOf(src)).calendarRows;
}

/** The share of a stage's limit after which its light turns yellow (clock.warn_ratio, 0 < r < 1). */
export const warnRatio = (src: RefSource): Promise<number> => setting(src, 'clock.warn_ratio');

/** The case clocks' settings: the working calendar and the warning share. */
export async function clockSettings(src: RefSource): Promise<{ calendar: WorkingCalendar; warnRatio: number }> {
  const ref = await refOf(src);
  return { calendar: ref.calendar, warnRatio: valueIn(ref.settings, 'clock.warn_ratio') };
}

/** Sign-in throttling and session lifetimes (auth.*). */
export const authSettings = (src: RefSource) =>
  settingsOf(src, {
    maxFailures: 'auth.max_failures',
    maxFailuresPerAddress: 'auth.max_failures_per_address',
    failureWindowMinutes: 'auth.failure_window_minutes',
    lockoutMinutes: 'auth.lockout_minutes',
    sessionHours: 'auth.session_hours',
    sessionIdleMinutes: 'auth.session_idle_minutes',
    maxFailuresPerDevice: 'auth.max_failures_per_device',
    deviceDays: 'auth.device_days',
    maxConcurrentHashes: 'auth.max_concurrent_hashes',
  });
export type AuthSettings = Awaited<ReturnType<typeof authSettings>>;

/** The photo limits (photos.*): upload body bytes (never above PHOTO_MAX_BYTES: the policy's bound), sides in pixels, photos per person and day. */
export const photoSettings = (src: RefSource) =>
  settingsOf(src, { maxUploadBytes: 'photos.max_upload_bytes', maxSide: 'photos.max_side', thumbSide: 'photos.thumb_side', perUserDay: 'photos.per_user_day' });
export type PhotoSettings = Awaited<ReturnType<typeof photoSettings>>;

/** Escalation: shares of a stage's limit (ascending) and the role told at each level (as many or more). */
export const escalationSettings = (src: RefSource) => settingsOf(src, { levels: 'workflow.escalation_levels', targets: 'workflow.escalation_targets' });

/** The workflow's own stage limits (the categories' are in category_time_limits). */
export const workflowLimits = (src: RefSource) =>
  settingsOf(src, { file: 'workflow.limit.file', dispatch: 'workflow.limit.dispatch', acceptNormal: 'workflow.limit.accept.normal', acceptUrgent: 'workflow.limit.accept.urgent' });

/** The problems of the stored settings, and the app_meta keys no setting declares. */
export async function storedSettingProblems(db: Db): Promise<{ problems: SettingProblem[]; unknown: readonly string[] }> {
  const s = (await refOf(db)).settings;
  return { problems: [...s.problems.values()], unknown: s.unknown };
}

/**
 * At start: every stored setting must pass the policy, or the server does not start; the
 * refusal lists each bad one (key, value, why). Keys no setting declares are only reported
 * (`warn`): a newer version's setting, or one written by hand, harms nothing here.
 */
export async function assertStoredSettings(db: Db, warn: (line: string) => void = console.warn): Promise<void> {
  const { problems, unknown } = await storedSettingProblems(db);
  if (unknown.length) warn(`app_meta holds keys that are no setting of this version (ignored): ${unknown.join(', ')}`);
  if (problems.length) {
    throw new ConfigError(
      `${problems.length === 1 ? 'a stored setting is' : `${problems.length} stored settings are`} not valid (table app_meta; correct ${problems.length === 1 ? 'it' : 'them'} in SQL, then start again): ${problems.map(describeProblem).join('; ')}`,
    );
  }
}

/** One setting as the admin screen lists it. */
export interface SettingView {
  key: SettingKey;
  kind: SettingKind;
  label: SettingLabel;
  description: SettingLabel;
  unit: SettingLabel | null;
  default: string;
  /** What app_meta holds (null: no row, the default is in force). */
  stored: string | null;
  /** The text in force: pass it back as `expected` when saving. */
  value: string;
  /** Why the value in force is refused (only for a value broken by hand while the server runs). */
  problem: { reason: string; params: Record<string, string | number | boolean> } | null;
}

/** Every declared setting, in order, with what is stored and in force. */
export async function listSettings(db: Db): Promise<SettingView[]> {
  const s = (await refOf(db)).settings;
  return SETTING_KEYS.map((key) => {
    const d = SETTINGS[key];
    const stored = s.stored.get(key) ?? null;
    const p = s.problems.get(key);
    return { key, kind: d.kind, label: d.label, description: d.description, unit: d.unit, default: d.default, stored, value: stored ?? d.default, problem: p ? { reason: p.reason, params: p.params } : null };
  });
}

/**
 * Saves one setting (already checked against its policy by the procedure's input), if the text
 * in force is still `expected`; refuses a value that breaks a rule between settings, and a stale
 * `expected` (CONFLICT, with what is in force now). Returns the old and the new text.
 */
export async function saveSetting(db: Db, input: { key: SettingKey; value: SettingValueText; expected: string }): Promise<{ key: SettingKey; old: string; value: string }> {
  const { key, value, expected } = input;
  const s = (await refOf(db)).settings;
  const stored = s.stored.get(key) ?? null;
  const current = stored ?? SETTINGS[key].default;
  if (current !== expected) throw refuse('CONFLICT', 'settings.changed', { key, current });
  const together = checkTogether((k) => (k === key ? value.parsed : s.values.get(k)) as SettingValue<typeof k> | undefined);
  if (together.length) throw refuse('BAD_REQUEST', together[0].reason, together[0].params);
  if (!(await writeSetting(db, key, value.text, stored))) throw refuse('CONFLICT', 'settings.changed', { key, current: (await storedValue(db, key)) ?? SETTINGS[key].default });
  return { key, old: current, value: value.text };
}

/** A setting's text as typed (trimmed) and its typed value, as the policy read it. */
export interface SettingValueText {
  text: string;
  parsed: unknown;
}

/** The grid editor's rules (grid.*; domain/grid-rules.ts). */
export const gridRules = (src: RefSource): Promise<GridRules> =>
  settingsOf(src, {
    overlapToleranceM2: 'grid.overlap_tolerance_m2',
    minGapM2: 'grid.min_gap_m2',
    spikeDegrees: 'grid.spike_degrees',
    minAreaM2: 'grid.min_area_m2',
    maxAreaM2: 'grid.max_area_m2',
  });
