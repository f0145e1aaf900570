// The one place failed calls become a visible message: panels call notify(), and unhandled
// promise rejections anywhere on the page end up here too.
import { useEffect, useState } from 'react';
import { errorText } from './i18n.ts';

export interface Notice {
  id: number;
  text: string;
}
type Listener = (n: Notice[]) => void;
let notices: Notice[] = [];
let nextId = 1;
const listeners = new Set<Listener>();
const emit = () => listeners.forEach((l) => l(notices));

export function notify(text: string): void {
  if (notices.some((n) => n.text === text)) return;
  const n = { id: nextId++, text };
  notices = [...notices.slice(-3), n];
  emit();
  setTimeout(() => dismiss(n.id), 12_000);
}

export function dismiss(id: number): void {
  notices = notices.filter((n) => n.id !== id);
  emit();
}

export function useNotices(): Notice[] {
  const [list, setList] = useState(notices);
  useEffect(() => {
    listeners.add(setList);
    return () => void listeners.delete(setList);
  }, []);
  return list;
}

if (typeof window !== 'undefined')
  window.addEventListener('unhandledrejection', (e) => notify(errorText(e.reason)));
