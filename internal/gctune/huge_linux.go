package gctune

import (
	"os"
	"runtime"
	"syscall"
	"unsafe"
)

// HugeHeap is how much of the heap HugePages asks the kernel to back with
// transparent huge pages, where the system allows them on request (the
// "madvise" setting, the default of most distributions): a boulder-scale
// check's heap peaks at about 20 MB. Go no longer asks for them itself.
//
// A check's heap is fresh memory, written once: in 4 KiB pages, each page
// is a fault, and on a virtual machine the faults were a quarter of a
// boulder-scale check's CPU (5,900 faults; 2,200 with this, the rest mostly
// the binary's own pages). In 2 MiB pages they are 256 times fewer.
const HugeHeap = 32 << 20

// hugeHeap makes the heap map HugeHeap fresh bytes, advises huge pages for
// them, and collects them: the pages stay mapped, with the advice, and the
// allocations that follow take them. It returns the advised range (for
// tests); the advice is best effort (a kernel without huge pages refuses it).
// It costs one collection of a heap that holds little yet.
func hugeHeap() (start, size uintptr) {
	b := make([]byte, HugeHeap) // fresh, untouched: the runtime knows it zero
	start, size = uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b))
	if syscall.Madvise(b, syscall.MADV_HUGEPAGE) != nil {
		return 0, 0
	}
	b = nil
	runtime.GC()
	return start, size
}

// thpSetting is the system's transparent huge page setting, "" if unknown.
func thpSetting() string {
	b, _ := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	return string(b)
}
