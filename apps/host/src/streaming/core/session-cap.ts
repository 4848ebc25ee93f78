// The cap on concurrent sessions (PUNKTFUNK_MAX_SESSIONS), over both paths:
// GameStream launch records (a launched client holds its ports and app even
// between streams) and punktfunk/1 streams. The reason is what the client
// shows: Moonlight puts a /launch refusal's status_message on screen, the
// punktfunk/1 client prints the hello's refusal.

/** Why one more session is refused with `inUse` running, or null when there is room. */
export function overSessionCap(inUse: number, maxSessions: number): string | null {
  if (inUse < maxSessions) return null;
  const clients = inUse === 1 ? '1 client' : `${inUse} clients`;
  return `this host already streams to ${clients} (PUNKTFUNK_MAX_SESSIONS=${maxSessions})`;
}
