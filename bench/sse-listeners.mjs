// A separate process of SSE subscribers for bench/dispatch.bench.ts, so that reading 100 streams
// does not share the server's thread: opens N streams on live.events with the given cookie,
// prints "ready" once all are listening, then one line per case event read: "<event id> <epoch ms>"
// (performance.timeOrigin + performance.now(), the clock the parent uses too). Plain .mjs: no tsx.
const [base, cookie, n] = process.argv.slice(2);
let ready = 0;
const out = [];
await Promise.all(
  Array.from({ length: Number(n) }, async () => {
    const res = await fetch(`${base}/trpc/live.events`, { headers: { cookie, accept: 'text/event-stream' } });
    const reader = res.body.getReader();
    const dec = new TextDecoder();
    let text = '';
    let counted = false;
    (async () => {
      for (;;) {
        const chunk = await reader.read().catch(() => ({ done: true }));
        if (chunk.done) return;
        const t = performance.timeOrigin + performance.now();
        text += dec.decode(chunk.value);
        if (!counted && text.includes('"kind":"ready"')) {
          counted = true;
          if (++ready === Number(n)) process.stdout.write('ready\n');
        }
        // one message per block (its resume token, then its data); only case events count
        const blocks = text.split('\n\n');
        text = blocks.pop();
        for (const b of blocks) {
          // the event's own id (the resume token's number is the newest id delivered, not this one's)
          const m = /"kind":"case","event":\{"id":(\d+)/.exec(b);
          if (m) out.push(`${m[1]} ${t}`);
        }
      }
    })();
  }),
);
process.stdin.on('data', () => {
  // exit only once the pipe has taken it all: stdout to a pipe is asynchronous, and exiting at
  // once cut the ~250 kB report short (the parent then never read 'end')
  process.stdout.write(out.join('\n') + '\nend\n', () => process.exit(0));
});
