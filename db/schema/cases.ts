// Cases (案卷) and their append-only event log. The case row is a projection kept in step with
// its events in the same transaction; indicators are computed from the events.
import { sql } from 'drizzle-orm';
import { pgTable, bigserial, bigint, integer, char, text, timestamp, doublePrecision, jsonb, boolean, index, primaryKey, uuid, uniqueIndex, customType, check } from 'drizzle-orm/pg-core';
import { geometry } from './geometry.ts';
import { caseCategories, departments } from './dispatch.ts';
import { unitGrids } from './grids.ts';
import { propertyCommunities } from './communities.ts';
import { apiKeys, users } from './users.ts';

export const cases = pgTable(
  'cases',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    code: text('code').notNull().unique(),
    /** inspector (信息采集), public (公众举报), survey (专项普查), video, referral. */
    source: text('source').notNull(),
    /** patrol, 12319, 12345, 110, app, wechat, survey. */
    channel: text('channel').notNull(),
    externalId: text('external_id'),
    categoryCode: text('category_code').notNull().references(() => caseCategories.code),
    urgency: text('urgency').notNull().default('normal'),
    areaClass: text('area_class').notNull().default('general'),
    description: text('description').notNull().default(''),
    address: text('address').notNull().default(''),
    /** WGS-84 location used for everything spatial. */
    geom: geometry('geom', 'Point').notNull(),
    /** Coordinates as received, and the system they were in (WGS84, GCJ02, BD09). */
    origLng: doublePrecision('orig_lng').notNull(),
    origLat: doublePrecision('orig_lat').notNull(),
    origCrs: text('orig_crs').notNull(),
    status: text('status').notNull(),
    /** Location at filing time (kept even if grids are later re-versioned). */
    unitGridId: integer('unit_grid_id').references(() => unitGrids.id),
    gridCode: char('grid_code', { length: 15 }),
    villageCode: char('village_code', { length: 12 }),
    townshipCode: char('township_code', { length: 9 }),
    districtCode: char('district_code', { length: 6 }),
    propertyCommunityId: integer('property_community_id').references(() => propertyCommunities.id),
    departmentId: integer('department_id').references(() => departments.id),
    reportedAt: timestamp('reported_at', { withTimezone: true }).notNull(),
    handleDueAt: timestamp('handle_due_at', { withTimezone: true }),
    closeDueAt: timestamp('close_due_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /** Optimistic concurrency: bumped by every event. */
    version: integer('version').notNull().default(1),
    // ---- the case engine (migration 0016, docs/decisions/0015): projections its events set
    /** A request waiting for approval: 'extension' or 'park' (domain/transitions.ts). */
    pending: text('pending'),
    /** What was asked for (e.g. {"amount":4,"unit":"working_hour","reason":"…"}). */
    pendingDetail: jsonb('pending_detail'),
    /** The last check's verdict since the last handling (null: not checked). */
    checkPassed: boolean('check_passed'),
    /** The routing suggestion: the department, the rule that chose it and why. */
    suggestedDepartmentId: integer('suggested_department_id').references(() => departments.id),
    routeRuleId: integer('route_rule_id'),
    routeReason: text('route_reason'),
    routeReasonEn: text('route_reason_en'),
    /** The running stage (verify, file, dispatch, accept, handle, check), its start and due instants. */
    stage: text('stage'),
    stageStartedAt: timestamp('stage_started_at', { withTimezone: true }),
    stageDueAt: timestamp('stage_due_at', { withTimezone: true }),
    /** While parked (挂账): the handling limit's remaining working minutes. */
    pausedRemainingMinutes: doublePrecision('paused_remaining_minutes'),
    /** The highest escalation level fired for the running stage (1 dispatcher, 2 shift lead). */
    escalationLevel: integer('escalation_level'),
    /** When the running stage's next escalation level is reached (null: none left); the scheduler's queue. */
    nextEscalationAt: timestamp('next_escalation_at', { withTimezone: true }),
    repliedAt: timestamp('replied_at', { withTimezone: true }),
    /** The callback's result: satisfied, basic, unsatisfied. */
    satisfaction: text('satisfaction'),
    /** Whose task the running verify or check stage is: one of the case's patrol grid's people (migration 0017). */
    assigneeUserId: integer('assignee_user_id').references(() => users.id),
    /**
     * The reporting client's idempotency key (migration 0018): a report sent again (a phone that
     * kept it while offline and retried) finds the case the first sending made, never a second one.
     */
    idempotencyKey: uuid('idempotency_key'),
  },
  (t) => [
    index('cases_geom_idx').using('gist', t.geom),
    index('cases_reported_idx').on(t.reportedAt),
    index('cases_status_idx').on(t.status),
    index('cases_district_idx').on(t.districtCode),
    index('cases_assignee_idx').on(t.assigneeUserId).where(sql`assignee_user_id is not null`),
    uniqueIndex('cases_idempotency_key_idx').on(t.idempotencyKey).where(sql`idempotency_key is not null`),
    // the intake's queue: closed public cases still waiting for their reply or callback, by when they closed (migration 0018)
    index('cases_closed_public_idx').on(t.closedAt).where(sql`status = 'closed' and source = 'public'`),
  ],
);

