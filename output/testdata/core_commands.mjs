// Renders workflow commands with the real @actions/core, for
// TestGitHubMatchesActionsCore. Reads a JSON array from stdin; each item is
// {kind: "error"|"warning"|"group", message, title?, file?, startLine?}.
import * as core from '@actions/core';

let input = '';
for await (const chunk of process.stdin) input += chunk;
for (const c of JSON.parse(input)) {
  if (c.kind === 'group') {
    core.startGroup(c.message);
    continue;
  }
  const props = {title: c.title, file: c.file, startLine: c.startLine};
  if (c.kind === 'error') core.error(c.message, props);
  else core.warning(c.message, props);
}
