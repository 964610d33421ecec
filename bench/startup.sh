#!/bin/bash
# bench/startup.sh: time from command to a one-tracepoint script having run
# and exited, for Sonde's BPF runtime and, when installed, bpftrace.  The
# probe fires on the traced command's getppid() and exits at once, so the
# time is start-up (translate, load, attach) plus teardown.
# Target (issue: BPF backend): <= 50 ms until attached; bpftrace 0.17
# takes ~320 ms to run and exit a one-tracepoint script.
# Usage: bench/startup.sh [STAP] [RUNS]   (needs root)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
stap=${1:-${STAP:-$here/../translator/stap}}
runs=${2:-10}
cmd="$(command -v perl) -e getppid"

median_ms() {  # median_ms CMD...: median wall time of RUNS runs, in ms
	local times=() i s e
	for ((i = 0; i < runs; i++)); do
		s=$(date +%s%N)
		"$@" > /dev/null 2>&1 || { echo "failed: $*" >&2; return 1; }
		e=$(date +%s%N)
		times+=($(((e - s) / 1000000)))
	done
	printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

sonde=$(median_ms "$stap" --runtime=bpf -c "$cmd" \
	-e 'probe kernel.trace("syscalls:sys_enter_getppid") { if (pid() == target()) exit() }')
base=$(median_ms $cmd)
printf '%-36s %6s ms\n' "traced command alone" "$base"
printf '%-36s %6s ms\n' "sonde stap --runtime=bpf" "$sonde"
if command -v bpftrace > /dev/null; then
	bt=$(median_ms bpftrace -c "$cmd" \
		-e 'tracepoint:syscalls:sys_enter_getppid /pid == cpid/ { exit(); }')
	printf '%-36s %6s ms\n' "bpftrace $(bpftrace --version | awk '{print $2}')" "$bt"
	awk -v s="$sonde" -v b="$bt" 'BEGIN { printf "%-36s %6.2f\n", "ratio bpftrace / sonde", b / s }'
fi
