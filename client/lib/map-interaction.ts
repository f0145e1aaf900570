// How a panel beside the map takes the map's clicks and drags for a while (a drawing tool): it
// hands its mode to the console through this context, and gives it back when it goes or when it
// hands null. One mode at a time: the last one handed wins.
import { createContext, useContext, useEffect } from 'react';
import type { MapInteraction } from '../map/MapView.tsx';

export const MapInteractionSlot = createContext<((mode: MapInteraction | null) => void) | null>(null);

export function useMapInteraction(mode: MapInteraction | null): void {
  const set = useContext(MapInteractionSlot);
  useEffect(() => {
    if (!set) return;
    set(mode);
    return () => set(null);
  }, [set, mode]);
}
