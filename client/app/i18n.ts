// All UI strings, Chinese first with an English switch. The language lives in the URL (?lang=en).
export type Lang = 'zh' | 'en';

const strings = {
  title: { zh: 'CityGrid 城市网格运行中心', en: 'CityGrid city operations' },
  illustrative: { zh: '演示城市：漳州（乡镇、村居、网格等几何为合成示意数据）', en: 'Demo city: Zhangzhou (township, village and grid shapes are synthetic, illustrative)' },
  districts: { zh: '区县', en: 'Districts' },
  townships: { zh: '乡镇街道', en: 'Townships' },
  villages: { zh: '村（社区）', en: 'Villages & communities' },
  population: { zh: '常住人口（2020普查）', en: 'Residents (2020 census)' },
  unitGrids: { zh: '单元网格', en: 'Unit grids' },
  responsibilityGrids: { zh: '责任网格', en: 'Responsibility grids' },
  compounds: { zh: '物业小区', en: 'Managed compounds' },
  clinics: { zh: '村卫生所', en: 'Village clinics' },
  cases2022: { zh: '2022年1–8月案件', en: 'Cases Jan–Aug 2022' },
  openCases: { zh: '在办案件', en: 'Open cases' },
  handlingRate: { zh: '处置率', en: 'Handling rate' },
  closureRate: { zh: '结案率', en: 'Closure rate' },
  loading: { zh: '加载中…', en: 'Loading…' },
  failed: { zh: '数据加载失败：', en: 'Could not load: ' },
  engine: { zh: '数据库引擎', en: 'Database engine' },
  switchLang: { zh: 'English', en: '中文' },
} as const;

export type StringKey = keyof typeof strings;

export function t(lang: Lang, key: StringKey): string {
  return strings[key][lang];
}

export function langFromUrl(search: string): Lang {
  return new URLSearchParams(search).get('lang') === 'en' ? 'en' : 'zh';
}

export function formatNumber(lang: Lang, n: number): string {
  return n.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB');
}

export function formatPercent(lang: Lang, ratio: number | null): string {
  return ratio === null ? '—' : `${(ratio * 100).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} %`;
}
