// A load generator in a process of its own for bench/dispatch.bench.ts, so that the client's
// work (building requests, reading answers) does not share the server's thread: sends n
// dispatch.register calls, call i at t0 + i / rate, and prints one JSON line with every
// call's latency (ms, from its start to its answer read) and the run's seconds. Plain .mjs: no tsx.
const [base, cookie, csrf, rate, n, pointsJson] = process.argv.slice(2);
const points = JSON.parse(pointsJson);
const latencies = [];
const t0 = performance.now();
const calls = [];
for (let i = 0; i < Number(n); i++) {
  const at = t0 + (i * 1000) / Number(rate);
  const wait = at - performance.now();
  if (wait > 1) await new Promise((r) => setTimeout(r, wait));
  const p = points[i % points.length];
  const start = performance.now();
  calls.push(
    fetch(`${base}/trpc/dispatch.register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf, origin: base },
      body: JSON.stringify({ channel: '12345', categoryCode: 'E0104', lng: p.lng, lat: p.lat, description: `bench ${i}` }),
    }).then(async (res) => {
      if (!res.ok) throw new Error(`register: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
      latencies.push(performance.now() - start);
    }),
  );
}
await Promise.all(calls);
process.stdout.write(JSON.stringify({ latencies, seconds: (performance.now() - t0) / 1000 }) + '\n', () => process.exit(0));
