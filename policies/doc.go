// Package policies holds the built-in Rego rules of cpsgate and the engine
// that evaluates them, together with a repository's own policies, against
// the Input document that package check builds.
//
// The rules live in *.rego files beside this one and are embedded in the
// binary; README.md documents the input document, every built-in rule and
// how to write a policy of one's own. Policies run in a sandbox: network,
// environment and nondeterministic built-in functions are removed, so a
// policy cannot reach outside the input it is given.
package policies
