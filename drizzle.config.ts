// drizzle-kit configuration: `npx drizzle-kit generate` writes numbered SQL into db/migrations.
// Never edit an applied migration; add a new one (custom ones: `drizzle-kit generate --custom`).
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: ['./db/schema/places.ts', './db/schema/grids.ts', './db/schema/communities.ts', './db/schema/clinics.ts', './db/schema/dispatch.ts', './db/schema/cases.ts', './db/schema/users.ts', './db/schema/meta.ts', './db/schema/coverage.ts'],
  out: './db/migrations',
  extensionsFilters: ['postgis'],
});
