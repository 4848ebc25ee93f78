// The console's one API client: every /api/v1 call goes through here with the
// bearer token. Failures become typed errors the providers react to: a 401
// brings the sign-in back, a network failure marks the host unreachable.
import {
  API_BASE_PATH,
  type Capture,
  type CaptureMeta,
  type CaptureStatus,
  type EventsTicketResponse,
  type GameStreamAppsResponse,
  type HealthResponse,
  type HostStatusResponse,
  type HostTelemetrySample,
  type PairedClientInfo,
  type PairedClientsResponse,
  type PairingUpdate,
  type PairPinRequest,
  type PendingPairing,
  type PendingPairingsResponse,
  type RecordingPatchRequest,
  type RecordingsListResponse,
  type StatsSample,
  type TimelineEvent,
} from '@punktfunk/shared';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The host did not answer at all (stopped, restarting, network down). */
export class UnreachableError extends Error {
  constructor(message = 'the host is not reachable') {
    super(message);
    this.name = 'UnreachableError';
  }
}

export interface ApiHooks {
  token(): string | null;
  onUnauthorized(): void;
  onUnreachable(): void;
  onReachable(): void;
}

async function errorMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: unknown };
    if (typeof body.error === 'string') return body.error;
  } catch {
    // not JSON: fall through to the status line
  }
  return `${response.status} ${response.statusText}`.trim();
}

export interface CaptureEventHandlers {
  /** On every (re)connect first, then on arm and disarm. */
  status(status: CaptureStatus): void;
  sample(sample: StatsSample): void;
  /** An event on the lane (keyframe, bitrate change, marker, ...). */
  timelineEvent?(event: TimelineEvent): void;
  /** Host CPU, load and memory over the last telemetry window. */
  telemetry?(sample: HostTelemetrySample): void;
}

export interface PairingEventHandlers {
  /** The requests waiting now: on connect and on every reconnect. */
  pending(requests: PendingPairing[]): void;
  pairing(update: PairingUpdate): void;
}

type EventListeners = Record<string, (data: unknown) => void>;

export class ApiClient {
  constructor(private readonly hooks: ApiHooks) {}

