// Command cpsgate keeps a Certificate Authority's software honest to its
// CPS: it links CPS sections to feature flags and fails a change that adds,
// modifies or enables a flag without a review of its linked sections.
package main

import "os"

func main() {
	os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
