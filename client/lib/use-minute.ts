// Now, moved on at each full minute: what layers that change with the time alone (case lights,
// read from clock marks) derive from, so they turn without a download.
import { useEffect, useState } from 'react';

export function useMinute(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout>;
    const tick = () => {
      timer = setTimeout(() => {
        setNow(Date.now());
        tick();
      }, 60_000 - (Date.now() % 60_000) + 50);
    };
    tick();
    return () => clearTimeout(timer);
  }, []);
  return now;
}
