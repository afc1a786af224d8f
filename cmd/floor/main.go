// Package main is floor, the yardstick of BenchmarkCheckVsFloor (issue 15):
// the least work a check of a change can do. It lists the trees of base and
// head, reads every distinct blob under the given paths with one
// `git cat-file --batch`, and parses each once with no further processing:
// markdown with goldmark, YAML and JSON into empty interfaces, Go with
// go/parser. It is a benchmark tool, not part of a release (the release
// builds cmd/cpsgate only).
//
//	floor DIR BASE HEAD PATH-PREFIX...
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/text"
	"go.yaml.in/yaml/v3"
)

func main() {
	if err := run(os.Args[1], os.Args[2], os.Args[3], os.Args[4:]); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(2)
	}
}

func run(dir, base, head string, prefixes []string) error {
	blobs := map[string]string{} // id -> path
	var order []string
	for _, rev := range []string{base, head} {
		out, err := exec.Command("git", "-C", dir, "ls-tree", "-r", "-z", rev).Output()
		if err != nil {
			return fmt.Errorf("ls-tree %s: %w", rev, err)
		}
		for _, entry := range strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00") {
			meta, path, _ := strings.Cut(entry, "\t")
			fields := strings.Fields(meta)
			if len(fields) != 3 || fields[1] != "blob" || !watched(path, prefixes) {
				continue
			}
			if _, ok := blobs[fields[2]]; !ok {
				blobs[fields[2]] = path
				order = append(order, fields[2])
			}
		}
	}
	cmd := exec.Command("git", "-C", dir, "cat-file", "--batch")
	cmd.Stdin = strings.NewReader(strings.Join(order, "\n") + "\n")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	r := bufio.NewReaderSize(stdout, 1<<20)
	for range order {
		header, err := r.ReadString('\n')
		if err != nil {
			return err
		}
		fields := strings.Fields(header)
		if len(fields) != 3 {
			return fmt.Errorf("cat-file: %q", header)
		}
		size, err := strconv.Atoi(fields[2])
		if err != nil {
			return err
		}
		data := make([]byte, size+1)
		if _, err := io.ReadFull(r, data); err != nil {
			return err
		}
		if err := parse(blobs[fields[0]], data[:size]); err != nil {
			return fmt.Errorf("%s: %w", blobs[fields[0]], err)
		}
	}
	return cmd.Wait()
}

func watched(path string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

func parse(path string, data []byte) error {
	var v any
	switch {
	case strings.HasSuffix(path, ".md"):
		goldmark.New().Parser().Parse(text.NewReader(data))
	case strings.HasSuffix(path, ".yaml"), strings.HasSuffix(path, ".yml"):
		return yaml.NewDecoder(bytes.NewReader(data)).Decode(&v)
	case strings.HasSuffix(path, ".json"):
		return json.Unmarshal(data, &v)
	case strings.HasSuffix(path, ".go"):
		_, err := parser.ParseFile(token.NewFileSet(), path, data, parser.ParseComments)
		return err
	}
	return nil
}
