import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClientProvider } from '@tanstack/react-query';
import { queryClient } from './lib/api.ts';
import { App } from './app/App.tsx';
import { isOverlayPath } from './app/routes/route-list.ts';
import { prefetchFeeds } from './app/Console.tsx';
import { loadSession, may } from './lib/session.ts';
import './app/theme.css';

// who is asking first (a few ms); then the feeds start before React and the map have even started
// (not under a panel that covers the map: the admin screens)
void loadSession().then(
  (me) => me.actor && !isOverlayPath(window.location.pathname) && prefetchFeeds(window.location.search, (p) => may(me, p)),
  () => {}, // App shows the failure and offers a retry
);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
