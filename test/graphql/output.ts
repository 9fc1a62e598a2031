/** Reading what `wscope graphql` wrote in pipe mode. */

/** stdout's lines, each parsed as JSON: a line that is not JSON fails the test. */
export function jsonLines(stdout: string): unknown[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as unknown);
}
