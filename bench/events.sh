#!/bin/bash
# bench/events.sh: per-event cost of a probe on the getppid syscall
# tracepoint, Sonde against a hand-written libbpf reference (bench/ref/)
# and bpftrace, for a counter, a log2 histogram and a count by user stack
# (issue: BPF backend, target: Sonde within 5% of the reference), and the
# syscall.getppid alias against the raw tracepoints (issue: tapsets,
# target: at most 10% more).
#
# The traced command (getppid-loop.c) times N getppid() calls in its own
# thread CPU time, so tracer start-up never counts and time the VM spends
# on other work counts little.  Every round runs every tool once, in an
# order that rotates, next to an untraced run; a tool's own cost per event
# is the median over rounds of (traced - untraced) ns per call.
#
# Any syscall tracepoint in use (by anyone) sends every syscall through the
# kernel's slow path, a cost all tools share and which appears or vanishes
# as other tracers come and go.  So the untraced runs next to the tools
# hold that path on (ref/keep.bpf.c), and each round also measures it
# apart: shared cost = untraced with it on - untraced with it off.
# Usage: bench/events.sh [STAP] [ROUNDS] [N]   (needs root, clang, libbpf)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
stap=${1:-${STAP:-$here/../translator/stap}}
rounds=${2:-7}
n=${3:-3000000}
. "$here/lib.sh"

tp='kernel.trace("syscalls:sys_enter_getppid")'
nr=$(printf '#include <sys/syscall.h>\nSYS_getppid\n' | cpp -P | tail -1)

# The cases: the scripts a SystemTap or bpftrace user would write, and the
# reference object (bench/ref/NAME.bpf.c).  Each case's first tool is the
# one the others are measured against.
declare -A stp bt obj skip
cases="counter hist ustack alias"
tools_counter="reference sonde bpftrace"
obj[counter,reference]=count
stp[counter,sonde]="global c; probe $tp { c <<< 1 } probe end { printf(\"%d\\n\", @count(c)) }"
bt[counter,bpftrace]='tracepoint:syscalls:sys_enter_getppid { @c = count(); }'

tools_hist="reference sonde bpftrace"
obj[hist,reference]=hist
stp[hist,sonde]="global h; probe $tp { h <<< pid() } probe end { print(@hist_log(h)) }"
bt[hist,bpftrace]='tracepoint:syscalls:sys_enter_getppid { @h = hist(pid); }'

tools_ustack="reference sonde bpftrace"
obj[ustack,reference]=ustack
stp[ustack,sonde]="global s; probe $tp { s[ubacktrace()] <<< 1 } probe end { foreach (k in s) printf(\"%d\\n\", @count(s[k])) }"
bt[ustack,bpftrace]='tracepoint:syscalls:sys_enter_getppid { @s[ustack] = count(); }'

# the same counter on the raw syscall tracepoint, the per-syscall one and
# the syscall.getppid alias (built on raw_syscalls:sys_enter)
tools_alias="raw tracepoint syscall.getppid"
stp[alias,raw]="global c; probe kernel.trace(\"raw_syscalls:sys_enter\") { if (\$id == $nr) c <<< 1 } probe end { printf(\"%d\\n\", @count(c)) }"
stp[alias,tracepoint]=${stp[counter,sonde]}
stp[alias,syscall.getppid]="global c; probe syscall.getppid { c <<< 1 } probe end { printf(\"%d\\n\", @count(c)) }"

# why_not CASE TOOL: empty if the tool can run the case, else why not
why_not() {
	local msg
	if [ -n "${bt[$1,$2]:-}" ]; then
		command -v bpftrace > /dev/null || echo "skipped: bpftrace not installed"
	elif [ -n "${stp[$1,$2]:-}" ]; then
		msg=$(sonde_refusal "${stp[$1,$2]}")
		[ -z "$msg" ] || echo "unsupported by this build: $msg" |
			sed 's/: semantic error: /: /; s/ at <input>:.*//'
	fi
}

# run_once CASE TOOL CALLS [FIRST_ID]: the traced command's CPU ns per
# call (TOOL none: untraced), or with FIRST_ID the BPF programs' ns per
# call (the tool's programs: those loaded after FIRST_ID - 1)
run_once() {
	local log=$tmp/$1-$2.log loop="$tmp/getppid-loop $3 ${4:-}" ok=0
	if [ -n "${stp[$1,$2]:-}" ]; then
		"$stap" --runtime=bpf -c "$loop" -e "${stp[$1,$2]}" > "$log" 2>&1 || ok=$?
	elif [ -n "${bt[$1,$2]:-}" ]; then
		bpftrace -c "$loop" -e "${bt[$1,$2]}" > "$log" 2>&1 || ok=$?
	elif [ -n "${obj[$1,$2]:-}" ]; then
		"$tmp/run" "$tmp/${obj[$1,$2]}.bpf.o" $loop > "$log" 2>&1 || ok=$?
		# the reference must have seen every call
		awk -v n="$3" '/^events/ && $2 < n { exit 1 }' "$log" || ok=1
	else
		$loop > "$log" 2>&1 || ok=$?
	fi
	if [ "$ok" != 0 ] || ! grep -q '^ns/call' "$log"; then
		echo "$1 $2 failed:" >&2
		tail -5 "$log" >&2
		return 1
	fi
	awk -v f="${4:-}" '/^ns\/call/ { print f ? $7 : $3 }' "$log"
}

build_tools
mark=$(bpf_mark)
for c in $cases; do
	eval "tools=\$tools_$c"
	for t in $tools; do
		skip[$c,$t]=$(why_not "$c" "$t")
	done
