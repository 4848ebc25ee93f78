// The recorder's public surface for the host entry and the API.
export { baseCaptureId, isValidCaptureId, MAX_CAPTURE_ID_LENGTH } from './capture-id.js';
export { CaptureStore, type MetaPatch, serializeCapture } from './capture-store.js';
export { RecorderError, type RecorderErrorCode } from './recorder-error.js';
export {
  type PendingTelemetrySample,
  type RecorderLog,
  StatsRecorder,
  type StatsRecorderOptions,
} from './stats-recorder.js';
