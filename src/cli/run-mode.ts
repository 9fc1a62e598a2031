/** `wscope run`'s work once its flags are read: load the files, run them, report, and the exit code. */
import { writeFileSync } from 'node:fs';
import { EnvironmentError, loadScenarioFile, type RunResult, runFiles, type ScenarioFile, ScenarioFileError } from '../scenario/index.js';
import type { Reporter, RunSettings } from './commands/run.js';
import { ExitCode } from './exit-codes.js';
import { formatJson } from './run-report/json.js';
import { formatJunit } from './run-report/junit.js';
import { formatFileHeader, formatScenario, formatSummary } from './run-report/pretty.js';
import { colorWanted, palette } from './terminal/colors.js';
import { UsageError } from './usage-error.js';

export { editorSchema } from '../scenario/index.js';

/** Load every file first: one bad file stops the run before anything connects. */
function loadAll(paths: string[]): ScenarioFile[] | ScenarioFileError {
  const files: ScenarioFile[] = [];
  for (const path of paths) {
    try {
      files.push(loadScenarioFile(path));
    } catch (error) {
      if (error instanceof ScenarioFileError) return error;
      throw error;
    }
  }
  return files;
}

export async function runFromSettings(settings: RunSettings): Promise<ExitCode> {
  const loaded = loadAll(settings.files);
  if (loaded instanceof ScenarioFileError) {
    process.stderr.write(`error: ${loaded.message}\n`);
    return ExitCode.BadFile;
  }
  const selected = loaded.reduce((sum, file) => sum + file.scenarios.filter((scenario) => !settings.grep || settings.grep.test(scenario.name)).length, 0);
  if (selected === 0) throw new UsageError(settings.grep ? `--grep ${settings.grep.source} matches no scenario` : 'the files hold no scenarios');
  // The people's report goes to the terminal as scenarios end; a machine's report to --output (or stdout).
  const live = settings.reporter === 'pretty' ? settings.output === undefined : settings.output !== undefined;
  const colors = palette(live && colorWanted(settings.color, Boolean(process.stdout.isTTY)));
  let lastFile: string | undefined;
  let result: RunResult;
  try {
    result = await runFiles(loaded, {
      envName: settings.envName,
      vars: settings.vars,
      ...(settings.grep && { grep: settings.grep }),
      bail: settings.bail,
      parallel: settings.parallel,
      defaultTimeoutMs: settings.timeoutMs,
      onScenarioEnd: (scenario) => {
        if (!live) return;
        if (scenario.file !== lastFile) process.stdout.write(`${lastFile === undefined ? '' : '\n'}${formatFileHeader(scenario.file, colors)}`);
        lastFile = scenario.file;
        process.stdout.write(formatScenario(scenario, colors));
      },
    });
  } catch (error) {
    if (error instanceof EnvironmentError) throw new UsageError(`--env ${settings.envName}: ${error.message}`);
    throw error;
  }
  if (live) process.stdout.write(formatSummary(result, colors));
  const report = reportOf(settings.reporter, result);
  if (settings.output !== undefined) {
    try {
      writeFileSync(settings.output, report);
    } catch (error) {
      process.stderr.write(`error: cannot write ${settings.output}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
      return ExitCode.Internal;
    }
  } else if (!live) {
    process.stdout.write(report);
  }
  return exitCodeOf(result);
}

function reportOf(reporter: Reporter, result: RunResult): string {
  if (reporter === 'junit') return formatJunit(result);
  if (reporter === 'json') return formatJson(result);
  return formatSummary(result, palette(false));
}

function exitCodeOf(result: RunResult): ExitCode {
  const failures = result.files.flatMap((file) => file.scenarios).filter((scenario) => scenario.status === 'failed');
  if (failures.length === 0) return ExitCode.Normal;
  // A scenario that failed because the file is wrong (a missing variable) is a bad file, not a server's fault.
  return failures.some((scenario) => scenario.failure?.fileError) ? ExitCode.BadFile : ExitCode.CheckFailed;
}
