// Package check judges one change: it loads the base and head revisions
// (State), builds the policy input from the change between them
// (BuildInput, BuildInputFrom: the one builder, which the report also runs
// for each commit of its period), evaluates the policies and assembles the
// result (Run, Evaluate). It reads no files, environment or network of its
// own: the command layer hands it snapshots of the two revisions.
package check
