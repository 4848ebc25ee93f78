export * from './enet/index.js';
export * from './gamestream/index.js';
export * from './pf1/framing.js';
export * from './pf1/keying.js';
export * from './pf1/messages.js';
export * from './pf1/pairing.js';
