#!/bin/sh
# Install what building and testing Sonde needs on Debian 12 (run as root).
set -e
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
	build-essential autoconf automake libtool pkg-config flex bison \
	libbpf-dev libelf-dev libdw-dev linux-libc-dev bpftool \
	clang libclang-rt-14-dev time ca-certificates >/dev/null
# make bench only: bpftrace, the tool bench/ compares with (skipped if absent)
apt-get install -y -qq --no-install-recommends bpftrace >/dev/null
# VM test tier (testsuite/vm/README.md): qemu and a static busybox for the
# throwaway guests, then Debian's 6.1 and 6.12 kernels and headers, which
# go to /var/cache/sonde-vm (reused by later runs), not through dpkg.
apt-get install -y -qq --no-install-recommends \
	qemu-system-x86 busybox-static cpio >/dev/null
bash "$(dirname "$0")/../testsuite/vm/kernels" fetch
