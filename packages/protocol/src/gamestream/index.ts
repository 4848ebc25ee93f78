export * from './control-messages.js';
export * from './pairing-crypto.js';
export * from './query.js';
export * from './replies.js';
export * from './rtsp.js';
export * from './rtsp-session.js';
export * from './sdp.js';
export * from './xml.js';
