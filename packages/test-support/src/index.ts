// Test support shared by the workspace's suites. It starts the host and the
// client as processes (from their dist/) and never imports app code.
export * from './gamestream-host.js';
export * from './host-process.js';
export * from './processes.js';
export * from './recording-fixture.js';
export * from './stats-samples.js';
export * from './stream-clients.js';
