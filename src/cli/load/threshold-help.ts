/** The thresholds' part of `wscope load --help`, from the one table of figures (src/load/thresholds.ts). */
import { THRESHOLD_METRICS } from '../../load/thresholds.js';

export const THRESHOLD_HELP = `Thresholds (--threshold, repeatable; any that fails exits 14 and is named):
${THRESHOLD_METRICS.map(([name, help]) => `  ${name.padEnd(20)}${help}`).join('\n')}
  Operators < <= > >=. Times take us, ms (the default) or s; shares a % (or a bare count); rates /s.`;
