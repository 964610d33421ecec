# tapsets/: installed into $(tapsetdir) (see tapsets/README.md).
EXTRA_DIST += tapsets/README.md
# the kernel runtime's functions (embedded C), selected by the runtime
tapset_linuxdir = $(tapsetdir)/linux
dist_tapset_linux_DATA = tapsets/linux/context.stp tapsets/linux/control.stp \
	tapsets/linux/time.stp tapsets/linux/memory.stp
