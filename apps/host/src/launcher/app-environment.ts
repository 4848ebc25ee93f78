// The environment an app starts in: the host's own (PULSE_SERVER,
// XDG_RUNTIME_DIR, HOME, PATH… so it plays into the same sound server and
// finds the same session), on the captured X display, plus what apps.json
// sets for that app. The host's PUNKTFUNK_* settings stay behind: one of them
// is the management token, and an app has no business with any of them.

export interface AppEnvironmentInput {
  /** The host process's environment. */
  hostEnv: NodeJS.ProcessEnv;
  /** The captured display (DesktopConfig.display); null: none configured, DISPLAY is left as the host has it. */
  display: string | null;
  /** What the session's own display needs (a virtual display's DISPLAY or WAYLAND_DISPLAY…), over the host's. */
  displayEnv?: Readonly<Record<string, string>> | undefined;
  /** apps.json `env`, applied last: the operator may override anything, DISPLAY included. */
  extra: Readonly<Record<string, string>> | undefined;
}

const HOST_ONLY = /^PUNKTFUNK_/;

export function appEnvironment(o: AppEnvironmentInput): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(o.hostEnv)) {
    if (!HOST_ONLY.test(name) && value !== undefined) env[name] = value;
  }
  if (o.display !== null) env.DISPLAY = o.display;
  if (o.displayEnv?.DISPLAY !== undefined && o.displayEnv.WAYLAND_DISPLAY === undefined) {
    // A session's own X display (a private Xvfb) on a host that runs on Wayland:
    // toolkits prefer WAYLAND_DISPLAY, so the app would open on the desktop instead.
    delete env.WAYLAND_DISPLAY;
    delete env.SWAYSOCK;
  }
  return { ...env, ...o.displayEnv, ...o.extra };
}
