// What is being typed into a report lives here, above every error boundary and outside any one
// component: a render error in the form, a tab switched away and back, or a reload of the page
// never loses it. One draft per form ('desk', 'phone'); its text is mirrored in the tab's
// sessionStorage (photos not yet uploaded stay in memory as Blobs).
import { useCallback, useSyncExternalStore } from 'react';

export interface DraftPhoto {
  /** The server's reference once uploaded (`photo:<uuid>`). */
  ref?: string;
  thumbUrl: string;
  /** A photo taken while the upload could not be made (offline): the picture itself, sent with the report. */
  blob?: Blob;
}

const drafts = new Map<string, unknown>();
const listeners = new Set<() => void>();
const storeKey = (name: string) => `citygrid.draft.${name}`;

function load<T>(name: string, initial: () => T): T {
  if (!drafts.has(name)) {
    let v: T = initial();
    try {
      const saved = sessionStorage.getItem(storeKey(name));
      if (saved) v = { ...v, ...(JSON.parse(saved) as Partial<T>) };
    } catch {
      /* nothing saved, or unreadable */
    }
    drafts.set(name, v);
  }
  return drafts.get(name) as T;
}

function save<T extends { photos?: DraftPhoto[] }>(name: string, v: T) {
  drafts.set(name, v);
  try {
    // photos waiting as Blobs cannot be written as text: those kept are the uploaded ones
    sessionStorage.setItem(storeKey(name), JSON.stringify({ ...v, photos: (v.photos ?? []).filter((p) => p.ref && !p.blob) }));
  } catch {
    /* storage full or refused: the draft still lives in memory */
  }
  for (const l of listeners) l();
}

/** The draft `name` and its setter (a patch or a whole new draft). */
export function useDraft<T extends { photos?: DraftPhoto[] }>(name: string, initial: () => T): [T, (next: Partial<T> | ((d: T) => T)) => void] {
  const subscribe = useCallback((l: () => void) => {
    listeners.add(l);
    return () => listeners.delete(l);
  }, []);
  const d = useSyncExternalStore(subscribe, () => load(name, initial));
  const set = useCallback(
    (next: Partial<T> | ((d: T) => T)) => {
      const cur = load(name, initial);
      save(name, typeof next === 'function' ? next(cur) : { ...cur, ...next });
    },
    // (the initial draft is only read the first time)
    [name],
  );
  return [d, set];
}

/**
 * The draft after its report was taken (registered, or kept in the outbox): a new empty draft
 * when it still says what was sent; otherwise — the person typed on while the call was pending,
 * up to SEND_TIMEOUT_MS — what they typed stays, under a new key (the old one is the sent
 * report's) and without the photos that went with the sent report. A draft that already has
 * another key is left alone.
 */
export function draftAfterSent<D extends { key: string; photos?: DraftPhoto[] }>(current: D, sent: D, fresh: () => D): D {
  if (current.key !== sent.key) return current;
  const text = (d: D) => JSON.stringify({ ...d, key: undefined, photos: undefined });
  const photo = (p: DraftPhoto) => p.ref ?? p.thumbUrl;
  const sentPhotos = new Set((sent.photos ?? []).map(photo));
  const samePhotos = (current.photos ?? []).length === sentPhotos.size && (current.photos ?? []).every((p) => sentPhotos.has(photo(p)));
  const next = fresh();
  if (samePhotos && text(current) === text(sent)) return next;
  return { ...current, key: next.key, photos: (current.photos ?? []).filter((p) => !sentPhotos.has(photo(p))) };
}
