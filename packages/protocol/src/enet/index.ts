export * from './codec.js';
export * from './peer.js';
export * from './wire.js';
