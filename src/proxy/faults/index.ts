/** The proxy's faults: parsed from the flags, built per connection into the relay's two chains. */
export { type FaultChains, FaultPlan, type FaultSettings, NO_FAULTS } from './chains.js';
export { DEFAULT_CLOSE_CODE } from './close-after.js';
export { type FaultClock, type FaultContext, type FaultNote, type FaultReport, formatFaultNote, realClock } from './context.js';
export { type FaultKind, type FaultSpec, FaultSpecError, parseCloseCode, parseCloseReason, parseFault, VALUE_FORMS } from './parse.js';
