/** Which shape `wscope graphql` takes: one operation (-q), the schema (--schema), or interactive. */
import type { ExitCode } from '../exit-codes.js';
import { withInspector } from '../inspecting.js';
import { withRecording } from '../recording.js';
import { colorWanted, palette } from '../terminal/colors.js';
import { askPassphrase } from '../terminal/passphrase.js';
import { Printer } from '../terminal/printer.js';
import { UsageError } from '../usage-error.js';
import { runGraphqlOperation } from './graphql-mode.js';
import { runGraphqlInteractive } from './interactive.js';
import { printSchema } from './schema.js';
import type { GraphqlSettings } from './settings.js';

export async function runGraphql(settings: GraphqlSettings): Promise<ExitCode> {
  const interactive = Boolean(process.stdout.isTTY) && Boolean(process.stdin.isTTY) && settings.operation === undefined && !settings.schema;
  // Results at a terminal are for a person; in a pipe stdout holds results only.
  const atTerminal = Boolean(process.stdout.isTTY);
  if (!settings.operation && !settings.schema && !interactive) throw new UsageError('-q QUERY is needed (or --schema) when not at a terminal');
  const printer = new Printer({
    colors: palette(colorWanted(settings.color, atTerminal ? true : Boolean(process.stderr.isTTY))),
    interactive: atTerminal,
    timestamps: settings.timestamps,
  });
  const passphrase = settings.tls.passphrase === true ? await askPassphrase() : settings.tls.passphrase;
  return withInspector(settings.inspect, settings.url, (choice) =>
    withRecording(
      settings.recording,
      async () => {
        if (settings.operation) return runGraphqlOperation(settings, printer, passphrase);
        if (settings.schema) return printSchema(settings, printer, passphrase);
        return runGraphqlInteractive(settings, printer, passphrase);
      },
      choice,
    ),
  );
}
