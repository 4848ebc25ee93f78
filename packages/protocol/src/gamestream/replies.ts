// The bodies of the GameStream replies a host sends (serverinfo, applist,
// pairing phases, launch/resume/cancel), built from plain data.
import { type XmlNode, xmlReply } from './xml.js';

/**
 * `appversion` selects the protocol generation on the client. 7.1.431 is the
 * modern one (encrypted control stream, multi-block FEC, audio FEC); the
 * negative fourth field tells Moonlight the host speaks the Sunshine
 * extensions (`x-ss-*`). Major 7 also makes pairing hash with SHA-256.
 */
export const GAMESTREAM_APP_VERSION = '7.1.431.-1';
/** Clients only show it; this is the GFE version Sunshine reports. */
export const GAMESTREAM_GFE_VERSION = '3.23.0.74';

/** ServerCodecModeSupport bits (moonlight-common-c Limelight.h SCM_*). */
export const CODEC_MODE = {
  h264: 0x1,
  hevc: 0x100,
  hevcMain10: 0x200,
  av1Main8: 0x10000,
  av1Main10: 0x20000,
  // Sunshine extensions: YUV 4:4:4 (the client then sends x-ss-video[0].chromaSamplingType 1).
  h264High8_444: 0x40000,
  hevcRext8_444: 0x80000,
} as const;

/**
 * MaxLumaPixelsHEVC: the largest HEVC picture (in luma samples) the host
 * encodes; 0 tells the client not to use HEVC. This is the figure GFE and
 * Sunshine report for an encoder without a practical limit.
 */
export const MAX_LUMA_PIXELS_HEVC = 1869449984;

export interface DisplayMode {
  width: number;
  height: number;
  fps: number;
}

export interface ServerInfo {
  hostName: string;
  uniqueId: string;
  httpPort: number;
  httpsPort: number;
  mac: string;
  localIp: string;
  /** Sum of CODEC_MODE bits the encoder really offers; never 0 (clients refuse). */
  codecModeSupport: number;
  displayModes: readonly DisplayMode[];
  gpuType: string;
  /** Only true over HTTPS with a paired certificate on that very connection. */
  paired: boolean;
  /** App id of the running session, 0 when none. */
  currentGameId: number;
}

export function serverInfoXml(info: ServerInfo): string {
  if (info.codecModeSupport === 0) throw new Error('ServerCodecModeSupport must not be 0');
  const hevc = (info.codecModeSupport & CODEC_MODE.hevc) !== 0;
  const modes: XmlNode[] = info.displayModes.map((m) => [
    'DisplayMode',
    [
      ['Width', m.width],
      ['Height', m.height],
      ['RefreshRate', m.fps],
    ],
  ]);
  return xmlReply([
    ['hostname', info.hostName],
    ['appversion', GAMESTREAM_APP_VERSION],
    ['GfeVersion', GAMESTREAM_GFE_VERSION],
    ['uniqueid', info.uniqueId],
    ['HttpsPort', info.httpsPort],
    ['ExternalPort', info.httpPort],
    ['MaxLumaPixelsHEVC', hevc ? MAX_LUMA_PIXELS_HEVC : 0],
    ['mac', info.mac],
    ['LocalIP', info.localIp],
    ['ServerCodecModeSupport', info.codecModeSupport],
    ['SupportedDisplayMode', modes],
    ['PairStatus', info.paired ? 1 : 0],
    // Clients require currentgame to be non-empty: "0" when idle.
    ['currentgame', info.currentGameId],
    ['state', info.currentGameId !== 0 ? 'SUNSHINE_SERVER_BUSY' : 'SUNSHINE_SERVER_FREE'],
    ['gputype', info.gpuType],
  ]);
}

export interface AppEntry {
  id: number;
  title: string;
}

export function appListXml(apps: readonly AppEntry[]): string {
  return xmlReply(
    apps.map((app) => [
      'App',
      [
        ['IsHdrSupported', 0],
        ['AppTitle', app.title],
        ['ID', app.id],
      ],
    ]),
  );
}

/** Every pairing reply carries `<paired>`; 0 tells the client to give up (and call /unpair). */
export function pairedXml(paired: boolean, extra: readonly XmlNode[] = []): string {
  return xmlReply([['paired', paired ? 1 : 0], ...extra]);
}

export function launchXml(kind: 'launch' | 'resume', sessionUrl: string | null): string {
  const children: XmlNode[] = [[kind === 'launch' ? 'gamesession' : 'resume', 1]];
  if (sessionUrl !== null) children.push(['sessionUrl0', sessionUrl]);
  return xmlReply(children);
}

export function cancelXml(): string {
  return xmlReply([['cancel', 1]]);
}
