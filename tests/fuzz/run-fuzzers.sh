#!/usr/bin/env bash
# Run each libFuzzer target for a bounded time over a copy of its seed corpus.
#
#   tests/fuzz/run-fuzzers.sh BUILD_DIR [SECONDS]     (SECONDS defaults to 60)
#
# BUILD_DIR is a fuzz build (see tests/fuzz/meson.build).  The fuzzers run side
# by side, each for SECONDS.  One line per fuzzer, "PASS: fuzz_x" or
# "FAIL: fuzz_x"; for a failure, its log, the artifact that reproduces it
# (path and hex dump) and the end of the log follow.  Exits 1 if any fuzzer
# found a crash, a leak, a timeout, an out-of-memory or any sanitizer report;
# 2 on a usage error.  The work directory is removed when everything passed
# and kept (and named) otherwise.
#
# The fuzzers: BUILD_DIR/tests/fuzz/fuzz_NAME over corpus/NAME/ for each
# seed corpus here, and BUILD_DIR/tests/host/fuzz_hostproto (the resource-host
# wire protocol) over tests/host/corpus_hostproto/.
#
# Reproduce a failure: BUILD_DIR/tests/fuzz/fuzz_x ARTIFACT (the FAIL lines
# print the exact command)
#
# SPDX-License-Identifier: LGPL-2.1-or-later
set -euo pipefail

usage() {
	echo "usage: $0 BUILD_DIR [SECONDS]" >&2
	exit 2
}

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	usage
fi
build=$1
seconds=${2:-60}
[[ $seconds =~ ^[1-9][0-9]*$ ]] || usage
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The fuzzers by name, each with its program and its seed corpus: one per
# corpus/NAME/ (BUILD_DIR/tests/fuzz/fuzz_NAME), then the protocol fuzzer.
fuzzers=()
declare -A program corpus
for dir in "$here"/corpus/*/; do
	name=$(basename "$dir")
	fuzzers+=("$name")
	program[$name]=$build/tests/fuzz/fuzz_$name
	corpus[$name]=$here/corpus/$name
done
fuzzers+=(hostproto)
program[hostproto]=$build/tests/host/fuzz_hostproto
corpus[hostproto]=$(cd "$here/../host" && pwd)/corpus_hostproto

for name in "${fuzzers[@]}"; do
	if [ ! -x "${program[$name]}" ]; then
		echo "$0: ${program[$name]} not found (configure $build with -Dfuzz=true)" >&2
		exit 2
	fi
	if [ -z "$(ls -A "${corpus[$name]}" 2>/dev/null)" ]; then
		echo "$0: no seeds in ${corpus[$name]} (run tests/fuzz/make_corpus.py)" >&2
		exit 2
	fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/cs-fuzz.XXXXXX")
pids=()
keep=0
# On any exit: stop fuzzers still running, remove the work directory unless
# it holds a failure.
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	local pid
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	[ "$keep" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Sanitizer reports must end the run (UBSan would otherwise print and go on).
# addr2line (binutils) symbolizes the stacks where llvm-symbolizer is missing.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:strict_string_checks=1:allow_addr2line=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}

for name in "${fuzzers[@]}"; do
	dir=$work/$name
	mkdir -p "$dir/corpus" "$dir/artifacts"
	cp -R "${corpus[$name]}/." "$dir/corpus/"
	args=(-max_total_time="$seconds" -detect_leaks=1 -error_exitcode=77 -timeout=10
	      -rss_limit_mb=2048 -artifact_prefix="$dir/artifacts/" -print_final_stats=1)
	if [ -f "$here/$name.dict" ]; then
		args+=(-dict="$here/$name.dict")
	fi
	"${program[$name]}" "${args[@]}" "$dir/corpus" >"$dir/fuzz.log" 2>&1 &
	pids+=($!)
done

failed=0
for i in "${!fuzzers[@]}"; do
	name=${fuzzers[$i]}
	dir=$work/$name
	rc=0
	wait "${pids[$i]}" || rc=$?
	# A sanitizer that reported and yet let the process exit 0 is a failure too.
	report=$(grep -E -m1 'ERROR: (Address|Leak|Undefined)Sanitizer|runtime error:|SUMMARY: libFuzzer' \
		"$dir/fuzz.log" || true)
	artifacts=$(find "$dir/artifacts" -type f | sort)
	if [ "$rc" -eq 0 ] && [ -z "$report" ] && [ -z "$artifacts" ]; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/fuzz.log" | tail -n1)
		echo "PASS: fuzz_$name (${seconds}s, ${runs:-?} runs)"
		continue
	fi
	failed=1
	echo "FAIL: fuzz_$name (exit status $rc)"
	echo "  log: $dir/fuzz.log"
	[ -z "$report" ] || echo "  report: $report"
	for a in $artifacts; do
		echo "  artifact: $a ($(stat -c %s "$a") bytes)"
		echo "  reproduce: ${program[$name]} $a"
		od -A x -t x1z -v "$a" | head -n 64 | sed 's/^/    /'
	done
	echo "  --- last lines of the log ---"
	tail -n 40 "$dir/fuzz.log" | sed 's/^/    /'
done
pids=()

if [ "$failed" -eq 0 ]; then
	exit 0
fi
keep=1
echo "fuzz work directory kept: $work"
exit 1
