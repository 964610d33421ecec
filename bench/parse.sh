#!/bin/bash
# bench/parse.sh: pass-1 throughput and memory.  Parses every tapset file
# and a synthetic 5 MB script with `stap -p1`, and reports MB/s and peak
# RSS (target: >= 50 MB/s, RSS <= 3x the input size).
# Usage: bench/parse.sh [STAP]   (default: translator/stap of the build)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
stap=${1:-${STAP:-$here/../translator/stap}}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A synthetic script in the style of real ones: globals, functions with
# loops and string work, probes with aggregates and printf, macros.
gen() {
	local i=0
	echo '@define HALF(x) %( ((@x) / 2) %)' > "$1"
	while [ "$(stat -c %s "$1" 2>/dev/null || echo 0)" -lt 5242880 ]; do
		for j in $(seq 0 199); do
			n=$((i * 200 + j))
			cat <<EOS
global counts_$n, stats_$n, names_$n[1024]
function helper_$n:long (a:long, b:string) {
	total = 0
	for (k = 0; k < a; k++) { total += k * 3 - (k % 7) << 1 }
	if (b == "x$n" && total > @HALF(a)) return total
	else return strlen(b . sprintf("%d-%s", a, b))
}
probe kernel.trace("sched:sched_switch"), timer.ms($n)? {
	counts_$n[execname(), pid()] <<< \$prev->pid
	stats_$n <<< gettimeofday_ns() - helper_$n(tid(), "name_$n")
	if ([execname(), pid()] in counts_$n) names_$n[tid()] = "t" . sprint(cpu())
	foreach ([e, p] in counts_$n- limit 10)
		printf("%-16s %6d %d\\n", e, p, @count(counts_$n[e, p]))
	print(@hist_log(stats_$n))
}
EOS
		done >> "$1"
		i=$((i + 1))
	done
}

measure() {  # measure LABEL FILE...
	local label=$1; shift
	local bytes=0 f
	for f in "$@"; do bytes=$((bytes + $(stat -c %s "$f"))); done
	local start end rss
	start=$(date +%s%N)
	rss=0
	for f in "$@"; do
		/usr/bin/time -f %M -o "$tmp/rss" "$stap" -p1 "$f" > /dev/null 2> "$tmp/err" ||
			{ echo "parse failed: $f"; head -20 "$tmp/err"; exit 1; }
		r=$(tail -1 "$tmp/rss")
		[ "$r" -gt "$rss" ] && rss=$r
	done
	end=$(date +%s%N)
	local ns=$((end - start))
	awk -v l="$label" -v b="$bytes" -v ns="$ns" -v rss="$rss" 'BEGIN {
		mbs = (b / 1048576) / (ns / 1e9);
		printf "%-28s %9.2f MB  %8.1f ms  %8.1f MB/s  peak RSS %7.1f MB (%.1fx input)\n",
		       l, b / 1048576, ns / 1e6, mbs, rss / 1024, (rss * 1024) / b }'
}

gen "$tmp/synthetic.stp"
measure "synthetic 5 MB script" "$tmp/synthetic.stp"
set -- "$here"/../tapsets/*.stp
[ -e "$1" ] && measure "tapsets/*.stp ($# files)" "$@"
exit 0
