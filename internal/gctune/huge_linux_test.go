package gctune

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestHugeHeap checks that the range hugeHeap advises is heap memory that
// keeps the huge-page advice once collected: the kernel's VMA that holds it
// carries the "hg" flag (VM_HUGEPAGE).
func TestHugeHeap(t *testing.T) {
	if _, err := os.Stat("/sys/kernel/mm/transparent_hugepage"); err != nil {
		t.Skip("this kernel has no transparent huge pages")
	}
	start, size := hugeHeap()
	if size != HugeHeap {
		t.Fatalf("hugeHeap advised %d bytes; want %d", size, HugeHeap)
	}
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	// Each VMA opens with "lo-hi perms ..." and ends with "VmFlags: ...".
	var flags []string
	covered := uintptr(0)
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if lo, hi, ok := vmaRange(line); ok {
			in = lo < start+size && start < hi
			if in {
				covered += min(hi, start+size) - max(lo, start)
			}
			continue
		}
		if rest, ok := strings.CutPrefix(line, "VmFlags:"); ok && in {
			flags = append(flags, rest)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if covered != size {
		t.Fatalf("the VMAs of /proc/self/smaps cover %d of the %d bytes advised at %#x", covered, size, start)
	}
	for _, f := range flags {
		if !strings.Contains(" "+f+" ", " hg ") {
			t.Errorf("a VMA of the advised range has flags %q, without hg", f)
		}
	}
}

// vmaRange parses the first line of a VMA in /proc/self/smaps.
func vmaRange(line string) (lo, hi uintptr, ok bool) {
	r, _, _ := strings.Cut(line, " ")
	a, b, ok := strings.Cut(r, "-")
	if !ok {
		return 0, 0, false
	}
	x, err1 := strconv.ParseUint(a, 16, 64)
	y, err2 := strconv.ParseUint(b, 16, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return uintptr(x), uintptr(y), true
}
