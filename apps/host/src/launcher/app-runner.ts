// The command of the launched app: at most one at a time, like the launch
// record it belongs to. /launch starts it (and answers with the reason when
// it cannot start), /cancel and the host stopping end it: the app's
// stopCommand first, then SIGTERM to its process group and, after a grace
// period, SIGKILL. An app that ends by itself ends the session, as Sunshine
// does (the player quit the game: Moonlight goes back to the app list), with
// one exception: a launcher that hands off and exits cleanly at once, or
// leaves processes of its group running, keeps the session.
import { homedir } from 'node:os';
import { appEnvironment } from './app-environment.js';
import { type AppExit, type AppProcess, AppStartError, startAppProcess } from './app-process.js';
import { groupMembers, signalGroup, waitForGroupGone } from './process-group.js';

export { AppStartError };

/** What the runner needs of an apps.json entry that has a command. */
export interface AppCommandConfig {
  title: string;
  command: readonly string[];
  /** Absolute; default: the host user's home directory. */
  workingDir?: string | undefined;
  env?: Readonly<Record<string, string>> | undefined;
  stopCommand?: readonly string[] | undefined;
}

export interface AppRunnerOptions {
  /** The captured X display: the app's DISPLAY. */
  display: string | null;
  log(line: string): void;
  hostEnv?: NodeJS.ProcessEnv;
  homeDir?: string;
  /** SIGTERM → SIGKILL. */
  stopGraceMs?: number;
  /** How long the stopCommand may run before its own group is killed and the app is signalled anyway. */
  stopCommandTimeoutMs?: number;
  /** The app ended by itself (not stopped): the session should end. */
  onAppEnded?(title: string): void;
}

export interface RunningAppInfo {
  title: string;
  pid: number;
  /** The leader exited (members it left behind may still run). */
  exited: boolean;
}

interface RunningApp {
  config: AppCommandConfig;
  /** The session display's environment it started with (its stop command gets the same). */
  displayEnv: Readonly<Record<string, string>> | undefined;
  startedMs: number;
  process: AppProcess;
  label: string;
  /** Set once the group is known to be empty: its id may be reused and must not be signalled. */
  groupGone: boolean;
  stopping: Promise<void> | null;
}

// A game gets 5 s to save and quit after SIGTERM, about what a desktop session gives at logout.
const DEFAULT_STOP_GRACE_MS = 5000;
// A stop command (e.g. asking a launcher to close its game) gets as long again as the game.
const DEFAULT_STOP_COMMAND_TIMEOUT_MS = 5000;
// After SIGKILL the kernel needs only a moment; longer means a process stuck in the kernel (D state).
const KILL_CONFIRM_MS = 2000;
// A launcher that starts the real game elsewhere and exits 0 within this long is "detached" (Sunshine's rule).
const DETACH_WINDOW_MS = 5000;

