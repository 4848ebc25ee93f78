#!/usr/bin/env node
// punktfunk/1 client CLI: connects, streams for --seconds, prints a summary
// (JSON with --json), and exits non-zero if nothing decoded.
import { ArgsError, parseClientArgs, USAGE } from './args.js';
import { loadOrCreateClientIdentity } from './client-identity.js';
import { clientConfigDir, KnownHosts } from './known-hosts.js';
import { ClientSession } from './session.js';
import { formatSummary } from './summary.js';

async function main(): Promise<number> {
  let args: ReturnType<typeof parseClientArgs>;
  try {
    args = parseClientArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const log = (line: string) => console.error(`punktfunk client: ${line}`);
  const dir = clientConfigDir();
  const session = new ClientSession(args, new KnownHosts(dir), await loadOrCreateClientIdentity(dir), log);
  const summary = await session.run();
  console.log(args.json ? JSON.stringify(summary) : formatSummary(summary));
  return summary.framesDecoded > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(
      `punktfunk client: ${error instanceof ArgsError ? '' : 'failed: '}${(error as Error).message}`,
    );
    process.exit(1);
  },
);
