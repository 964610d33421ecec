/*
 * run.c - loader for the hand-written reference programs: opens a BPF
 * object with libbpf, loads it, attaches every program, runs CMD, then
 * prints on stderr how many events the map "counts" holds (summed over
 * keys and CPUs) and detaches everything.
 * SIGTERM and SIGINT are passed on to CMD.
 * Usage: run OBJ.bpf.o CMD [ARG...]
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_LINKS 8

static pid_t child;

static void pass_on(int sig)
{
	if (child > 0)
		kill(child, sig);
}

/* Sum of every u64 value of the map, over all keys and CPUs */
static unsigned long long map_total(struct bpf_map *map)
{
	int fd = bpf_map__fd(map), ncpu = 1;
	__u32 key, next, *prev = NULL;
	unsigned long long total = 0, *vals;
	enum bpf_map_type type = bpf_map__type(map);

	if (type == BPF_MAP_TYPE_PERCPU_ARRAY || type == BPF_MAP_TYPE_PERCPU_HASH)
		ncpu = libbpf_num_possible_cpus();
	vals = calloc(ncpu, sizeof(*vals));
	if (!vals)
		return 0;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, vals))
			continue;
		for (int i = 0; i < ncpu; i++)
			total += vals[i];
	}
	free(vals);
	return total;
}

int main(int argc, char **argv)
{
	struct bpf_link *links[MAX_LINKS];
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_map *counts;
	int nlinks = 0, status = 1, err;

	if (argc < 3) {
		fprintf(stderr, "usage: %s OBJ.bpf.o CMD [ARG...]\n", argv[0]);
		return 2;
	}
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "run: cannot open %s\n", argv[1]);
		return 1;
	}
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "run: cannot load %s: %s\n", argv[1], strerror(-err));
		goto out;
	}
	bpf_object__for_each_program(prog, obj) {
		if (nlinks == MAX_LINKS)
			break;
		links[nlinks] = bpf_program__attach(prog);
		if (!links[nlinks]) {
			fprintf(stderr, "run: cannot attach %s\n", bpf_program__name(prog));
			goto detach;
		}
		nlinks++;
	}
	signal(SIGTERM, pass_on);
	signal(SIGINT, pass_on);
	child = fork();
	if (child == 0) {
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	if (child < 0 || waitpid(child, &status, 0) < 0) {	/* SA_RESTART */
		perror("run");
		status = 1;
		goto detach;
	}
	counts = bpf_object__find_map_by_name(obj, "counts");
	if (counts)
		fprintf(stderr, "events %llu\n", map_total(counts));
	status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
detach:
	while (nlinks > 0)
		bpf_link__destroy(links[--nlinks]);
out:
	bpf_object__close(obj);
	return status;
}
