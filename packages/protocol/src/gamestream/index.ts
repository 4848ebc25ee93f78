export * from './pairing-crypto.js';
export * from './query.js';
export * from './replies.js';
export * from './xml.js';
