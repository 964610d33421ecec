# bench/lib.sh: helpers shared by the BPF benchmarks (sourced, not run).
# Expects $here (bench/) and $stap; sets $tmp (removed at exit) and builds
# the traced command and the libbpf references into it.

tmp=$(mktemp -d)
keeper=
# on any exit: stop the background loader events.sh may hold, remove $tmp
trap '[ -z "$keeper" ] || { kill "$keeper"; wait "$keeper"; }; rm -rf "$tmp"' EXIT

# build_tools: the getppid() loop (frame pointers, for stack walks), the
# reference loader and the reference BPF objects.  clang only here, at
# bench time; Sonde itself never runs it.
build_tools() {
	cc -O2 -fno-omit-frame-pointer -Wall -o "$tmp/getppid-loop" "$here/getppid-loop.c" -lbpf
	cc -O2 -Wall -o "$tmp/run" "$here/ref/run.c" -lbpf
	local f
	for f in "$here"/ref/*.bpf.c; do
		clang -O2 -g -target bpf -I/usr/include/"$(gcc -print-multiarch)" \
			-c "$f" -o "$tmp/$(basename "$f" .c).o"
	done
}

# sonde_refusal SCRIPT: empty if this stap translates SCRIPT for BPF (-p3),
# else the first line of its error
sonde_refusal() {
	"$stap" --runtime=bpf -p3 -e "$1" > /dev/null 2> "$tmp/refusal" && return 0
	grep -m1 -i 'error' "$tmp/refusal" || head -1 "$tmp/refusal"
}

# median / range of the numbers on stdin, one a line
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR) print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
range() { sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.1f..%.1f", lo, hi }'; }

# BPF objects these benchmarks load: tracepoint programs (the references',
# Sonde's, bpftrace's) and the references' and bpftrace's maps, by name.
# Others' Sonde tests on this machine load sonde_* objects too: their
# uprobe programs are told apart by type, the rest by waiting for them.
ours_prog='_getppid$|^keep_syscall_tp$|^sonde_|^sys_enter_getpp|^raw_syscalls_s|^sys_enter$'
ours_type='^(tracepoint|raw_tracepoint)$'
ours_map='^(counts|stacks|stack|printf|AT_.*)$'

# bpf_list KIND: "ID TYPE NAME" for each loaded program or map (KIND
# prog|map; NAME - if none)
bpf_list() {
	bpftool "$1" show | awk -F'[: ]+' '/^[0-9]+:/ {
		n = "-"
		for (i = 3; i < NF; i++) if ($i == "name") n = $(i + 1)
		print $1, $2, n }'
}

# bpf_mark: the highest program id and map id now (ids only grow)
bpf_mark() {
	echo "$(bpf_list prog | sort -n | tail -1 | cut -d' ' -f1)" \
		"$(bpf_list map | sort -n | tail -1 | cut -d' ' -f1)"
}

# bpf_leftovers PROG_ID MAP_ID: ours loaded since, still loaded
bpf_leftovers() {
	{ bpf_list prog | awk -v id="${1:-0}" -v re="$ours_prog" -v ty="$ours_type" \
		'$1 > id && $2 ~ ty && $3 ~ re { print "prog", $1, $3 }'
	  bpf_list map | awk -v id="${2:-0}" -v re="$ours_map" '$1 > id && $3 ~ re { print "map", $1, $3 }'
	} | tr '\n' ' '
}

# report_leftovers MARK: say whether any of our programs or maps loaded
# since bpf_mark printed MARK is still loaded, giving others' tests 10 s
# to end; non-zero if so
report_leftovers() {
	local left i
	for ((i = 0; i < 10; i++)); do
		left=$(bpf_leftovers $1)
		[ -n "$left" ] || break
		sleep 1
	done
	if [ -n "$left" ]; then
		echo "BPF cleanup: STILL LOADED: $left"
		return 1
	fi
	echo "BPF cleanup: no program or map loaded by this benchmark is left (bpftool)"
}
