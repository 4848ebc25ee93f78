// Several sessions in one capture, without a browser: naming them, picking
// one (its samples and events, the host-wide markers kept), and the
// recording page's scope (colour per meta.sessions index, the budget).
import type { Capture, TimelineEvent } from '@punktfunk/shared';
import { sessionInfo, statsSample } from '@punktfunk/test-support';
import { describe, expect, it } from 'vitest';
import { sessionColor } from '../src/charts/palette.js';
import {
  displayText,
  eventsOf,
  latestBySession,
  sampledSessions,
  samplesOf,
  sessionLabels,
  splitClient,
  validPick,
} from '../src/data/sessions.js';
import { sessionScope } from '../src/pages/recording/session-scope.js';

const event = (tMs: number, sessionId: string | null): TimelineEvent => ({
  tMs,
  sessionId,
  type: sessionId ? 'keyframe' : 'marker',
  summary: `${sessionId ?? 'host'} at ${tMs}`,
  details: {},
});

describe('naming sessions', () => {
  it('splits the host’s client names into name and what tells two apart', () => {
    expect(splitClient('living-room (fd:56:6f:e5:28:fb:3a:ac)')).toEqual({
      name: 'living-room',
      detail: 'fd:56:6f:e5:28:fb:3a:ac',
    });
    expect(splitClient('deck@127.0.0.1')).toEqual({ name: 'deck', detail: '127.0.0.1' });
    expect(splitClient('Moonlight (my PC)')).toEqual({ name: 'Moonlight (my PC)', detail: null });
  });

  it('two sessions of one name keep their ids; a session without a client is named by its id', () => {
    const labels = sessionLabels([
      { client: 'tv (aa:bb)', sessionId: 'a1' },
      { client: 'tv (cc:dd)', sessionId: 'b2' },
      { client: null, sessionId: 'c3' },
    ]);
    expect(labels).toEqual(['tv (a1)', 'tv (b2)', 'session c3']);
  });

  it('a session without a display (an older host) is "desktop"', () => {
    expect(displayText({})).toBe('desktop');
    expect(displayText({ display: null })).toBe('desktop');
    expect(
      displayText({
        display: {
          mode: 'virtual',
          backend: 'xvfb',
          width: 1280,
          height: 800,
          description: 'Xvfb :101 1280x800@90',
        },
      }),
    ).toBe('virtual: Xvfb :101 1280x800@90');
  });
});

describe('picking a session', () => {
  const samples = [
    statsSample(1000, { sessionId: 'b' }),
    statsSample(1500, { sessionId: 'a' }),
    statsSample(3000, { sessionId: 'b', fps: 20 }),
    statsSample(3500, { sessionId: 'a', fps: 30 }),
  ];

  it('keeps the picked session’s samples and its events with the host-wide markers', () => {
    expect(samplesOf(samples, 'a').map((s) => s.tMs)).toEqual([1500, 3500]);
    expect(samplesOf(samples, 'all')).toHaveLength(4);
    const events = [event(100, 'a'), event(200, null), event(300, 'b')];
    expect(eventsOf(events, 'a').map((e) => e.tMs)).toEqual([100, 200]);
    expect(eventsOf(events, 'all')).toHaveLength(3);
  });

  it('orders sessions by their first sample, and finds each one’s newest', () => {
    expect(sampledSessions(samples)).toEqual(['b', 'a']);
    const latest = latestBySession(samples);
    expect(latest.get('a')?.fps).toBe(30);
    expect(latest.get('b')?.fps).toBe(20);
  });

  it('a pick of a session no longer offered falls back to all', () => {
    expect(validPick('a', ['a', 'b'])).toBe('a');
    expect(validPick('gone', ['a', 'b'])).toBe('all');
  });
});

describe('the recording page’s session scope', () => {
  const capture = {
    meta: {
      fps: 20,
      sessions: [
        sessionInfo({ sessionId: 's1', client: 'deck (aa:bb)', fps: 20 }),
        sessionInfo({ sessionId: 's2', client: 'tv (cc:dd)', fps: 60 }),
      ],
    },
    samples: [statsSample(0, { sessionId: 's1' }), statsSample(500, { sessionId: 's2' })],
    events: [event(100, 's2'), event(200, null)],
  } as unknown as Capture;

  it('all: every session shown, each in the colour of its index, the fastest session’s budget', () => {
    const all = sessionScope(capture, 'all');
    expect([all.shows(0), all.shows(1)]).toEqual([true, true]);
    expect(all.eventColor('s2')).toBe(sessionColor(1));
    expect(all.eventColor(null)).toBeNull();
    expect(all.label(1)).toBe('tv');
    expect(all.fps).toBe(60);
  });

  it('one session: only it, its fps, its samples and events; an unknown pick is all', () => {
    const tv = sessionScope(capture, 's2');
    expect(tv.index).toBe(1);
    expect([tv.shows(0), tv.shows(1)]).toEqual([false, true]);
    expect(tv.fps).toBe(60);
    expect(tv.samples(capture.samples).map((s) => s.sessionId)).toEqual(['s2']);
    expect(tv.events(capture.events)).toHaveLength(2);
    expect(sessionScope(capture, 'nobody').index).toBeNull();
  });
});
