-- Custom migration: PostGIS is needed by every later migration (drizzle-kit never emits it).
CREATE EXTENSION IF NOT EXISTS postgis;
