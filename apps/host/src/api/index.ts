// The management API's public surface for the host entry.
export { API_RESOURCES, type CreateApiOptions, createApi } from './app.js';
export { EventTickets, PAIRED_CLIENT_READ_ALLOWLIST } from './auth.js';
export type { ApiDeps, ApiEnv, StreamingStatus } from './context.js';
export { type ApiServers, ListenError, listenApi } from './server.js';
export { loadOrCreateToken, type MgmtToken, TokenError } from './token.js';
export { TokenBackoff } from './token-backoff.js';
