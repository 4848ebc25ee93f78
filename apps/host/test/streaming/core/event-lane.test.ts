// The pieces of a worker's event lane on their own: the control block's IDR
// reasons and bitrate causes, why a keyframe went out, and what in the
// client's reports is a loss burst or an RTT spike.
import { describe, expect, it } from 'vitest';
import { ControlBlock } from '../../../src/streaming/core/control-block.js';
import { WorkerEventLane } from '../../../src/streaming/core/event-lane.js';
import {
  FeedbackEventDetector,
  LOSS_BURST_MIN_PACKETS,
} from '../../../src/streaming/core/feedback-events.js';

describe('the control block', () => {
  it('carries the first IDR reason until the loop takes it, once', () => {
    const session = new ControlBlock().session(3);
    session.reset(1000);
    expect(session.takeIdrRequest()).toBeNull();
    session.requestIdr('start');
    session.requestIdr('client-request');
    expect(session.takeIdrRequest()).toBe('start');
    expect(session.takeIdrRequest()).toBeNull();
    session.requestIdr();
    expect(session.takeIdrRequest()).toBe('client-request');
    session.requestIdr('loss-recovery');
    expect(session.takeIdrRequest()).toBe('loss-recovery');
  });

  it('says who set the target bitrate; none for the starting one', () => {
    const session = new ControlBlock().session(0);
    session.reset(2000);
    expect(session.bitrateCause()).toBeNull();
    session.setTargetBitrateKbps(800);
    expect(session.bitrateCause()).toBe('client');
    session.setTargetBitrateKbps(900, 'operator');
    expect([session.targetBitrateKbps(), session.bitrateCause()]).toEqual([900, 'operator']);
    session.reset(2000);
    expect(session.bitrateCause()).toBeNull();
  });
});

describe('keyframe reasons', () => {
  it('the first keyframe is the start, one asked for is its reason, any other is the encoder’s', () => {
    const lane = new WorkerEventLane('s1');
    lane.noteKeyframe(10, 0, true);
    lane.noteIdrRequest('client-request');
    lane.noteIdrRequest('loss-recovery'); // merged into the first request
    lane.noteKeyframe(20, 5, true);
    lane.noteKeyframe(30, 60, true);
    expect(lane.take()?.map((e) => [e.monoUs, e.details.reason, e.details.frameIndex, e.summary])).toEqual([
      [10, 'start', 0, 'keyframe (stream start)'],
      [20, 'client-request', 5, 'keyframe (client request)'],
      [30, 'encoder', 60, "keyframe (the encoder's own)"],
    ]);
    expect(lane.take()).toBeNull();
  });

  it('an unrecorded keyframe (not armed) still settles its reason', () => {
    const lane = new WorkerEventLane('s1');
    lane.noteKeyframe(10, 0, false);
    lane.noteKeyframe(20, 1, true);
    expect(lane.take()?.map((e) => e.details.reason)).toEqual(['encoder']);
  });
});

describe('client report events', () => {
  it('a window whose reports add up to the threshold is a burst; under it is not; a burst over several windows is one event', () => {
    const detector = new FeedbackEventDetector();
    detector.noteLoss(LOSS_BURST_MIN_PACKETS - 1, 0);
    expect(detector.take()).toBeNull();
    // Small reports (a few packets each, as a client reports every few frames) add up within the window.
    detector.noteLoss(4, 1);
    detector.noteLoss(3, 0);
    detector.noteLoss(LOSS_BURST_MIN_PACKETS - 7, 0);
    expect(detector.take()).toEqual([
      {
        type: 'loss-burst',
        summary: 'loss burst: 10 packets lost in a window (1 frames repaired by FEC)',
        details: { packetsLost: 10, fecRecovered: 1 },
      },
    ]);
    detector.noteLoss(25, 3);
    expect(detector.take()).toBeNull(); // the same burst, still going
    expect(detector.take()).toBeNull(); // a quiet window ends it
    detector.noteLoss(12, 0);
    expect(detector.take()?.map((e) => e.details.packetsLost)).toEqual([12]);
  });

  it('an RTT spike needs twice the median and 20 ms more, a history first, and is one event per spike', () => {
    const detector = new FeedbackEventDetector();
    detector.noteRtt(100_000); // no history yet: never a spike
    for (let i = 0; i < 6; i++) detector.noteRtt(5_000);
    detector.noteRtt(20_000); // 4× the median but only 15 ms more
    expect(detector.take()).toBeNull();
    detector.noteRtt(30_000);
    detector.noteRtt(40_000); // the same spike
    detector.noteRtt(5_000);
    detector.noteRtt(45_000); // a new one
    expect(detector.take()?.map((e) => [e.type, e.details.rttUs])).toEqual([
      ['rtt-spike', 30_000],
      ['rtt-spike', 45_000],
    ]);
  });

  it('a slow link is not a spike: the median follows it', () => {
    const detector = new FeedbackEventDetector();
    for (let i = 0; i < 40; i++) detector.noteRtt(60_000 + (i % 3) * 5_000);
    expect(detector.take()).toBeNull();
  });
});
