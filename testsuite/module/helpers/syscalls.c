/* syscalls N [CALL...]: make each named system call N times (getppid,
 * getpgid, getuid; read: 123 bytes of /dev/zero), for cases that count them: the guest has only
 * busybox, whose applets make unpredictable calls. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1, i, j;
	int zero = open("/dev/zero", O_RDONLY);
	char buf[123];

	for (j = 2; j < argc; j++)
		for (i = 0; i < n; i++) {
			if (!strcmp(argv[j], "getppid"))
				syscall(SYS_getppid);
			else if (!strcmp(argv[j], "getpgid"))
				syscall(SYS_getpgid, 0);
			else if (!strcmp(argv[j], "getuid"))
				syscall(SYS_getuid);
			else if (!strcmp(argv[j], "read"))
				(void)!read(zero, buf, sizeof(buf));
		}
	return 0;
}
