// The verdict the host reached when the capture stopped, with its reasons.
import type { CaptureVerdict, SessionInfo } from '@punktfunk/shared';
import { sessionColor } from '../../charts/palette.js';
import { Card } from '../../ui/controls.js';
import { VerdictDetails } from '../../ui/verdict-badge.js';

export function VerdictCard(props: { verdict: CaptureVerdict; sessions: readonly SessionInfo[] }) {
  const label = (id: string) => {
    const s = props.sessions.find((x) => x.sessionId === id);
    return s ? `${s.kind} · ${s.client ?? id}` : id;
  };
  return (
    <Card title="Verdict" testId="verdict-card" class={`verdict-card verdict-card-${props.verdict.level}`}>
      <VerdictDetails
        verdict={props.verdict}
        sessionLabel={label}
        sessionColor={(id) => {
          const i = props.sessions.findIndex((x) => x.sessionId === id);
          return props.sessions.length > 1 && i >= 0 ? sessionColor(i) : null;
        }}
      />
    </Card>
  );
}
