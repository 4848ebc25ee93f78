// Types shared by every part of punktfunk. No runtime dependencies: the
// console, the host and the clients all import this.
export * from './api.js';
export * from './capture-verdict.js';
export * from './frame-analysis.js';
export * from './media.js';
export * from './names.js';
export * from './session-figures.js';
export * from './stats.js';
export * from './timeline.js';
