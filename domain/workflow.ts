// The case workflow's states (GB/T 30428, CJJ/T 106), defined once for every side: the order
// they are reached in, the groups the map and the indicators speak of, and which of them run a
// stage clock. Pure: imports nothing of ours. (The transitions between them — who may move a
// case from one state to the next — are the table in domain/transitions.ts.)

/** Every status a case can be in, in workflow order (the wire order of the case feed's statuses). */
export const STATUSES = ['reported', 'verifying', 'verified', 'filed', 'dispatched', 'accepted', 'returned', 'parked', 'handled', 'checked', 'closed', 'voided'] as const;
export type Status = (typeof STATUSES)[number];

/**
 * Status → the group shown on the map and in legends: intake (collected, verified, filed),
 * handling (dispatched to a department, signed for by it, sent back by it, or parked as not
 * solvable now), closing (handled, checked on site),
 * closed, voided. A status outside these (a city extension) is 'other'.
 */
export const STATE_GROUPS = {
  intake: ['reported', 'verifying', 'verified', 'filed'],
  handling: ['dispatched', 'accepted', 'returned', 'parked'],
  closing: ['handled', 'checked'],
  closed: ['closed'],
  voided: ['voided'],
} as const satisfies Record<string, readonly Status[]>;
export type StateGroup = keyof typeof STATE_GROUPS | 'other';
export const STATE_GROUP_ORDER: readonly StateGroup[] = ['intake', 'handling', 'closing', 'closed', 'voided', 'other'];

export function stateGroupOf(status: string): StateGroup {
  for (const g of STATE_GROUP_ORDER) if (g !== 'other' && (STATE_GROUPS[g] as readonly string[]).includes(status)) return g;
  return 'other';
}

/**
 * Statuses whose clock runs against the handling due time (the department's stage). A parked
 * case (挂账) is in the handling group but its clock is paused: no light.
 */
export const HANDLING_STATUSES: ReadonlySet<string> = new Set(['dispatched', 'accepted', 'returned'] satisfies Status[]);
/** Statuses whose clock runs against the closing due time (check and close). */
export const CLOSING_STATUSES: ReadonlySet<string> = new Set(STATE_GROUPS.closing);
/** Statuses that run a stage clock (and so show green, yellow or red). */
export const CLOCKED_STATUSES: readonly Status[] = [...(HANDLING_STATUSES as ReadonlySet<Status>), ...STATE_GROUPS.closing];
/** Statuses after which nothing more happens to a case. */
export const FINISHED_STATUSES: readonly Status[] = [...STATE_GROUPS.closed, ...STATE_GROUPS.voided];

/** The one status a case is closed in (its closing time is measured against the close due time). */
export const CLOSED_STATUS = 'closed' satisfies Status;
/** The status a case starts in, whatever its channel. */
export const FIRST_STATUS = 'reported' satisfies Status;

/** Does this status run a clock? */
export const isClocked = (status: string) => HANDLING_STATUSES.has(status) || CLOSING_STATUSES.has(status);
