/** The page's side of the wire: what each WebSocket text message from the inspector to the page holds. */
import type { TraceEvent } from '../trace/events.js';

export type InspectorMessage = { type: 'hello'; mode: 'live' | 'recording'; title: string; canSend: boolean } | { type: 'events'; events: TraceEvent[] };
