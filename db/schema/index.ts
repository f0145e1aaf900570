// The drizzle schema, one file per domain. This file only gathers them for drizzle's typed
// client and drizzle-kit (drizzle needs a single schema object).
import * as places from './places.ts';
import * as grids from './grids.ts';
import * as communities from './communities.ts';
import * as clinics from './clinics.ts';
import * as dispatch from './dispatch.ts';
import * as cases from './cases.ts';
import * as users from './users.ts';
import * as meta from './meta.ts';
import * as coverage from './coverage.ts';

export const schema = { ...places, ...grids, ...communities, ...clinics, ...dispatch, ...cases, ...users, ...meta, ...coverage };
