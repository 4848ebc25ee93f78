#!/usr/bin/env node
// gs-client: a GameStream (Moonlight-style) client on the command line. It
// pairs with a PIN the operator enters in the host's console, lists the
// apps, launches one, streams for --seconds and prints what it received
// (JSON with --json). Exits non-zero when nothing decoded.
import { ArgsError, parseGsClientArgs, USAGE } from './args.js';
import { loadOrCreateGsClientIdentity } from './client-identity.js';
import { chooseApp, connectClient, ensurePaired, streamApp } from './run.js';
import { formatReport } from './stream-report.js';

async function main(): Promise<number> {
  let args: ReturnType<typeof parseGsClientArgs>;
  try {
    args = parseGsClientArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const log = (line: string) => console.error(`gs-client: ${line}`);
  const identity = await loadOrCreateGsClientIdentity(args.clientDir);
  const client = await connectClient(args, identity);
  await ensurePaired(client, args.pair, log);
  if (args.quit) {
    const reply = await client.https('/cancel');
    log(`quit: ${reply.statusCode} ${reply.statusMessage ?? ''}`.trim());
    return reply.statusCode === 200 ? 0 : 1;
  }
  const apps = await client.appList();
  if (args.list) {
    if (args.json) console.log(JSON.stringify({ host: args.host, apps }));
    else for (const app of apps) console.log(`${app.id}\t${app.title}`);
    return 0;
  }
  const report = await streamApp(client, chooseApp(apps, args.app), args, log);
  console.log(args.json ? JSON.stringify(report) : formatReport(report));
  return report.video.framesDecoded > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`gs-client: ${error instanceof ArgsError ? '' : 'failed: '}${(error as Error).message}`);
    process.exit(1);
  },
);
