// The client's pings on the video and audio ports (moonlight-common-c
// VideoStream.c, AudioStream.c; Sunshine's extension): the 16 characters of
// the session's X-SS-Ping-Payload, then a BE32 counter from 1 (20 bytes).
// Older clients send the 4 bytes "PING". The streaming worker's native
// senders check them in C++ (native/src/net/gs_ping.cc); this is the same
// rule for the host's main thread, which takes the first pings before the
// worker runs, and for the test client, which sends them.

export const MEDIA_PING_PAYLOAD_CHARS = 16;
export const MEDIA_PING_BYTES = MEDIA_PING_PAYLOAD_CHARS + 4;
const LEGACY_PING = 'PING';

/** A ping as a client sends it; a null payload gives the legacy "PING". */
export function encodeMediaPing(payload: string | null, counter: number): Buffer {
  if (!payload) return Buffer.from(LEGACY_PING, 'latin1');
  if (payload.length !== MEDIA_PING_PAYLOAD_CHARS)
    throw new RangeError(`a ping payload has 16 characters, got ${payload.length}`);
  const ping = Buffer.alloc(MEDIA_PING_BYTES);
  ping.write(payload, 0, 'latin1');
  ping.writeUInt32BE(counter >>> 0, MEDIA_PING_PAYLOAD_CHARS);
  return ping;
}

/** The ping's counter when `datagram` is a ping of the session with this payload; null for anything else. */
export function readMediaPing(datagram: Buffer, expectedPayload: string): { counter: number } | null {
  if (datagram.length !== MEDIA_PING_BYTES) return null;
  if (datagram.toString('latin1', 0, MEDIA_PING_PAYLOAD_CHARS) !== expectedPayload) return null;
  return { counter: datagram.readUInt32BE(MEDIA_PING_PAYLOAD_CHARS) };
}
