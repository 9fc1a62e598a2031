/** Recording: the trace of every WebSocket in the process, to a JSONL or HAR file (docs/recording.md). */
export { DEFAULT_HAR_INTERVAL_MS, Recorder, type RecorderOptions } from './recorder.js';
export { RECORD_EXTENSIONS, RecordFileError, type RecordFormat, recordFormatOf } from './format.js';
