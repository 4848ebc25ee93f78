// A Moonlight-style GameStream client: pairing, app list and launch over
// HTTP/HTTPS, the RTSP handshake, the encrypted ENet control stream, video
// (FEC, depacketizing) and Opus audio. `startStreamSession` runs a whole
// stream; the pieces are exported for tests that drive one wire piece alone.
export * from './announce-sdp.js';
export * from './audio-fec-queue.js';
export * from './audio-receiver.js';
export * from './control-client.js';
export * from './enet-client.js';
export * from './fec-matrices.js';
export * from './gf256.js';
export * from './http-client.js';
export * from './input-packets.js';
export * from './negotiation.js';
export * from './rtsp-client.js';
export * from './session.js';
export * from './udp.js';
export * from './video-depacketizer.js';
export * from './video-fec-queue.js';
export * from './video-packet.js';
export * from './video-receiver.js';
