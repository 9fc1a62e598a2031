/** `wscope load URL`: the run, its live view, its summary, --json and the thresholds' exit code. */
import { writeFileSync } from 'node:fs';
import { evaluateThresholds, type LoadResult, startLoad } from '../../load/index.js';
import { startPrometheus } from '../../load/metrics/index.js';
import { writeReport } from '../../load/report/index.js';
import { ExitCode } from '../exit-codes.js';
import { colorWanted, palette } from '../terminal/colors.js';
import { LiveView } from './live-view.js';
import type { LoadSettings } from './settings.js';
import { checkScenarioFile } from './scenario-flags.js';
import { formatSummary } from './summary.js';

export async function runLoad(settings: LoadSettings): Promise<ExitCode> {
  const { options } = settings;
  if (options.scenario) {
    const problem = await checkScenarioFile(options.scenario);
    if (problem !== undefined) {
      process.stderr.write(`error: ${problem}\n`);
      return ExitCode.BadFile;
    }
  }
  const liveColors = palette(colorWanted(settings.color, Boolean(process.stderr.isTTY)));
  const view = settings.quiet
    ? undefined
    : new LiveView({ write: (text) => process.stderr.write(text), isTTY: Boolean(process.stderr.isTTY) }, liveColors, {
        url: options.url,
        connections: options.connections,
        durationSeconds: options.durationMs === undefined ? null : options.durationMs / 1000,
      });
  let metrics: Awaited<ReturnType<typeof startPrometheus>> | undefined;
  if (settings.prometheus !== undefined) {
    try {
      metrics = await startPrometheus(settings.prometheus);
    } catch (error) {
      process.stderr.write(
        `error: --prometheus ${settings.prometheus}: cannot listen on 127.0.0.1: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`,
      );
      return ExitCode.Usage;
    }
  }
  const run = startLoad(options, {
    onSecond: (sample, totals) => {
      view?.update(sample, totals);
      metrics?.update(sample, totals);
    },
  });
  // The first Ctrl-C ends the run as its end would (replies awaited, connections closed, summary);
  // a second one leaves at once.
  const onInterrupt = () => {
    process.off('SIGINT', onInterrupt);
    process.once('SIGINT', () => process.exit(130));
    run.stop();
  };
  process.on('SIGINT', onInterrupt);
  let result: LoadResult;
  try {
    result = await run.result;
  } finally {
    process.off('SIGINT', onInterrupt);
    await metrics?.close();
  }
  view?.end();
  if (settings.thresholds.length > 0) result.thresholds = evaluateThresholds(settings.thresholds, result);
  process.stdout.write(formatSummary(result, palette(colorWanted(settings.color, Boolean(process.stdout.isTTY)))));
  if (settings.json !== undefined) {
    try {
      writeFileSync(settings.json, `${JSON.stringify(result, null, 2)}\n`);
    } catch (error) {
      process.stderr.write(`error: cannot write ${settings.json}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
      return ExitCode.Internal;
    }
  }
  if (settings.report !== undefined) {
    try {
      await writeReport(result, settings.report);
    } catch (error) {
      process.stderr.write(`error: cannot write ${settings.report}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
      return ExitCode.Internal;
    }
  }
  // A step the file got wrong (a missing variable...) failed every iteration it reached: the file is at fault, not the server.
  const fileError = result.scenario?.failures.find((failure) => failure.fileError === true);
  if (fileError) {
    // A template's error names its own place; another (a bad message) gets the step's.
    process.stderr.write(`error: ${fileError.first.startsWith(`${result.scenario!.file}:`) ? '' : `${fileError.place}: `}${fileError.first}\n`);
    return ExitCode.BadFile;
  }
  const failed = result.thresholds?.filter((outcome) => !outcome.passed) ?? [];
  if (failed.length > 0) {
    process.stderr.write(`threshold${failed.length > 1 ? 's' : ''} failed: ${failed.map((outcome) => outcome.expression).join(', ')}\n`);
    return ExitCode.ThresholdFailed;
  }
  return ExitCode.Normal;
}
