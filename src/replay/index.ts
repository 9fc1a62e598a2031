/** Replay: a recording (HAR or JSONL) played again against a server, and its replies compared with the recorded ones. */
export { checkJsonPaths, compareClose, compareReplies, type Difference, type Reply, withoutPaths } from './compare.js';
export {
  connectionsOf,
  parseRecording,
  parseRecordingEvents,
  type RecordedClose,
  type RecordedConnection,
  type Recording,
  RecordingError,
  recordingFormat,
  type SentByClient,
} from './recording.js';
export { replayHandshake, replayUrl, type ReplayHandshake } from './replay-handshake.js';
export { replayConnection, type ReplayOptions, type ReplayResult, SETTLE_MS, sendOffsets } from './replay-connection.js';
