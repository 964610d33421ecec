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

# run_once CASE TOOL: the traced command's CPU ns per call (none: untraced)
run_once() {
	local log=$tmp/$1-$2.log loop="$tmp/getppid-loop $n" ok=0
	if [ -n "${stp[$1,$2]:-}" ]; then
		"$stap" --runtime=bpf -c "$loop" -e "${stp[$1,$2]}" > "$log" 2>&1 || ok=$?
	elif [ -n "${bt[$1,$2]:-}" ]; then
		bpftrace -c "$loop" -e "${bt[$1,$2]}" > "$log" 2>&1 || ok=$?
	elif [ -n "${obj[$1,$2]:-}" ]; then
		"$tmp/run" "$tmp/${obj[$1,$2]}.bpf.o" $loop > "$log" 2>&1 || ok=$?
		# the reference must have seen every call
		awk -v n="$n" '/^events/ && $2 < n { exit 1 }' "$log" || ok=1
	else
		$loop > "$log" 2>&1 || ok=$?
	fi
	if [ "$ok" != 0 ] || ! grep -q '^ns/call' "$log"; then
		echo "$1 $2 failed:" >&2
		tail -5 "$log" >&2
		return 1
	fi
	awk '/^ns\/call/ { print $3 }' "$log"
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

echo "per-event cost on syscalls:sys_enter_getppid: $rounds rounds of" \
	"$n getppid() calls, thread CPU time, $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
for ((r = 0; r < rounds; r++)); do
	cold=$(run_once none none)
	keeper_on
	for c in $cases; do
		eval "tools=(\$tools_$c)"
		base=$(run_once none none)
		for ((i = 0; i < ${#tools[@]}; i++)); do
			t=${tools[(i + r) % ${#tools[@]}]}
			[ -z "${skip[$c,$t]}" ] || continue
			v=$(run_once "$c" "$t")
			echo "$v" >> "$tmp/$c-$t.percall"
			awk -v v="$v" -v b="$base" 'BEGIN { print v - b }' >> "$tmp/$c-$t.cost"
		done
		echo "$base" >> "$tmp/warm.percall"
		awk -v w="$base" -v c="$cold" 'BEGIN { print w - c }' >> "$tmp/shared.cost"
	done
	keeper_off
	echo "$cold" >> "$tmp/cold.percall"
done

# ns/event: a tool's own cost, the median over rounds of (traced -
# untraced) ns per call; ratio: to the case's first tool that ran (the
# reference, or the raw tracepoint), the figure the targets are about;
# with shared: the same ratio once the shared slow-path cost is added
shared=$(median < "$tmp/shared.cost")
printf '%-8s %-15s %9s %28s %s\n' case tool ns/call "ns/event (range over rounds)" "ratio to first, with shared"
printf '%-8s %-15s %9.1f\n' - "untraced" "$(median < "$tmp/cold.percall")"
printf '%-8s %-15s %9.1f %9.1f (%17s)  shared by all tools\n' - "syscall tp path" \
	"$(median < "$tmp/warm.percall")" "$shared" "$(range < "$tmp/shared.cost")"
awk -v s="$shared" 'BEGIN { if (s < 5) print "  (near 0: another tracer held the syscall tracepoint path during these runs)" }'
for c in $cases; do
	eval "tools=(\$tools_$c)"
	first=0
	for t in "${tools[@]}"; do
		[ -z "${skip[$c,$t]}" ] || continue
		first=$(median < "$tmp/$c-$t.cost") fn=$t
		break
	done
	for t in "${tools[@]}"; do
		if [ -n "${skip[$c,$t]}" ]; then
			printf '%-8s %-15s %s\n' "$c" "$t" "${skip[$c,$t]}"
			continue
		fi
		awk -v c="$c" -v t="$t" -v p="$(median < "$tmp/$c-$t.percall")" \
			-v m="$(median < "$tmp/$c-$t.cost")" -v rg="$(range < "$tmp/$c-$t.cost")" \
			-v f="$first" -v fn="$fn" -v sc="$shared" 'BEGIN {
			if (sc < 0) sc = 0
			printf "%-8s %-15s %9.1f %9.1f (%17s)", c, t, p, m, rg
			if (f > 0)
				printf "  %.2f (%+.0f%% vs %s), %.2f", m / f, (m / f - 1) * 100, fn, (m + sc) / (f + sc)
			printf "\n" }'
	done
done
report_leftovers "$mark"
