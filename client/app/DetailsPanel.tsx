// The details panel's frame: what was clicked or found, shown by the layer module that owns it
// (its `Details`, loaded over tRPC by its feature), with a close button.
import type { ReactNode } from 'react';
import { say, type Lang } from '../lib/i18n.ts';

export function DetailsPanel({ lang, kind, onClose, children }: { lang: Lang; kind: string; onClose(): void; children: ReactNode }) {
  return (
    <section className="details" data-testid="details" data-kind={kind}>
      <button className="close" onClick={onClose} aria-label={say(lang, 'close')}>
        ×
      </button>
      {children}
    </section>
  );
}