  async request(path: string, init: RequestInit = {}, token = this.hooks.token()): Promise<Response> {
    const headers = new Headers(init.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    let response: Response;
    try {
      response = await fetch(`${API_BASE_PATH}${path}`, { ...init, headers, cache: 'no-store' });
    } catch {
      this.hooks.onUnreachable();
      throw new UnreachableError();
    }
    // A proxy or a restarting host may answer 502/503 before the API is up.
    if (response.status === 502 || response.status === 503 || response.status === 504) {
      this.hooks.onUnreachable();
      throw new UnreachableError(`the host answered ${response.status}`);
    }
    this.hooks.onReachable();
    if (response.status === 401) {
      this.hooks.onUnauthorized();
      throw new ApiError(401, await errorMessage(response));
    }
    if (!response.ok) throw new ApiError(response.status, await errorMessage(response));
    return response;
  }

  private async json<T>(path: string, init?: RequestInit): Promise<T> {
    return (await (await this.request(path, init)).json()) as T;
  }

  /** Checks a token before keeping it; false when the host refuses it. */
  async tokenAccepted(token: string): Promise<boolean> {
    const response = await fetch(`${API_BASE_PATH}/status`, {
      headers: { authorization: `Bearer ${token}` },
      cache: 'no-store',
    }).catch(() => {
      throw new UnreachableError();
    });
    if (response.status === 401) return false;
    if (!response.ok) throw new ApiError(response.status, await errorMessage(response));
    return true;
  }

  hostStatus = () => this.json<HostStatusResponse>('/status');
  health = () => this.json<HealthResponse>('/health');
  captureStatus = () => this.json<CaptureStatus>('/stats/capture/status');
  startCapture = () => this.json<CaptureStatus>('/stats/capture/start', { method: 'POST' });

  async stopCapture(): Promise<CaptureMeta | null> {
    const response = await this.request('/stats/capture/stop', { method: 'POST' });
    return response.status === 204 ? null : ((await response.json()) as CaptureMeta);
  }

  async liveCapture(): Promise<Capture | null> {
    try {
      return await this.json<Capture>('/stats/capture/live');
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  }

  /** The saved recordings, and the files in the captures directory the host skipped, with the reason. */
  recordings = () => this.json<RecordingsListResponse>('/stats/recordings');

  recording = (id: string) => this.json<Capture>(`/stats/recordings/${encodeURIComponent(id)}`);

  /** The recording's per-frame sidecar, raw (layout in @punktfunk/shared timeline.ts). */
  async frames(id: string): Promise<Uint8Array> {
    const response = await this.request(`/stats/recordings/${encodeURIComponent(id)}/frames`);
    return new Uint8Array(await response.arrayBuffer());
  }

  /** Drops an operator marker on the armed capture's event lane; 409 when nothing is armed. */
  async addMarker(label: string): Promise<void> {
    await this.request('/stats/capture/marker', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ label }),
    });
  }

  patchRecording = (id: string, patch: RecordingPatchRequest) =>
    this.json<CaptureMeta>(`/stats/recordings/${encodeURIComponent(id)}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(patch),
    });

  /** Ends a running session, any client's (the operator's right; the client hears a graceful end). */
  async endSession(sessionId: string): Promise<void> {
    await this.request(`/sessions/${encodeURIComponent(sessionId)}`, { method: 'DELETE' });
  }

  /**
   * Imports a recording another host exported: its `.json`, and its
   * `.frames.bin` when it has a timeline. The host's refusal comes back as an
   * ApiError with its message.
   */
  async importRecording(files: readonly File[]): Promise<CaptureMeta> {
    const json = files.filter((f) => !f.name.endsWith('.bin'));
    const frames = files.filter((f) => f.name.endsWith('.bin'));
    if (json.length !== 1 || frames.length > 1) {
      throw new Error('pick one exported .json, and its .frames.bin when it has a frame timeline');
    }
    const body = new FormData();
    body.append('recording', json[0] as File);
    if (frames[0]) body.append('frames', frames[0]);
    return this.json<CaptureMeta>('/stats/recordings/import', { method: 'POST', body });
  }

  async deleteRecording(id: string): Promise<void> {
    await this.request(`/stats/recordings/${encodeURIComponent(id)}`, { method: 'DELETE' });
  }

  async pendingPairings(): Promise<PendingPairing[]> {
    return (await this.json<PendingPairingsResponse>('/pairing/pending')).requests;
  }

  /**
   * Hands the PIN the client shows to its waiting request (either protocol);
   * whether the PIN was right is known only later, from the `pairing` event.
   */
  async submitPin(request: PendingPairing, pin: string): Promise<void> {
    const body: PairPinRequest = { pin };
    await this.request(`/pairing/${encodeURIComponent(request.requestId)}/pin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  /** Refuses a waiting request: the client is told, nothing is stored. */
  async refusePairing(request: PendingPairing): Promise<void> {
    await this.request(`/pairing/${encodeURIComponent(request.requestId)}/refuse`, { method: 'POST' });
  }

  async pairedClients(): Promise<PairedClientInfo[]> {
    return (await this.json<PairedClientsResponse>('/clients')).clients;
  }

  renameClient = (fingerprint: string, name: string) =>
    this.json<PairedClientInfo>(`/clients/${encodeURIComponent(fingerprint)}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });

  async unpair(fingerprint: string): Promise<void> {
    await this.request(`/clients/${encodeURIComponent(fingerprint)}`, { method: 'DELETE' });
  }

  gamestreamApps = () => this.json<GameStreamAppsResponse>('/gamestream/apps');

  /**
   * Downloads an export with the token (a plain link could not carry it) and
   * hands it to the browser: the recording (json), its per-window figures
   * (csv) or its per-frame timeline (frames-csv).
   */
  async download(id: string, format: 'json' | 'csv' | 'frames-csv'): Promise<void> {
    const file = format === 'frames-csv' ? 'frames.csv' : `export.${format}`;
    const response = await this.request(`/stats/recordings/${encodeURIComponent(id)}/${file}`);
    const blob = await response.blob();
    const disposition = response.headers.get('content-disposition') ?? '';
    const filename =
      /filename="([^"]+)"/.exec(disposition)?.[1] ??
      `punktfunk-${id}.${format === 'frames-csv' ? 'frames.csv' : format}`;
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = filename;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  /** Follows the capture's event stream. Returns a function that stops it. */
  captureEvents(handlers: CaptureEventHandlers): () => void {
    return this.follow('/stats/capture/events', {
      status: (data) => handlers.status(data as CaptureStatus),
      sample: (data) => handlers.sample(data as StatsSample),
      'timeline-event': (data) => handlers.timelineEvent?.(data as TimelineEvent),
      telemetry: (data) => handlers.telemetry?.(data as HostTelemetrySample),
    });
  }

  /** Follows pairing requests as they arrive and end. Returns a function that stops it. */
  pairingEvents(handlers: PairingEventHandlers): () => void {
    return this.follow('/pairing/events', {
      pending: (data) => handlers.pending((data as PendingPairingsResponse).requests),
      pairing: (data) => handlers.pairing(data as PairingUpdate),
    });
  }

  /**
   * An event stream opened with a single-use ticket (EventSource cannot send
   * the token), reconnecting with a fresh ticket after a drop.
   */
  private follow(path: string, listeners: EventListeners): () => void {
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const connect = async () => {
      if (stopped) return;
      try {
        const { ticket } = await this.json<EventsTicketResponse>(`${path}/ticket`, { method: 'POST' });
        if (stopped) return;
        source = new EventSource(`${API_BASE_PATH}${path}?ticket=${encodeURIComponent(ticket)}`);
        for (const [event, listener] of Object.entries(listeners)) {
          source.addEventListener(event, (e) => listener(JSON.parse((e as MessageEvent).data)));
        }
        source.onerror = () => {
          // EventSource would retry with the same (spent) ticket; start over instead.
          source?.close();
          source = null;
          this.hooks.onUnreachable();
          schedule();
        };
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return;
        schedule();
      }
    };
    const schedule = () => {
      if (stopped) return;
      clearTimeout(retry);
      retry = setTimeout(connect, 2000);
    };
    void connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      source?.close();
    };
  }
}
