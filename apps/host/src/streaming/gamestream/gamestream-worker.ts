// Entry of a GameStream streaming worker. It binds the session's video and
// audio ports, waits for the client's first video ping (which tells where the
// client is), then runs the streaming core's frame loop with the GameStream
// pipeline (capture / encode / packetize / send, 1 s windows), sending the
// audio lane and watching the pings in the loop's idle time. A client whose
// pings stop for clientTimeoutMs is gone: the worker ends with that reason.
import { parentPort, workerData } from 'node:worker_threads';
import { GameStreamAudioSender, GameStreamVideoSender, monotonicUs } from '@punktfunk/native';
import { Closers } from '../../lifecycle/closers.js';
import { ClientFeedback } from '../core/client-feedback.js';
import { ControlBlock, type SessionControl } from '../core/control-block.js';
import { runFrameLoop } from '../core/frame-loop.js';
import type { GameStreamSessionSpec, WorkerMessage } from '../core/messages.js';
import { drainFeedback, openEngine } from '../core/open-engine.js';
import { EncoderPaceWatch } from './encoder-pace.js';
import { AudioPump, LaneClock, PingWatch } from './gamestream-lanes.js';
import { GameStreamPipeline } from './gamestream-pipeline.js';

const spec = workerData as GameStreamSessionSpec;
const post = (message: WorkerMessage) => parentPort?.postMessage(message);
const log = (line: string) => post({ type: 'log', line: `GameStream ${spec.sessionId}: ${line}` });
const closers = new Closers<() => void>();

// Sunshine's default: large keyframes are spread instead of hitting the
// client's socket buffer in one line-rate burst; typical frames fit one burst.
const VIDEO_SPREAD_US = 2000;
const VIDEO_BURST_PACKETS = 64;
const FIRST_PING_POLL_MS = 5;

function openVideo(): GameStreamVideoSender {
  const { send, source } = spec;
  const video = new GameStreamVideoSender({
    localHost: send.bindHost,
    localPort: send.videoPort,
    pingPayload: send.pingPayload,
    packetSize: send.packetSize,
    fecPercent: send.fecPercent,
    minRequiredFecPackets: send.minRequiredFecPackets,
    codec: source.codec === 'hevc' ? 'hevc' : 'h264',
    ...(send.videoKey ? { key: send.videoKey } : {}),
    spreadUs: VIDEO_SPREAD_US,
    burstPackets: VIDEO_BURST_PACKETS,
  });
  closers.push(() => video.close());
  return video;
}

/** The audio source as the session's settings show it. */
function describeAudio(audio: GameStreamAudioSender): string {
  return audio.audioSource === 'pulse'
    ? 'the default PulseAudio sink monitor'
    : `a test tone (${audio.fallbackReason ?? 'no capture source'})`;
}

function openAudio(): GameStreamAudioSender {
  const { send } = spec;
  const audio = new GameStreamAudioSender({
    localHost: send.bindHost,
    localPort: send.audioPort,
    pingPayload: send.pingPayload,
    ...(send.audioKey ? { key: send.audioKey } : {}),
    keyId: send.audioKeyId,
    packetDurationMs: send.audioPacketDurationMs,
    // The desktop's sound through PulseAudio / PipeWire-pulse where there is a
    // server; a headless host still gets a test tone.
    source: 'auto',
  });
  closers.push(() => audio.close());
  log(`audio ${audio.audioSource === 'pulse' ? 'from' : 'is'} ${describeAudio(audio)}`);
  return audio;
}

/** Polls the video port until the client's first valid ping; false when stopped or timed out first. */
function awaitFirstPing(watch: PingWatch, session: SessionControl): boolean {
  const deadlineUs = monotonicUs() + spec.send.clientTimeoutMs * 1000;
  while (!session.stopRequested()) {
    const now = monotonicUs();
    watch.poll(now);
    if (watch.connected) return true;
    if (now >= deadlineUs) return false;
    session.sleep(FIRST_PING_POLL_MS);
  }
  return false;
}

function stream(
  session: SessionControl,
  control: ControlBlock,
): { frames: number; samples: number; reason: string | null } {
  const video = openVideo();
  const audio = openAudio();
  const videoWatch = new PingWatch(video, (address) => {
    post({ type: 'client', address });
    log(`video to ${address}`);
  });
  const pump = new AudioPump(audio, spec.send.audioPacketDurationMs * 1000, (address) =>
    log(`audio to ${address}`),
  );
  if (!awaitFirstPing(videoWatch, session)) {
    const reason = session.stopRequested() ? null : 'the client never pinged the video port';
    return { frames: 0, samples: 0, reason };
  }
  const engine = openEngine(spec.source, log);
  closers.push(engine.close);
  const { source } = spec;
  post({ type: 'started', info: engine.info, settings: { audio: describeAudio(audio) } });
  // The client cannot show anything before an IDR: the first frame is one.
  session.requestIdr();
  let reason: string | null = null;
  const timeoutUs = spec.send.clientTimeoutMs * 1000;
  const feedback = new ClientFeedback();
  const pace = new EncoderPaceWatch(source.fps);
  const summary = runFrameLoop({
    sessionId: spec.sessionId,
    kind: 'gamestream',
    fps: source.fps,
    windowMs: spec.windowMs,
    perf: spec.perf,
    control,
    session,
    clock: new LaneClock(monotonicUs, session, { video: videoWatch, audio: pump }),
    pipeline: new GameStreamPipeline(engine.capture, engine.encoder, video, monotonicUs, (encodeUs) => {
      const slow = pace.addFrame(encodeUs);
      if (slow) post({ type: 'encoder-slow', ...slow });
    }),
    feedback,
    drainFeedback: () => drainFeedback(spec.feedbackPort, feedback),
    onSample: (sample) => post({ type: 'sample', sample }),
    log,
    afterFrame: () => {
      if (reason === null && videoWatch.silentForUs(monotonicUs()) > timeoutUs) {
        reason = `no ping from the client for ${spec.send.clientTimeoutMs / 1000} s`;
        session.requestStop();
      }
    },
  });
  log(`${summary.frames} video frames, ${pump.packets} audio packets sent (${pump.underruns} as silence)`);
  return { frames: summary.frames, samples: summary.samplesPosted, reason };
}

try {
  const control = new ControlBlock(spec.controlBuffer);
  const session = control.session(spec.slot);
  const result = stream(session, control);
  post({ type: 'ended', frames: result.frames, samplesPosted: result.samples, reason: result.reason });
} finally {
  closers.closeSync();
  spec.feedbackPort.close();
}
