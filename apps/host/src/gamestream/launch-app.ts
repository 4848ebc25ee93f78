// Starting a launch's app: at /launch on the shared desktop, or once the
// launch's virtual display is open (streamer.ts), on that display with its
// environment. Each launch record has its slot's runner: one client's quit
// never stops another's app. A command that cannot start ends the launch
// record again (the caller does) and the client is told why.
import { GameStreamRequestError } from '@punktfunk/protocol';
import { type AppRunner, AppStartError } from '../launcher/app-runner.js';
import { appCommand, type GameStreamApp } from './apps.js';
import type { GameStreamSessions } from './sessions.js';

export interface LaunchAppDeps {
  sessions: GameStreamSessions;
  appRunnerFor(slot: number): AppRunner;
}

/**
 * Starts the app's command, if it has one. A command that cannot start is a
 * GameStreamRequestError 500 with the reason; the caller ends the launch
 * (/launch answers the client, a virtual display's stream fails).
 */
export async function startLaunchApp(
  deps: LaunchAppDeps,
  app: GameStreamApp,
  session: { sessionId: string; slot: number },
  displayEnv?: Readonly<Record<string, string>>,
): Promise<void> {
  const command = appCommand(app);
  if (!command) return;
  const runner = deps.appRunnerFor(session.slot);
  try {
    await runner.start(command, displayEnv);
  } catch (error) {
    if (!(error instanceof AppStartError)) throw error;
    throw new GameStreamRequestError(500, `${app.title} could not start: ${error.message}`);
  }
  if (!deps.sessions.byId(session.sessionId)) {
    // Quit while the command was starting: the quit found nothing to stop yet.
    await runner.stop('the launch was cancelled while it started');
    throw new GameStreamRequestError(409, 'the launch was cancelled');
  }
}
