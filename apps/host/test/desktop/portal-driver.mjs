// Runs as the desktop's own user, as the host does: xdg-desktop-portal
// serves only callers it can place (it reads /proc/PID/root of the caller),
// so a root test process cannot ask it directly. Starts the screen casts
// that argv[2] lists (JSON: [{ restoreToken, approvalTimeoutMs }]), one after
// the other, and prints one JSON line per cast: what came back, or the error.
import { closeSync, readlinkSync } from 'node:fs';

// Staged beside its modules by the test (the test user may not reach the checkout).
const dist = new URL('./dist/', import.meta.url);
const { connectSessionBus } = await import(new URL('session-bus.js', dist).href);
const { startPortalScreenCast } = await import(new URL('portal-screencast.js', dist).href);

async function castOnce(bus, step) {
  const waiting = [];
  try {
    const session = await startPortalScreenCast(bus, {
      ...step,
      onWaitingForApproval: (what) => waiting.push(what),
    });
    const fd = session.stream.pipewireFd;
    const fdTarget = fd === null ? null : readlinkSync(`/proc/self/fd/${fd}`);
    if (fd !== null) closeSync(fd);
    await session.close();
    return { stream: session.stream, fdTarget, waiting };
  } catch (error) {
    return { error: { name: error.name, code: error.code ?? null, message: error.message }, waiting };
  }
}

const bus = await connectSessionBus();
for (const step of JSON.parse(process.argv[2] ?? '[{}]')) {
  process.stdout.write(`${JSON.stringify(await castOnce(bus, { restoreToken: null, ...step }))}\n`);
}
bus.disconnect();
