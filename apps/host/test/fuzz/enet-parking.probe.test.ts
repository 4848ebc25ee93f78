// A measurement, not a CI test (PUNKTFUNK_FUZZ_PARK=1 runs it): a connected
// GameStream client sends 100,000 reliable ENet commands of 1,200 bytes ahead
// of sequence on 25 channels (the gap before them never filled) and the
// host's RSS is read before and after. BENCHMARKS.md has the figures from
// before and after ENET_MAX_WAITING_BYTES.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { newLaunchKeys, startStreamSession } from '@punktfunk/gamestream-client';
import { decodeEnetDatagram, ENET_PEER_ID_NONE, encodeEnetDatagram } from '@punktfunk/protocol';
import { expect, it } from 'vitest';
import { expectHostAnswering, startFuzzHost } from './fuzz-host.js';

const rssMb = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;

it.runIf(process.env.PUNKTFUNK_FUZZ_PARK === '1')(
  'a client parking reliable data ahead of sequence: host RSS before and after',
  async () => {
    const f = await startFuzzHost({ paired: true });
    const keys = newLaunchKeys();
    await f.client.launch({ mode: '320x240x30', ...keys.launchParams });
    const session = await startStreamSession({
      ...{ rtspPort: f.ports.rtsp, rikey: keys.rikey, rikeyId: keys.rikeyId },
      ...{ width: 320, height: 240, fps: 30, bitrateKbps: 1000 },
    });
    while (session.counters().video.framesComplete === 0) await sleep(20);
    const pid = f.host.process.pid as number;
    await sleep(1000);
    const beforeMb = rssMb(pid);
    const raw = session.control.enetRaw;
    // The connected peer's header (peer id, session) from one of the client's own datagrams.
    const header = raw.recentDatagrams.map(decodeEnetDatagram).find((d) => d.peerId !== ENET_PEER_ID_NONE);
    expect(header).toBeDefined();
    const payload = Buffer.alloc(1200, 7);
    let sent = 0;
    for (let seq = 100; seq < 4100; seq++) {
      for (let channelId = 0; channelId < 25; channelId++) {
        const command = { acknowledge: true, unsequenced: false, channelId, reliableSequenceNumber: seq };
        raw.sendRaw(
          encodeEnetDatagram({
            ...{ peerId: header?.peerId ?? 0, sessionId: header?.sessionId ?? 0, sentTime: 1 },
            commands: [{ type: 'send-reliable', ...command, data: payload }],
          }),
        );
        if (++sent % 64 === 0) await sleep(1);
      }
    }
    await sleep(2000);
    console.info(
      `enet parking: ${sent} datagrams of 1200 B ahead of sequence; host RSS ${beforeMb.toFixed(0)} -> ${rssMb(pid).toFixed(0)} MB`,
    );
    await expectHostAnswering(f);
    await session.stop();
    await f.host.stop();
  },
  300_000,
);
