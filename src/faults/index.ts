/** Pure builders of the bytes the fault steps send: frames that lie, bad UTF-8, fragments, pacing. */
export * from './wire.js';
export * from './invalid-utf8.js';
export * from './fragments.js';
export * from './pacing.js';
