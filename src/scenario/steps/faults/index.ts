/** The fault-injection steps (docs/scenarios-faults.md): each breaks the protocol or the transport on purpose. */
import { closeWithStep } from './close-with.js';
import { frameStep, rawBytesStep } from './frame.js';
import { sendFragmentedStep } from './fragmented.js';
import { invalidUtf8Step } from './invalid-utf8.js';
import { oversizeStep } from './oversize.js';
import { sendSlowlyStep } from './slowly.js';
import { abortStep, resumeReadingStep, stopReadingStep } from './transport.js';

export const FAULT_STEPS = [
  frameStep,
  rawBytesStep,
  sendFragmentedStep,
  sendSlowlyStep,
  invalidUtf8Step,
  oversizeStep,
  closeWithStep,
  abortStep,
  stopReadingStep,
  resumeReadingStep,
];
