// What a desktop's PipeWire daemon holds, read with pw-dump: the tests of
// Mutter's screen casts check that a stream's node comes and goes with it.
import { spawnSync } from 'node:child_process';

/** The ids of the video nodes on the session's PipeWire daemon. */
export function videoNodeIds(env: NodeJS.ProcessEnv): number[] {
  const dump = spawnSync('pw-dump', [], { env, encoding: 'utf8', timeout: 10_000 });
  const objects = JSON.parse(dump.stdout) as {
    id: number;
    type: string;
    info?: { props?: Record<string, unknown> };
  }[];
  return objects
    .filter(
      (o) => o.type === 'PipeWire:Interface:Node' && String(o.info?.props?.['media.class']).includes('Video'),
    )
    .map((o) => o.id);
}
