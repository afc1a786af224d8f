package version

import (
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

// The release build (.goreleaser.yaml), the container build (Dockerfile)
// and the action's source build (ci/github/install.sh) must build the same
// package, set this package's link-time variables by their real names, and
// (for the container) use the Go toolchain go.mod names. A rename on one
// side would ship binaries that print "dev".

var pkgPath = reflect.TypeOf(Info{}).PkgPath()

func readRepoFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile("../../" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// xFlags returns the variables of this package that -X flags in s set.
func xFlags(s string) []string {
	re := regexp.MustCompile(`-X ` + regexp.QuoteMeta(pkgPath) + `\.(\w+)=`)
	var vars []string
	for _, m := range re.FindAllStringSubmatch(s, -1) {
		vars = append(vars, m[1])
	}
	slices.Sort(vars)
	return vars
}

func TestGoreleaserConfig(t *testing.T) {
	var cfg struct {
		Version int `yaml:"version"`
		Builds  []struct {
			Main    string   `yaml:"main"`
			Binary  string   `yaml:"binary"`
			Env     []string `yaml:"env"`
			Flags   []string `yaml:"flags"`
			Ldflags []string `yaml:"ldflags"`
			Goos    []string `yaml:"goos"`
			Goarch  []string `yaml:"goarch"`
		} `yaml:"builds"`
		Checksum struct {
			Algorithm string `yaml:"algorithm"`
			Name      string `yaml:"name_template"`
		} `yaml:"checksum"`
	}
	if err := yaml.Unmarshal([]byte(readRepoFile(t, ".goreleaser.yaml")), &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Version != 2 || len(cfg.Builds) != 1 {
		t.Fatalf("want goreleaser version 2 with one build, got version %d with %d", cfg.Version, len(cfg.Builds))
	}
	b := cfg.Builds[0]
	type build struct {
		Main, Binary  string
		CGO, Trimpath bool
		Vars          []string
		Goos, Goarch  []string
		Checksum      string
	}
	got := build{
		Main: b.Main, Binary: b.Binary,
		CGO:      !slices.Contains(b.Env, "CGO_ENABLED=0"),
		Trimpath: slices.Contains(b.Flags, "-trimpath"),
		Vars:     xFlags(strings.Join(b.Ldflags, " ")),
		Goos:     b.Goos, Goarch: b.Goarch,
		Checksum: cfg.Checksum.Algorithm + " " + cfg.Checksum.Name,
	}
	want := build{
		Main: "./cmd/cpsgate", Binary: "cpsgate", Trimpath: true,
		Vars: []string{"commit", "date", "version"},
		Goos: []string{"linux", "darwin", "windows"}, Goarch: []string{"amd64", "arm64"},
		Checksum: "sha256 checksums.txt",
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf(".goreleaser.yaml build mismatch (-got +want):\n%s", diff)
	}
}

func TestDockerfile(t *testing.T) {
	df := readRepoFile(t, "Dockerfile")
	// Join continuation lines, drop comments: one instruction per line.
	df = strings.ReplaceAll(df, "\\\n", " ")
	var lines []string
	for l := range strings.SplitSeq(df, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	var froms, builds []string
	var user, entrypoint string
	safe := false
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "FROM "):
			froms = append(froms, l)
		case strings.HasPrefix(l, "RUN ") && strings.Contains(l, "go build"):
			builds = append(builds, l)
		case strings.HasPrefix(l, "USER "):
			user = strings.TrimPrefix(l, "USER ")
		case strings.HasPrefix(l, "ENTRYPOINT "):
			entrypoint = strings.TrimPrefix(l, "ENTRYPOINT ")
		case strings.HasPrefix(l, "RUN ") && strings.Contains(l, "git config --system safe.directory"):
			safe = true
		}
	}
	toolchain := regexp.MustCompile(`(?m)^toolchain go(\S+)$`).FindStringSubmatch(readRepoFile(t, "go.mod"))
	if toolchain == nil {
		t.Fatal("go.mod has no toolchain line")
	}
	if len(froms) != 2 || !strings.HasPrefix(froms[0], "FROM golang:"+toolchain[1]+"-") || !strings.HasSuffix(froms[0], " AS build") {
		t.Errorf("want two stages, the first FROM golang:%s-… AS build; got %q", toolchain[1], froms)
	}
	if len(builds) != 1 {
		t.Fatalf("want one go build, got %q", builds)
	}
	type build struct {
		Package       string
		CGO, Trimpath bool
		Vars          []string
	}
	got := build{
		Package:  regexp.MustCompile(`\s(\./cmd/\S+)`).FindStringSubmatch(builds[0] + " ")[1],
		CGO:      !strings.Contains(builds[0], "CGO_ENABLED=0"),
		Trimpath: strings.Contains(builds[0], "-trimpath"),
		Vars:     xFlags(builds[0]),
	}
	want := build{Package: "./cmd/cpsgate", Trimpath: true, Vars: []string{"commit", "date", "version"}}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("Dockerfile build mismatch (-got +want):\n%s", diff)
	}
	if user == "" || user == "root" || strings.HasPrefix(user, "0") {
		t.Errorf("final image runs as %q, want a non-root user", user)
	}
	if entrypoint != `["cpsgate"]` {
		t.Errorf("ENTRYPOINT %s, want [\"cpsgate\"]", entrypoint)
	}
	if !safe {
		t.Error("no git config --system safe.directory for mounted repositories")
	}
}

func TestActionSourceBuild(t *testing.T) {
	sh := readRepoFile(t, "ci/github/install.sh")
	// install.sh names the package once in $pkg and sets -X $pkg.var=.
	if !strings.Contains(sh, "local pkg="+pkgPath+"\n") {
		t.Errorf("ci/github/install.sh does not set pkg=%s", pkgPath)
	}
	var vars []string
	for _, m := range regexp.MustCompile(`-X \$pkg\.(\w+)=`).FindAllStringSubmatch(sh, -1) {
		vars = append(vars, m[1])
	}
	if diff := cmp.Diff(vars, []string{"version", "commit"}); diff != "" {
		t.Errorf("install.sh -X variables (-got +want):\n%s", diff)
	}
	if !strings.Contains(sh, "./cmd/cpsgate") {
		t.Error("install.sh does not build ./cmd/cpsgate")
	}
}
