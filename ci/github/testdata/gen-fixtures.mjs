// Regenerates the GitHub payload fixtures of ci/github's tests from the npm
// packages pinned in package.json:
//   - webhook event examples from @octokit/webhooks-examples
//   - REST response examples, per operation, from @octokit/openapi
// Run from the repository root: node ci/github/testdata/gen-fixtures.mjs
// .ci/run runs it and fails when the committed fixtures differ.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "..", "..", "..", "package.json"));

function write(name, value) {
  writeFileSync(join(here, name), JSON.stringify(value, null, 2) + "\n");
}

// Webhook events: the first example of each event and action.
const webhooks = require("@octokit/webhooks-examples");
const events = [
  ["pull_request", "opened", "event-pull_request-opened.json"],
  ["pull_request", "synchronize", "event-pull_request-synchronize.json"],
  ["pull_request_review", "submitted", "event-pull_request_review-submitted.json"],
  ["push", undefined, "event-push.json"],
  ["merge_group", "checks_requested", "event-merge_group.json"],
];
for (const [name, action, file] of events) {
  const def = webhooks.find((w) => w.name === name);
  if (!def) throw new Error(`no webhook examples for ${name}`);
  const ex = def.examples.find((e) => action === undefined || e.action === action);
  if (!ex) throw new Error(`no ${name}.${action} example`);
  write(file, ex);
}

// REST responses: the first example of the success response of each
// operation, with $refs into components resolved.
const spec = JSON.parse(
  readFileSync(require.resolve("@octokit/openapi/generated/api.github.com.json"), "utf8"),
);
const operations = [
  "pulls/get",
  "pulls/list-reviews",
  "issues/list-comments",
  "issues/create-comment",
  "issues/update-comment",
  "pulls/list-files",
  "checks/create",
  "checks/update",
  "repos/get-content",
  "users/get-authenticated",
  "teams/get-membership-for-user-in-org",
  "repos/get-collaborator-permission-level",
];
function deref(obj) {
  while (obj && obj.$ref) {
    const parts = obj.$ref.replace(/^#\//, "").split("/");
    obj = parts.reduce((o, k) => o[k], spec);
  }
  return obj;
}
const found = new Map();
for (const [path, methods] of Object.entries(spec.paths)) {
  for (const [method, op] of Object.entries(methods)) {
    if (op && operations.includes(op.operationId)) found.set(op.operationId, { path, method, op });
  }
}
const index = {};
for (const id of operations) {
  const entry = found.get(id);
  if (!entry) throw new Error(`operation ${id} not in the OpenAPI description`);
  const [status, resp] = Object.entries(entry.op.responses).find(([code]) => code.startsWith("2"));
  const content = deref(resp).content["application/json"];
  const example = deref(Object.values(content.examples)[0]);
  const file = "api-" + id.replace("/", "-") + ".json";
  write(file, example.value);
  index[id] = { method: entry.method.toUpperCase(), path: entry.path, status: Number(status), file };
}
write("api-operations.json", index);
