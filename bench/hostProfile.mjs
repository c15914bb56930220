// CPU profile of a running Node process's main thread (VS Code's extension host in
// bench/timelineVsCode.ts --profile-host), through its inspector: SIGUSR1 opens it on
// 127.0.0.1:9229, the profiler runs until this process's stdin closes, then the profile is written
// to OUT (.cpuprofile, for Chrome's DevTools) and the busiest functions by self time are printed.
// Needs a Node with a global WebSocket (22+: code-server's own Node).
//
//   node bench/hostProfile.mjs PID OUT.cpuprofile
import { writeFileSync } from 'node:fs';
import { busiest } from './profileSummary.mjs';

const [pid, out] = process.argv.slice(2).map((a, i) => (i === 0 ? Number(a) : a));
process.kill(pid, 'SIGUSR1');
let target;
for (let i = 0; i < 50 && !target; i++) {
  await new Promise((r) => setTimeout(r, 100));
  target = await fetch('http://127.0.0.1:9229/json/list')
    .then((r) => r.json())
    .then((list) => list[0])
    .catch(() => undefined);
}
if (!target) throw new Error(`no inspector opened by process ${pid}`);
const ws = new WebSocket(target.webSocketDebuggerUrl);
await new Promise((r, j) => ((ws.onopen = r), (ws.onerror = j)));
let next = 1;
const waiting = new Map();
ws.onmessage = (m) => {
  const msg = JSON.parse(String(m.data));
  if (msg.id && waiting.has(msg.id)) waiting.get(msg.id)(msg);
};
const send = (method, params = {}) =>
  new Promise((resolve, reject) => {
    const id = next++;
    waiting.set(id, (msg) =>
      msg.error ? reject(new Error(msg.error.message)) : resolve(msg.result),
    );
    ws.send(JSON.stringify({ id, method, params }));
  });
await send('Profiler.enable');
await send('Profiler.setSamplingInterval', { interval: 500 });
await send('Profiler.start');
console.log('profiling');
process.stdin.resume();
await new Promise((r) => process.stdin.on('end', r));
const { profile } = await send('Profiler.stop');
writeFileSync(out, JSON.stringify(profile));
ws.close();

const { total, idle, lines } = busiest(profile, 30);
console.log(
  `main thread: ${(total / 1e6).toFixed(1)} s profiled, ${((total - idle) / 1e6).toFixed(1)} s busy; busiest by self time:`,
);
for (const line of lines) console.log(`  ${line}`);
process.exit(0);
