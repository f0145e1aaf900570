// A tiny promise wrapper over IndexedDB (no package): open a database with its stores, and run
// one transaction whose requests resolve as promises. Enough for the phone's outbox
// (client/features/dispatch/outbox.ts); Blobs (photos) are stored as they are.

/** Resolves with a request's result, rejects with its error. */
export function done<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((ok, fail) => {
    req.onsuccess = () => ok(req.result);
    req.onerror = () => fail(req.error);
  });
}

const opened = new Map<string, Promise<IDBDatabase>>();

/** Opens (once per page) database `name` at `version`, creating the object stores `stores` (keyPath 'key') when missing. */
export function openDb(name: string, version: number, stores: readonly string[]): Promise<IDBDatabase> {
  let p = opened.get(name);
  if (!p) {
    p = new Promise<IDBDatabase>((ok, fail) => {
      const req = indexedDB.open(name, version);
      req.onupgradeneeded = () => {
        for (const s of stores) if (!req.result.objectStoreNames.contains(s)) req.result.createObjectStore(s, { keyPath: 'key' });
      };
      req.onsuccess = () => {
        // another tab upgrading: let it, and open again next time
        req.result.onversionchange = () => {
          req.result.close();
          opened.delete(name);
        };
        ok(req.result);
      };
      req.onerror = () => fail(req.error);
      req.onblocked = () => fail(new Error(`IndexedDB ${name} is blocked by another tab`));
    });
    p.catch(() => opened.delete(name));
    opened.set(name, p);
  }
  return p;
}

/** Runs `fn` in one transaction on `store`; resolves with its value once the transaction has committed. */
export async function inTransaction<T>(db: IDBDatabase, store: string, mode: IDBTransactionMode, fn: (s: IDBObjectStore) => Promise<T> | T): Promise<T> {
  const tx = db.transaction(store, mode);
  const committed = new Promise<void>((ok, fail) => {
    tx.oncomplete = () => ok();
    tx.onabort = () => fail(tx.error ?? new Error('transaction aborted'));
    tx.onerror = () => fail(tx.error);
  });
  const value = await fn(tx.objectStore(store));
  await committed;
  return value;
}
