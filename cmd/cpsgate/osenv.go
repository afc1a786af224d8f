package main

import "os"

// osGetenv is the only door to the process environment.
func osGetenv(key string) string { return os.Getenv(key) }
