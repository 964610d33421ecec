#!/bin/bash
# bench/startup.sh: start-up and teardown of a one-tracepoint script, for
# Sonde's BPF runtime, bpftrace when installed, and the libbpf loader of a
# precompiled reference object (the floor).  Each tool runs the traced
# command (getppid-loop with N = 0) only once its probes are attached; the
# command prints the instant it starts and calls getppid(), the probe
# says it fired (proof it was attached in time) and exits.  So
#   attach   = launch of the tool -> command starts,
#   teardown = command starts -> tool has exited.
# Target (issue: BPF backend): <= 50 ms until attached; bpftrace 0.17
# takes ~320 ms to run and exit a one-tracepoint script.
# Usage: bench/startup.sh [STAP] [RUNS]   (needs root)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
stap=${1:-${STAP:-$here/../translator/stap}}
runs=${2:-10}
. "$here/lib.sh"

declare -A cmd
tools="reference sonde"
cmd[reference]='"$tmp/run" "$tmp/count.bpf.o" $loop'
cmd[sonde]='"$stap" -v --runtime=bpf -c "$loop" -e "probe kernel.trace(\"syscalls:sys_enter_getppid\") { if (pid() == target()) { println(\"fired\"); exit() } }"'
if command -v bpftrace > /dev/null; then
	tools+=" bpftrace"
	cmd[bpftrace]='bpftrace -c "$loop" -e "tracepoint:syscalls:sys_enter_getppid /pid == cpid/ { printf(\"fired\\n\"); exit(); }"'
fi

# once TOOL: appends "attach teardown" in ms to $tmp/TOOL.ms
once() {
	local loop="$tmp/getppid-loop 0" log=$tmp/$1.log t0 t1 t2
	t0=$(date +%s%N)
	eval "${cmd[$1]}" > "$log" 2>&1 || { echo "$1 failed:" >&2; tail -5 "$log" >&2; return 1; }
	t2=$(date +%s%N)
	t1=$(awk '/^start/ { print $2 }' "$log")
	[ -n "$t1" ] || { echo "$1: the command did not run" >&2; return 1; }
	# the probe saw the command's getppid(): it was attached by then
	grep -q '^fired$\|^events [1-9]' "$log" || { echo "$1: the probe did not fire" >&2; return 1; }
	# Sonde's -v pass timings: "Pass N: ... in Uusr/Ssys/Rreal ms."
	sed -n 's|^Pass \([0-9]\):.* in [0-9]*usr/[0-9]*sys/\([0-9]*\)real ms\.$|\1 \2|p' "$log" >> "$tmp/$1.passes"
	echo "$(((t1 - t0) / 1000)) $(((t2 - t1) / 1000))" | awk '{ print $1 / 1000, $2 / 1000 }' >> "$tmp/$1.ms"
}

build_tools
mark=$(bpf_mark)
for ((r = 0; r < runs; r++)); do
	for t in $tools; do once "$t"; done
done

echo "start-up of a one-tracepoint script: $runs runs each, interleaved, load $(cut -d" " -f1 /proc/loadavg); median (range) in ms"
printf '%-20s %22s %22s %10s\n' tool attach teardown total
for t in $tools; do
	printf '%-20s %9.1f (%10s) %9.1f (%10s) %10.1f\n' "$t" \
		"$(cut -d' ' -f1 "$tmp/$t.ms" | median)" "$(cut -d' ' -f1 "$tmp/$t.ms" | range)" \
		"$(cut -d' ' -f2 "$tmp/$t.ms" | median)" "$(cut -d' ' -f2 "$tmp/$t.ms" | range)" \
		"$(awk '{ print $1 + $2 }' "$tmp/$t.ms" | median)"
done
if [ -s "$tmp/sonde.passes" ]; then
	printf 'of which sonde passes (stap -v, median real ms):'
	for p in $(cut -d' ' -f1 "$tmp/sonde.passes" | sort -un); do
		printf ' pass %s %s' "$p" "$(awk -v p="$p" '$1 == p { print $2 }' "$tmp/sonde.passes" | median)"
	done
	echo
fi
report_leftovers "$mark"
