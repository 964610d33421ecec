#!/bin/bash
# Script -> .ko with the module backend: a four-probe script (begin, a
# kprobe with a statistic per execname, a tracepoint, a timer) built for
# each kernel build tree given (default: every /lib/modules/*/build with a
# Makefile), with
#   cold     an empty cache: feature tests + kbuild
#   module   the feature tests cached, the module not: kbuild only
#   hit      both cached: no kbuild
#   p3       passes 1-3 alone (stap -p3), and their peak RSS
# Numbers, not pass/fail; the machine's load is printed with them.
#
#   bench/module_build.sh [RELEASE...]      (STAP: the stap to time)
set -u
STAP=${STAP:-$(dirname "$0")/../translator/stap}
work=$(mktemp -d "${TMPDIR:-/tmp}/sonde-bench.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
cat > "$work/four.stp" <<'STP'
global reads, switches, ticks
probe begin { printf("start\n") }
probe kernel.function("vfs_read") { reads[execname()] <<< $count }
probe kernel.trace("sched:sched_switch") { switches++ }
probe timer.s(5) { ticks++; exit() }
STP
rels=("$@")
if [ ${#rels[@]} -eq 0 ]; then
  for d in /lib/modules/*/build; do
    [ -f "$d/Makefile" ] && rels+=("$(basename "$(dirname "$d")")")
  done
fi
now() { date +%s.%N; }
ms() { echo "($2 - $1) * 1000 / 1" | bc; }
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
s=$(now); /usr/bin/time -f '%M' -o "$work/rss" "$STAP" -p3 "$work/four.stp" > /dev/null; e=$(now)
echo "p3: $(ms "$s" "$e") ms, $(cat "$work/rss") KB peak RSS"
for rel in "${rels[@]}"; do
  cache=$work/cache-$rel
  run() { (cd "$work" && SONDE_CACHE=$cache "$STAP" -p4 -r "$rel" four.stp > /dev/null 2> "$work/err") || { cat "$work/err"; return 1; }; }
  s=$(now); run || continue; e=$(now); cold=$(ms "$s" "$e")
  find "$cache" -name '*.ko' -delete
  s=$(now); run; e=$(now); module=$(ms "$s" "$e")
  s=$(now); run; e=$(now); hit=$(ms "$s" "$e")
  echo "$rel: cold $cold ms, module $module ms, hit $hit ms"
done