done

# keeper_on / keeper_off: hold the syscall-tracepoint path on, or not
keeper_on() {
	"$tmp/run" "$tmp/keep.bpf.o" sleep 100000 & keeper=$!
	sleep 0.2	# attached by then: it loads one tiny object
}
keeper_off() {
	kill "$keeper"
	wait "$keeper" || true	# 143: its sleep ended by our SIGTERM
	keeper=
}

# failed CASE TOOL: a run that should have worked did not (its log is
# shown): the tool drops out of the case, and the script will exit 1
status=0
failed() {
	skip[$1,$2]="FAILED (log above)"
	status=1
}

echo "per-event cost on syscalls:sys_enter_getppid: $rounds rounds of" \
	"$n getppid() calls, thread CPU time, $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
for ((r = 0; r < rounds; r++)); do
	cold=$(run_once none none "$n")
	keeper_on
	for c in $cases; do
		eval "tools=(\$tools_$c)"
		base=$(run_once none none "$n")
		for ((i = 0; i < ${#tools[@]}; i++)); do
			t=${tools[(i + r) % ${#tools[@]}]}
			[ -z "${skip[$c,$t]}" ] || continue
			v=$(run_once "$c" "$t" "$n") || { failed "$c" "$t"; continue; }
			echo "$v" >> "$tmp/$c-$t.percall"
			awk -v v="$v" -v b="$base" 'BEGIN { print v - b }' >> "$tmp/$c-$t.cost"
		done
		echo "$base" >> "$tmp/warm.percall"
		awk -v w="$base" -v c="$cold" 'BEGIN { print w - c }' >> "$tmp/shared.cost"
	done
	keeper_off
	echo "$cold" >> "$tmp/cold.percall"
done

# The programs' own run time per event, from the kernel's BPF statistics.
# Those cost tens of ns per run themselves, so they stay off in the rounds
# above; their figures hardly move, so fewer calls do.  The floor is an
# empty program on the same tracepoint.
obj[floor,empty]=empty
prounds=3 pn=$((n / 3))
for ((r = 0; r < prounds; r++)); do
	for c in floor $cases; do
		tools=(empty)
		[ "$c" = floor ] || eval "tools=(\$tools_$c)"
		for t in "${tools[@]}"; do
			[ -z "${skip[$c,$t]:-}" ] || continue
			v=$(run_once "$c" "$t" "$pn" "$(($(bpf_mark | cut -d' ' -f1) + 1))") ||
				{ failed "$c" "$t"; continue; }
			echo "$v" >> "$tmp/$c-$t.prog"
		done
	done
done

# first_tool CASE: the case's first tool that ran (the reference, or the
# raw tracepoint): the one the targets compare with
first_tool() {
	local c=$1 t
	eval "set -- \$tools_$c"
	for t; do
		[ -n "${skip[$c,$t]}" ] || { echo "$t"; return; }
	done
}

# report KIND CASE: one line per tool of the case from $tmp/CASE-TOOL.KIND
# (median and range over rounds, less $less): for KIND cost its ratio to
# the first tool's, also with $plus added to both; for KIND prog the
# difference in ns
report() {
	local kind=$1 c=$2 t f fm
	f=$(first_tool "$c")
	fm=$([ -z "$f" ] || median < "$tmp/$c-$f.$kind")
	eval "set -- \$tools_$c"
	for t; do
		if [ -n "${skip[$c,$t]}" ]; then
			printf '%-8s %-15s %s\n' "$c" "$t" "${skip[$c,$t]}"
			continue
		fi
		awk -v c="$c" -v t="$t" -v m="$(median < "$tmp/$c-$t.$kind")" \
			-v rg="$(awk -v l="$less" '{ print $1 - l }' "$tmp/$c-$t.$kind" | range)" \
			-v f="$fm" -v fn="$f" -v kind="$kind" -v less="$less" -v plus="$plus" 'BEGIN {
			m -= less; f -= less
			if (plus < 0) plus = 0
			printf "%-8s %-15s %7.1f (%13s)", c, t, m, rg
			if (kind == "prog")
				printf "  %+6.1f ns vs %s", m - f, fn
			else if (f > 0)
				printf "  %5.2f = %+4.0f%% vs %-10s %5.2f", m / f, (m / f - 1) * 100, fn, (m + plus) / (f + plus)
			printf "\n" }'
	done
}

# CPU time: a tool's cost is the median over rounds of (traced - untraced)
# ns per call, the ratio is to the case's first tool; "with shared" adds
# the shared slow-path cost to both
shared=$(median < "$tmp/shared.cost")
awk -v u="$(median < "$tmp/cold.percall")" -v s="$shared" -v rg="$(range < "$tmp/shared.cost")" 'BEGIN {
	printf "untraced getppid(): %.1f ns; the syscall tracepoint path on adds %+.1f ns (%s),\n", u, s, rg
	printf "shared by all tools%s\n", s < 5 ? " (near 0: another tracer held that path on during these runs)" : "" }'
printf '%-8s %-15s %-24s %-26s %s\n' case tool "ns/event (range)" "ratio to first" "with shared"
for c in $cases; do less=0 plus=$shared report cost "$c"; done
floor=$(median < "$tmp/floor-empty.prog")
echo
echo "BPF programs' own run time per event (kernel statistics, $prounds rounds of $pn calls)," \
	"over an empty program's $floor ns"
printf '%-8s %-15s %-24s %s\n' case tool "ns/event (range)" "difference"
for c in $cases; do less=$floor plus=0 report prog "$c"; done
report_leftovers "$mark"
exit $status