/** `promise`'s value, or 'timeout' after `ms`; the timer never outlives the race (it would hold up the host's exit). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([promise, expiry]);
  } finally {
    clearTimeout(timer);
  }
}

const settled = () => undefined;

export class AppRunner {
  private current: RunningApp | null = null;
  /** A start between spawn and the kernel's answer: a stop waits for it rather than miss the app. */
  private starting: Promise<unknown> | null = null;
  private readonly stopGraceMs: number;
  private readonly stopCommandTimeoutMs: number;

  constructor(private readonly o: AppRunnerOptions) {
    this.stopGraceMs = o.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
    this.stopCommandTimeoutMs = o.stopCommandTimeoutMs ?? DEFAULT_STOP_COMMAND_TIMEOUT_MS;
  }

  running(): RunningAppInfo | null {
    const app = this.current;
    if (!app) return null;
    return { title: app.config.title, pid: app.process.pid, exited: app.process.hasExited() };
  }

  /**
   * Starts `config.command`; rejects with AppStartError when it cannot. A
   * previous app is stopped first. `displayEnv`: the session display's
   * environment (a virtual display's), over the host's.
   */
  async start(
    config: AppCommandConfig,
    displayEnv?: Readonly<Record<string, string>>,
  ): Promise<RunningAppInfo> {
    if (this.current) await this.stop('another app is launching');
    const label = `app "${config.title}"`;
    const spec = {
      argv: config.command,
      cwd: config.workingDir ?? this.o.homeDir ?? homedir(),
      env: this.environment(config, displayEnv),
      label,
      log: this.o.log,
    };
    const starting = startAppProcess(spec);
    this.starting = starting;
    let child: AppProcess;
    try {
      child = await starting;
    } catch (error) {
      if (error instanceof AppStartError) this.o.log(`${label} could not start: ${error.message}`);
      throw error;
    } finally {
      if (this.starting === starting) this.starting = null;
    }
    const app: RunningApp = {
      config,
      displayEnv,
      startedMs: Date.now(),
      process: child,
      label,
      groupGone: false,
      stopping: null,
    };
    this.current = app;
    this.o.log(
      `${label} started: pid ${child.pid}, ${config.command[0]} on DISPLAY ${spec.env.DISPLAY ?? '(none)'}`,
    );
    void child.exited.then((exit) => this.onLeaderExit(app, exit));
    return { title: config.title, pid: child.pid, exited: false };
  }

  /** Ends the running app (stopCommand, SIGTERM, SIGKILL after the grace period); nothing to do without one. */
  stop(why: string): Promise<void> {
    const starting = this.starting;
    if (starting) return starting.then(settled, settled).then(() => this.stop(why));
    const app = this.current;
    if (!app) return Promise.resolve();
    app.stopping ??= this.stopApp(app, why).finally(() => {
      if (this.current === app) this.current = null;
    });
    return app.stopping;
  }

  private environment(
    config: AppCommandConfig,
    displayEnv: Readonly<Record<string, string>> | undefined,
  ): NodeJS.ProcessEnv {
    return appEnvironment({
      hostEnv: this.o.hostEnv ?? process.env,
      display: this.o.display,
      displayEnv,
      extra: config.env,
    });
  }

  private onLeaderExit(app: RunningApp, exit: AppExit): void {
    const members = groupMembers(app.process.pgid);
    // Nothing of the group left: its id is free for the system to reuse, never signal it again.
    if (members.length === 0) app.groupGone = true;
    if (app.stopping) return;
    if (members.length > 0) {
      this.o.log(
        `${app.label} ended by itself; ${members.length} process(es) of its group still run, the session stays`,
      );
      return;
    }
    const detached = exit.code === 0 && Date.now() - app.startedMs < DETACH_WINDOW_MS;
    if (detached) {
      this.o.log(`${app.label} exited cleanly at once (a launcher that detached); the session stays`);
      return;
    }
    if (this.current === app) this.current = null;
    this.o.log(`${app.label} ended by itself; ending the session`);
    this.o.onAppEnded?.(app.config.title);
  }

  private async stopApp(app: RunningApp, why: string): Promise<void> {
    this.o.log(`${app.label}: stopping (${why})`);
    if (app.config.stopCommand) await this.runStopCommand(app, app.config.stopCommand);
    const pgid = app.process.pgid;
    if (app.groupGone || groupMembers(pgid).length === 0) {
      this.o.log(`${app.label}: had already ended`);
      return;
    }
    signalGroup(pgid, 'SIGTERM');
    this.o.log(`${app.label}: SIGTERM to process group ${pgid}`);
    if (!(await waitForGroupGone(pgid, this.stopGraceMs))) {
      signalGroup(pgid, 'SIGKILL');
      this.o.log(
        `${app.label}: still running ${this.stopGraceMs} ms after SIGTERM; SIGKILL to process group ${pgid}`,
      );
      if (!(await waitForGroupGone(pgid, KILL_CONFIRM_MS))) {
        this.o.log(`${app.label}: processes ${groupMembers(pgid).join(', ')} survived SIGKILL`);
        return;
      }
    }
    // The leader is gone (at most a zombie about to be reaped): its exit line comes first.
    await app.process.exited;
    this.o.log(`${app.label}: stopped`);
  }

  private async runStopCommand(app: RunningApp, argv: readonly string[]): Promise<void> {
    const label = `${app.label} stop command`;
    let stopper: AppProcess;
    try {
      stopper = await startAppProcess({
        argv,
        cwd: app.config.workingDir ?? this.o.homeDir ?? homedir(),
        env: this.environment(app.config, app.displayEnv),
        label,
        log: this.o.log,
      });
    } catch (error) {
      this.o.log(`${label} could not start: ${(error as Error).message}`);
      return;
    }
    if ((await within(stopper.exited, this.stopCommandTimeoutMs)) === 'timeout') {
      this.o.log(
        `${label} still running after ${this.stopCommandTimeoutMs} ms; SIGKILL, the app is signalled anyway`,
      );
      signalGroup(stopper.pgid, 'SIGKILL');
      await stopper.exited;
    }
  }
}
