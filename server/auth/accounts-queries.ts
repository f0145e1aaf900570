// The signed-in actor as the client sees it: names of the role, department and districts.
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { queryFailed } from '../query-error.ts';
import type { Actor } from './actor.ts';

export async function describeActor(db: Db, a: Actor) {
  try {
    const [r] = await rows<{ role_name: string; role_name_en: string; dept: { id: number; name: string; nameEn: string } | string | null; districts: { code: string; name: string; nameEn: string }[] | string | null }>(
      db,
      sql`select r.name as role_name, r.name_en as role_name_en,
                 (select json_build_object('id', d.id, 'name', d.name, 'nameEn', d.name_en) from departments d where d.id = ${a.scope.departmentId}) as dept,
                 (select json_agg(json_build_object('code', x.code, 'name', x.name, 'nameEn', x.name_en) order by x.code) from districts x
                   where x.code::text = any(${`{${(a.scope.districts ?? []).join(',')}}`}::text[])) as districts
          from roles r where r.code = ${a.roleCode}`,
    );
    const json = <T>(v: T | string | null): T | null => (typeof v === 'string' ? (JSON.parse(v) as T) : v);
    return {
      kind: a.kind,
      id: a.id,
      name: a.name,
      displayName: a.displayName,
      role: { code: a.roleCode, name: r?.role_name ?? a.roleCode, nameEn: r?.role_name_en ?? a.roleCode },
      permissions: [...a.actions].sort(),
      scope: { kind: a.scope.kind, department: json(r?.dept ?? null), districts: a.scope.districts === null ? null : (json(r?.districts ?? null) ?? []) },
      mustChangePassword: a.mustChangePassword,
      demo: a.demo,
    };
  } catch (err) {
    throw queryFailed('describe account', err);
  }
}
