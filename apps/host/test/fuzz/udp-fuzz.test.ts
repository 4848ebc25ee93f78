// ENet/UDP fuzzer on the three GameStream stream ports during a live session
// (started with the GameStream test client, 320x240@30 to stay cheap):
// mutated, truncated and random datagrams to the video and audio ping ports
// and the control port from a stranger's socket, then mutated ENet datagrams
// from the connected client's own socket, which the host's ENet peer parses
// as the client's. The session survives or ends cleanly; the host answers on.
import { createSocket, type Socket } from 'node:dgram';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  keyboard,
  mouseMoveAbsolute,
  mouseMoveRelative,
  newLaunchKeys,
  type StreamSession,
  startStreamSession,
  utf8Text,
} from '@punktfunk/gamestream-client';
import {
  ControlType,
  decodeEnetDatagram,
  ENET_PEER_ID_NONE,
  ENET_SYSTEM_CHANNEL,
  encodeEnetDatagram,
} from '@punktfunk/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectHostAnswering, type FuzzHost, startFuzzHost } from './fuzz-host.js';
import { fuzzCases, fuzzInput, fuzzSeed, fuzzTimeoutMs, Rng } from './mutator.js';

let f: FuzzHost;
let session: StreamSession;
let stranger: Socket;

beforeAll(async () => {
  f = await startFuzzHost({ paired: true });
  const keys = newLaunchKeys();
  await f.client.launch({ mode: '320x240x30', ...keys.launchParams });
  session = await startStreamSession({
    rtspPort: f.ports.rtsp,
    rikey: keys.rikey,
    rikeyId: keys.rikeyId,
    ...{ width: 320, height: 240, fps: 30, bitrateKbps: 1000 },
  });
  while (session.counters().video.framesComplete === 0) await sleep(20);
  stranger = createSocket('udp4');
  await new Promise<void>((resolve) => stranger.bind(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  stranger?.close();
  await session?.stop();
  await f?.host.stop();
});

// Datagrams per burst, then a pause: the host's socket buffers take this much without dropping.
const BURST = 64;
// What one ENet datagram carries of a sealed control message here (the MTU less ENet's and the seal's headers).
const MAX_UNFRAGMENTED_PAYLOAD = 800;

/** Sends `count` datagrams made by `next`, in bursts. */
async function blast(count: number, send: (i: number) => void): Promise<void> {
  for (let i = 0; i < count; i++) {
    send(i);
    if (i % BURST === BURST - 1) await sleep(2);
  }
}

/** A 20-byte ping with the session's payload (what the client sends to the video and audio ports), and the legacy one. */
function pingSeeds(payload: string): Buffer[] {
  const ping = Buffer.alloc(20);
  ping.write(payload, 0, 'latin1');
  ping.writeUInt32BE(7, 16);
  return [ping, Buffer.from('PING')];
}

/** An ENet CONNECT carrying the session's connect data, from scratch. */
function connectSeed(connectData: number): Buffer {
  return encodeEnetDatagram({
    peerId: ENET_PEER_ID_NONE,
    sessionId: 0,
    sentTime: 1,
    commands: [
      {
        type: 'connect',
        ...{
          acknowledge: true,
          unsequenced: false,
          channelId: ENET_SYSTEM_CHANNEL,
          reliableSequenceNumber: 1,
        },
        ...{
          outgoingPeerId: 0,
          incomingSessionId: 0xff,
          outgoingSessionId: 0xff,
          mtu: 1392,
          windowSize: 32768,
        },
        ...{ channelCount: 5, incomingBandwidth: 0, outgoingBandwidth: 0, packetThrottleInterval: 5000 },
        ...{
          packetThrottleAcceleration: 2,
          packetThrottleDeceleration: 2,
          connectId: 0x1234,
          data: connectData,
        },
      },
    ],
  });
}

/**
 * A recent datagram of the client's with its reliable sequence numbers moved
 * ahead (within ENet's window), so the host does not drop it as a duplicate
 * and its payload reaches the control cipher and the reorder queue.
 */
function aheadOfSequence(seed: Buffer, rng: Rng): Buffer {
  try {
    const datagram = decodeEnetDatagram(seed);
    const step = 1 + rng.below(rng.chance(0.5) ? 4 : 4096);
    const commands = datagram.commands.map((c) =>
      c.acknowledge ? { ...c, reliableSequenceNumber: (c.reliableSequenceNumber + step) & 0xffff } : c,
    );
    return encodeEnetDatagram({ ...datagram, commands });
  } catch {
    return seed;
  }
}

describe('ENet/UDP fuzzer during a live session', { timeout: fuzzTimeoutMs() }, () => {
  it('survives datagrams from a stranger on the video, control and audio ports', async () => {
    const rng = new Rng(fuzzSeed('udp-stranger'));
    const { pingPayload, connectData, videoPort, controlPort, audioPort } = session.negotiated;
    const pings = pingSeeds(pingPayload ?? 'AAAAAAAAAAAAAAAA');
    const enet = [connectSeed(connectData), ...session.control.enetRaw.recentDatagrams];
    const targets = [
      { port: videoPort, seeds: pings },
      { port: controlPort, seeds: enet },
      { port: audioPort, seeds: pings },
    ];
    const cases = fuzzCases(0.425);
    const startedMs = Date.now();
    await blast(cases, (i) => {
      const target = targets[i % 3] as (typeof targets)[number];
      stranger.send(fuzzInput(target.seeds, rng), target.port, '127.0.0.1');
    });
    console.info(`fuzz udp-stranger: ${cases} datagrams in ${Date.now() - startedMs} ms`);
    await expectHostAnswering(f);
  });

  it('survives well-sealed control messages with mutated types and payloads (input, FEC status, IDR)', async () => {
    const rng = new Rng(fuzzSeed('udp-control'));
    const payloads = [
      ...[mouseMoveRelative(5, -3), mouseMoveAbsolute(100, 80, 320, 240), keyboard(0x41, true)].map(
        (p) => p.bytes,
      ),
      ...utf8Text('é').map((p) => p.bytes),
      Buffer.from([0, 0]),
      Buffer.alloc(32, 1),
    ];
    const types = [...Object.values(ControlType), 0, 0xffff];
    const cases = fuzzCases(0.05);
    const startedMs = Date.now();
    await blast(cases, () => {
      const type = rng.chance(0.9) ? rng.pick(types) : rng.below(0x10000);
      // Unreliable (unsequenced) too: the host handles both lanes.
      // The client sends no fragments: a message fits one datagram.
      const payload = fuzzInput(payloads, rng).subarray(0, MAX_UNFRAGMENTED_PAYLOAD);
      session.control.sendMessage(type, payload, rng.below(6), rng.chance(0.7));
    });
    console.info(`fuzz udp-control: ${cases} messages in ${Date.now() - startedMs} ms`);
    await expectHostAnswering(f);
  });

  it("survives mutated ENet datagrams from the connected client's own port: the session runs on or ends cleanly", async () => {
    const rng = new Rng(fuzzSeed('udp-enet'));
    const raw = session.control.enetRaw;
    const seeds = [...raw.recentDatagrams];
    expect(seeds.length).toBeGreaterThan(0);
    const cases = fuzzCases(0.15);
    const startedMs = Date.now();
    await blast(cases, () => {
      const seed = rng.pick(seeds);
      const input = rng.chance(0.5) ? aheadOfSequence(seed, rng) : seed;
      raw.sendRaw(rng.chance(0.2) ? input : fuzzInput([input], rng));
    });
    console.info(`fuzz udp-enet: ${cases} datagrams in ${Date.now() - startedMs} ms`);
    const ended = await Promise.race([session.ended, sleep(500).then(() => null)]);
    console.info(`fuzz udp-enet: the session ${ended ? `ended (${ended.reason})` : 'runs on'}`);
    await expectHostAnswering(f);
    // Whatever became of the stream, the host streams again: a fresh launch plays.
    if (ended) expect(f.host.output()).toMatch(/GameStream: (stream \S+ ended|ending stream)/);
  });
});
