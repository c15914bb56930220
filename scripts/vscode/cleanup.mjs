// One place that stops what a runner started (servers, browsers, temp folders) however the run
// ends: normally, by an exception, by Ctrl-C or by CI killing it.
const tasks = new Set();
let installed = false;

/**
 * Registers a synchronous clean-up step; returns a function that runs it now (once) and
 * unregisters it. Steps must be synchronous because they also run from process 'exit'.
 */
export function onCleanup(step) {
  installHandlers();
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    tasks.delete(run);
    try {
      step();
    } catch (e) {
      console.error(`clean-up step failed: ${e?.message ?? e}`);
    }
  };
  tasks.add(run);
  return run;
}

export function cleanupAll() {
  for (const run of [...tasks].reverse()) run();
}

function installHandlers() {
  if (installed) return;
  installed = true;
  process.on('exit', cleanupAll);
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ]) {
    process.on(signal, () => {
      cleanupAll();
      process.exit(code);
    });
  }
}

/** Kills a whole process group (a child spawned with detached: true leads its own). */
export function killGroup(pid, signal = 'SIGKILL') {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Sends SIGTERM to the group, then SIGKILL if it is still there after graceMs. */
export async function stopGroup(child, graceMs = 3000) {
  if (child.exitCode !== null || child.signalCode !== null) {
    killGroup(child.pid); // leftovers of the group (helpers) may outlive the leader
    return;
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  killGroup(child.pid, 'SIGTERM');
  const timer = new Promise((resolve) => setTimeout(() => resolve('timeout'), graceMs));
  await Promise.race([exited, timer]);
  killGroup(child.pid, 'SIGKILL');
}
