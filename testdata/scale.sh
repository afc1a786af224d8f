#!/usr/bin/env bash
# Scale goals of issue 15 and 14, measured on generated repositories by
# BenchmarkCheckScale (check run as a process: wall time, CPU time and peak
# RSS per check), BenchmarkParamsOverhead, BenchmarkCheckVsFloor,
# BenchmarkCheckVsOPAEval and BenchmarkReportScale, and judged here:
#
#   testdata/scale.sh              # every case, 3 runs each (~15 minutes on 2 cores)
#   BENCHTIME=5x testdata/scale.sh
#
# Prints one line per goal with the figures and PASS or FAIL; exits 1 when a
# goal is missed. Wall times depend on the machine and its load: run it on an
# idle machine (CPU time is printed beside wall time).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
go test ./cmd/cpsgate -run '^$' -bench 'CheckScale$|ParamsOverhead' -benchtime "${BENCHTIME:-3x}" -timeout 60m 2>&1 | tee "$out" >&2 || true
# Boulder scale, against the floor program and opa eval (skipped without opa
# on PATH), 20 interleaved runs each; the report over 70,000 commits.
go test ./cmd/cpsgate -run '^$' -bench 'CheckVsFloor|CheckVsOPAEval' -benchtime 20x 2>&1 | tee -a "$out" >&2 || true
go test ./cmd/cpsgate -run '^$' -bench 'ReportScale/commits=70000/relevant=2000$' -benchtime "${BENCHTIME:-3x}" -timeout 60m 2>&1 | tee -a "$out" >&2 || true
awk '
/^BenchmarkParamsOverhead\// {
	name = $1; sub(/^BenchmarkParamsOverhead\//, "", name); sub(/-[0-9]+$/, "", name)
	for (i = 3; i < NF; i++) {
		if ($(i+1) == "wall-ratio") pwall[name] = $i
		if ($(i+1) == "cpu-ratio") pcpu[name] = $i
	}
}
/^BenchmarkCheckScale\// {
	name = $1; sub(/^BenchmarkCheckScale\//, "", name); sub(/-[0-9]+$/, "", name)
	for (i = 3; i < NF; i++) {
		if ($(i+1) == "s/check") wall[name] = $i
		if ($(i+1) == "cpu-s/check") cpu[name] = $i
		if ($(i+1) == "MB-peak-rss") rss[name] = $i
	}
}
/^BenchmarkCheckVs(Floor|OPAEval)-/ {
	name = $1; sub(/^BenchmarkCheckVs/, "", name); sub(/-[0-9]+$/, "", name)
	for (i = 3; i < NF; i++) if ($(i+1) == "ratio") vs[name] = $i
}
/^BenchmarkReportScale\// {
	for (i = 3; i < NF; i++) {
		if ($(i+1) == "ratio") rratio = $i
		if ($(i+1) == "MB-peak-rss") rrss = $i
		if ($(i+1) == "report-s/op") rwall = $i
		if ($(i+1) == "gitlog-s/op") rgit = $i
	}
}
function c(f, s, cfg, pct, p, ch) {
	return sprintf("flags=%d/sections=%d/configs=%d/enabled=%s%%/params=%s/change=%s", f, s, cfg, pct, p, ch)
}
function goal(what, ok, figures) {
	printf "%-4s %-58s %s\n", ok ? "PASS" : "FAIL", what, figures
	if (!ok) failed = 1
}
function abs(name, secs, mb) {
	if (!(name in wall)) { goal(name, 0, "not measured"); return }
	goal(name " <= " secs " s" (mb ? ", " mb " MB" : ""), wall[name] <= secs && (!mb || rss[name] <= mb),
		sprintf("%.2f s (cpu %.2f s), %.0f MB", wall[name], cpu[name], rss[name]))
}
function double(what, small, big, limit) {
	if (!(small in wall) || !(big in wall)) { goal(what, 0, "not measured"); return }
	goal(what " <= " limit "x time", wall[big] / wall[small] <= limit,
		sprintf("%.2f s -> %.2f s (%.2fx; cpu %.2fx)", wall[small], wall[big], wall[big] / wall[small], cpu[big] / cpu[small]))
}
END {
	abs(c(10000, 2000, 500, 1, 0, "one"), 1, 256)
	abs(c(10000, 2000, 500, 33.3, 0, "one"), 2, 512)
	abs(c(5000, 2000, 10, 1, 0, "flip-all"), 2, 0)
	double("doubling flags 5,000 -> 10,000", c(5000, 2000, 500, 1, 0, "one"), c(10000, 2000, 500, 1, 0, "one"), 2.2)
	double("doubling sections 2,000 -> 4,000", c(10000, 2000, 500, 1, 0, "one"), c(10000, 4000, 500, 1, 0, "one"), 2.2)
	double("doubling configs 500 -> 1,000", c(10000, 2000, 500, 1, 0, "one"), c(10000, 2000, 1000, 1, 0, "one"), 2.2)
	double("doubling flipped flags 2,500 -> 5,000", c(2500, 2000, 10, 1, 0, "flip-all"), c(5000, 2000, 10, 1, 0, "flip-all"), 2.2)
	for (files = 1; files <= 10; files += 9) {
		name = "params=1000-in-" files "-files"
		what = "1,000 parameters in 500 files (each in " files ") add <= 20% (issue 14)"
		if (name in pwall)
			goal(what, pwall[name] <= 1.2, sprintf("+%.0f%% wall, +%.0f%% cpu", 100 * (pwall[name] - 1), 100 * (pcpu[name] - 1)))
		else goal(what, 0, "not measured")
	}
	if ("Floor" in vs) goal("boulder check <= 1.5x the floor program", vs["Floor"] <= 1.5, sprintf("%.2fx", vs["Floor"]))
	else goal("boulder check <= 1.5x the floor program", 0, "not measured")
	if ("OPAEval" in vs) goal("boulder check <= 0.7x opa eval", vs["OPAEval"] <= 0.7, sprintf("%.2fx", vs["OPAEval"]))
	else goal("boulder check <= 0.7x opa eval", 0, "not measured (opa not on PATH?)")
	if (rratio != "") {
		goal("report, 70,000 commits (2,000 relevant) <= 1.5x git log -p", rratio <= 1.5, sprintf("%.2f s vs %.2f s (%.2fx)", rwall, rgit, rratio))
		goal("report, 70,000 commits (2,000 relevant) <= 256 MB", rrss <= 256, sprintf("%.0f MB", rrss))
	} else goal("report, 70,000 commits", 0, "not measured")
	exit failed
}' "$out"
