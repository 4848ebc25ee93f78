// How each kind of event on the lane looks: a glyph, a colour, a word.
import type { TimelineEventType } from '@punktfunk/shared';

export const EVENT_LOOK: Record<TimelineEventType, { glyph: string; color: string; label: string }> = {
  keyframe: { glyph: '◆', color: '#38bdf8', label: 'keyframe' },
  bitrate: { glyph: '⇅', color: '#a78bfa', label: 'bitrate change' },
  'loss-burst': { glyph: '✕', color: '#f87171', label: 'loss burst' },
  'rtt-spike': { glyph: '⌇', color: '#fb923c', label: 'round-trip spike' },
  'client-connect': { glyph: '▶', color: '#34d399', label: 'client connected' },
  'client-disconnect': { glyph: '■', color: '#94a3b8', label: 'client left' },
  'client-resume': { glyph: '↻', color: '#34d399', label: 'client resumed' },
  'capture-change': { glyph: '▣', color: '#f472b6', label: 'capture changed' },
  'display-lost': { glyph: '⚠', color: '#fbbf24', label: 'display lost' },
  'encoder-fallback': { glyph: '⚙', color: '#fbbf24', label: 'encoder fallback' },
  marker: { glyph: '⚑', color: '#facc15', label: 'marker' },
};

export function eventLook(type: string) {
  return EVENT_LOOK[type as TimelineEventType] ?? { glyph: '•', color: '#94a3b8', label: type };
}
