//go:build !linux

package gctune

// HugeHeap is 0: only Linux is asked for huge pages (see huge_linux.go).
const HugeHeap = 0

func hugeHeap() (start, size uintptr) { return 0, 0 }

func thpSetting() string { return "" }
