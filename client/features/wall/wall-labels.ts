// Place names on a wall screen's map, drawn as page elements above every map layer and never
// overlapping: each label starts centred on its anchor (a point inside its area, pixels) and,
// while it overlaps a label already placed, moves down or up (whichever is nearer) past it.
// Placed largest area first would need the areas: placed in the given order (callers sort).

export interface LabelBox {
  key: string;
  /** Centre, pixels from the map's top left. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export const overlaps = (a: LabelBox, b: LabelBox, gap = 0): boolean =>
  Math.abs(a.x - b.x) * 2 < a.width + b.width + 2 * gap && Math.abs(a.y - b.y) * 2 < a.height + b.height + 2 * gap;

/** Moves labels vertically until none overlaps another (at least `gap` px apart); keeps the input order's priority. */
export function placeLabels(labels: LabelBox[], gap = 2): LabelBox[] {
  const placed: LabelBox[] = [];
  for (const l of labels) {
    let best: LabelBox = { ...l };
    if (placed.some((p) => overlaps(best, p, gap))) {
      // try offsets in growing steps, alternating down and up, nearest first
      const step = l.height / 2;
      for (let k = 1; k <= 80; k++) {
        const dy = Math.ceil(k / 2) * step * (k % 2 ? 1 : -1);
        const c = { ...l, y: l.y + dy };
        if (!placed.some((p) => overlaps(c, p, gap))) {
          best = c;
          break;
        }
      }
    }
    placed.push(best);
  }
  return placed;
}
