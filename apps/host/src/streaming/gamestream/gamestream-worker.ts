// Entry of a GameStream streaming worker. It waits for the main thread to
// hand over the session's video and audio ports (held from RTSP SETUP until
// the client's first video ping, so that ping is not lost), binds them,
// aimed at where the pings came from, then runs the streaming core's frame loop with the GameStream
// pipeline (capture / encode / packetize / send, 1 s windows), sending the
// audio lane and watching the pings in the loop's idle time. A client whose
// pings stop for clientTimeoutMs is gone: the worker ends with that reason.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { GameStreamAudioSender, GameStreamVideoSender, monotonicUs } from '@punktfunk/native';
import type { PendingTimelineEvent } from '@punktfunk/shared';
import { Closers } from '../../lifecycle/closers.js';
import { ClientFeedback } from '../core/client-feedback.js';
import { ControlBlock, type SessionControl } from '../core/control-block.js';
import { runFrameLoop } from '../core/frame-loop.js';
import {
  type GameStreamSessionSpec,
  postWorkerMessage,
  type StreamPortsMessage,
  type WorkerInbound,
  type WorkerMessage,
} from '../core/messages.js';
import { drainFeedback, encoderFallbackEvent, openEngine } from '../core/open-engine.js';
import { EncoderPaceWatch } from './encoder-pace.js';
import { AudioPump, LaneClock, PingWatch } from './gamestream-lanes.js';
import { GameStreamPipeline } from './gamestream-pipeline.js';

const spec = workerData as GameStreamSessionSpec;
const post = (message: WorkerMessage) => postWorkerMessage(parentPort, message);
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

const SPEAKERS: Record<number, string> = { 1: 'mono', 2: 'stereo', 6: '5.1', 8: '7.1' };

/** The audio source as the session's settings show it; a stereo desktop under a surround stream says it is upmixed. */
function describeAudio(audio: GameStreamAudioSender): string {
  if (audio.audioSource !== 'pulse') return `a test tone (${audio.fallbackReason ?? 'no capture source'})`;
  const upmix =
    audio.capturedChannels < audio.channels
      ? ` (${SPEAKERS[audio.capturedChannels]} upmixed to ${SPEAKERS[audio.channels]}: the sink has fewer channels)`
      : '';
  return `the default PulseAudio sink monitor${upmix}`;
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
    bitrateBps: send.audioLayout.bitrateBps,
    layout: send.audioLayout,
    // The desktop's sound through PulseAudio / PipeWire-pulse where there is a
    // server; a headless host still gets a test tone.
    source: 'auto',
  });
  closers.push(() => audio.close());
  log(`audio ${audio.audioSource === 'pulse' ? 'from' : 'is'} ${describeAudio(audio)}`);
  return audio;
}

/**
 * Waits for the main thread to free the stream ports (it holds them from
 * RTSP SETUP until the client's first video ping) and to say where the
 * pings came from; feedback posted meanwhile is kept. Null when stopped or
 * timed out first.
 */
function awaitStreamPorts(session: SessionControl, feedback: ClientFeedback): StreamPortsMessage | null {
  const deadlineUs = monotonicUs() + spec.send.clientTimeoutMs * 1000;
  while (!session.stopRequested() && monotonicUs() < deadlineUs) {
    for (let m = receiveMessageOnPort(spec.feedbackPort); m; m = receiveMessageOnPort(spec.feedbackPort)) {
      const message = m.message as WorkerInbound;
      if (message.type === 'stream-ports') return message;
      feedback.apply(message);
    }
    session.sleep(FIRST_PING_POLL_MS);
  }
  return null;
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

interface Lanes {
  video: GameStreamVideoSender;
  videoWatch: PingWatch;
  pump: AudioPump;
  audioSource: string;
}

/** Binds the video and audio ports, each sender aimed at where the client already pinged from. */
function openLanes(pinged: StreamPortsMessage): Lanes {
  const video = openVideo();
  const audio = openAudio();
  // The main thread says where the client is (streaming to …): one line, not a second "video to".
  const videoWatch = new PingWatch(video, (address) => post({ type: 'client', address }));
  const pump = new AudioPump(audio, spec.send.audioPacketDurationMs * 1000, (address) =>
    log(`audio to ${address}`),
  );
  if (pinged.video) videoWatch.pinged(pinged.video.host, pinged.video.port, monotonicUs());
  if (pinged.audio) pump.watch.pinged(pinged.audio.host, pinged.audio.port, monotonicUs());
  return { video, videoWatch, pump, audioSource: describeAudio(audio) };
}

function postFallback(control: ControlBlock, event: PendingTimelineEvent | null): void {
  if (event && control.isArmed()) post({ type: 'events', events: [event] });
}

function stream(
  session: SessionControl,
  control: ControlBlock,
): { frames: number; samples: number; reason: string | null; summary?: string } {
  const feedback = new ClientFeedback();
  const pinged = awaitStreamPorts(session, feedback);
  const lanes = pinged ? openLanes(pinged) : null;
  if (!lanes || !awaitFirstPing(lanes.videoWatch, session)) {
    const reason = session.stopRequested() ? null : 'the client never pinged the video port';
    return { frames: 0, samples: 0, reason };
  }
  const { video, videoWatch, pump } = lanes;
  const engine = openEngine(spec.source, log);
  closers.push(engine.close);
  const { source } = spec;
  post({ type: 'started', info: engine.info, settings: { audio: lanes.audioSource } });
  postFallback(control, encoderFallbackEvent(spec.sessionId, engine, monotonicUs()));
  // The client cannot show anything before an IDR: the first frame is one.
  session.requestIdr('start');
  let reason: string | null = null;
  const timeoutUs = spec.send.clientTimeoutMs * 1000;
  const pace = new EncoderPaceWatch(source.fps);
  const summary = runFrameLoop({
    sessionId: spec.sessionId,
    kind: 'gamestream',
    fps: source.fps,
    windowMs: spec.windowMs,
    perf: spec.perf,
    metrics: spec.metrics,
    control,
    session,
    clock: new LaneClock(monotonicUs, session, { video: videoWatch, audio: pump }),
    pipeline: new GameStreamPipeline(engine.capture, engine.encoder, video, monotonicUs, (encodeUs) => {
      const slow = pace.addFrame(encodeUs);
      if (slow) post({ type: 'encoder-slow', ...slow });
    }),
    feedback,
    drainFeedback: () => drainFeedback(spec.feedbackPort, feedback),
    onSample: (sample, frames, armGeneration) => post({ type: 'sample', sample, frames, armGeneration }),
    onFrames: (frames, armGeneration) => post({ type: 'frames', frames, armGeneration }),
    onEvents: (events) => post({ type: 'events', events }),
    log,
    afterFrame: () => {
      if (reason === null && videoWatch.silentForUs(monotonicUs()) > timeoutUs) {
        reason = `no ping from the client for ${spec.send.clientTimeoutMs / 1000} s`;
        session.requestStop();
      }
    },
  });
  return {
    frames: summary.frames,
    samples: summary.samplesPosted,
    reason,
    summary: `${summary.frames} video frames, ${pump.packets} audio packets sent (${pump.underruns} as silence)`,
  };
}

try {
  const control = new ControlBlock(spec.controlBuffer);
  const session = control.session(spec.slot);
  const result = stream(session, control);
  post({
    type: 'ended',
    frames: result.frames,
    samplesPosted: result.samples,
    reason: result.reason,
    ...(result.summary ? { summary: result.summary } : {}),
  });
} finally {
  closers.closeSync();
  spec.feedbackPort.close();
}