/** Append-only (a trigger rejects UPDATE and DELETE): who, when, from, to, why, payload. */
export const caseEvents = pgTable(
  'case_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseId: bigint('case_id', { mode: 'number' }).notNull().references(() => cases.id),
    seq: integer('seq').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    type: text('type').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    actor: text('actor').notNull(),
    actorRole: text('actor_role').notNull(),
    reason: text('reason'),
    /** Stage data, e.g. {"departmentId":3,"handleDueAt":"…"} on dispatch. */
    payload: jsonb('payload'),
  },
  (t) => [index('case_events_case_idx').on(t.caseId, t.seq), index('case_events_type_at_idx').on(t.type, t.at)],
);

/** Reporters' personal data, kept apart from the case (masked for most roles: domain/masking.ts, docs/decisions/0006). */
export const caseReporters = pgTable('case_reporters', {
  caseId: bigint('case_id', { mode: 'number' }).primaryKey().references(() => cases.id),
  name: text('name'),
  phone: text('phone'),
  anonymous: char('anonymous', { length: 1 }).notNull().default('N'),
});

/** Escalations fired (督办): once per case, stage run and level, across server processes (migration 0016). */
export const caseEscalations = pgTable(
  'case_escalations',
  {
    caseId: bigint('case_id', { mode: 'number' }).notNull().references(() => cases.id),
    stage: text('stage').notNull(),
    stageStartedAt: timestamp('stage_started_at', { withTimezone: true }).notNull(),
    level: integer('level').notNull(),
    firedAt: timestamp('fired_at', { withTimezone: true }).notNull(),
    eventId: bigint('event_id', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.stage, t.stageStartedAt, t.level] })],
);

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/**
 * Case photos (migration 0018, docs/decisions/0017-case-photos.md): re-encoded JPEG and its
 * thumbnail, in the database so that every server process on one PostgreSQL serves the same
 * photos. Uploaded before the move that cites it (case_id null until then: only the uploader may
 * see it); a move citing `photo:<id>` attaches it to its case, and from then on the case's
 * readers may see it.
 */
export const casePhotos = pgTable(
  'case_photos',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseId: bigint('case_id', { mode: 'number' }).references(() => cases.id),
    /** The event that cited it (report, verify, handle, check…). */
    eventId: bigint('event_id', { mode: 'number' }),
    /** The uploading person, or (migration 0020) the API key that uploaded it: exactly one of the two. */
    uploadedBy: integer('uploaded_by').references(() => users.id),
    uploadedByKey: integer('uploaded_by_key').references(() => apiKeys.id),
    uploadedAt: timestamp('uploaded_at', { withTimezone: true }).notNull(),
    /** Pixels of the stored image (after re-encoding; at most photos.max_side on its long side). */
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    /** The stored JPEG and its thumbnail; bytes counted in `bytes` (the budget is counted on it). */
    image: bytea('image').notNull(),
    thumb: bytea('thumb').notNull(),
    bytes: integer('bytes').notNull(),
    /** sha256 hex of the stored image. */
    sha256: text('sha256').notNull(),
  },
  (t) => [
    index('case_photos_case_idx').on(t.caseId),
    index('case_photos_uploader_idx').on(t.uploadedBy, t.uploadedAt),
    index('case_photos_key_uploader_idx').on(t.uploadedByKey, t.uploadedAt),
    // the purge of uploads never cited by a case (server/photos/photo-purge.ts)
    index('case_photos_unattached_idx').on(t.uploadedAt).where(sql`case_id is null`),
    check('case_photos_one_uploader', sql`(uploaded_by is null) <> (uploaded_by_key is null)`),
  ],
);
