/* Helpers for the kernel matrix scenario (scripts/kernels/init.sh), built static.
 *   storm ROUNDS exit_group   a process whose 32 threads call exit_group(7) at once
 *   storm ROUNDS kill         a process of 32 spinning threads killed with SIGKILL
 *   storm hog                 allocate and touch memory until the OOM killer comes
 * Each storm round prints "storm MODE HOSTPID" for the judge. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define THREADS 32

static pthread_barrier_t ready;
static int exit_at_once;

static void *thread_main(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&ready);
	if (exit_at_once)
		syscall(SYS_exit_group, 7);
	for (;;)
		; /* spin until killed: every thread is running when SIGKILL comes */
	return NULL;
}

static void child(int fd)
{
	pthread_t t[THREADS - 1];
	pthread_barrier_init(&ready, NULL, THREADS);
	for (int i = 0; i < THREADS - 1; i++)
		if (pthread_create(&t[i], NULL, thread_main, NULL))
			_exit(90);
	if (!exit_at_once) {
		char c = 'r';
		if (write(fd, &c, 1) != 1)
			_exit(91);
	}
	thread_main(NULL);
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "hog")) {
		/* mmap and volatile stores: a compiler may drop an unused malloc+memset. */
		for (;;) {
			volatile char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p == MAP_FAILED)
				continue;
			for (int i = 0; i < 1 << 20; i += 4096)
				p[i] = 1;
		}
	}
	if (argc != 3) {
		fprintf(stderr, "usage: storm ROUNDS exit_group|kill | storm hog\n");
		return 2;
	}
	int rounds = atoi(argv[1]);
	exit_at_once = !strcmp(argv[2], "exit_group");
	for (int r = 0; r < rounds; r++) {
		int fds[2];
		if (pipe(fds))
			return 1;
		pid_t pid = fork();
		if (pid == 0) {
			close(fds[0]);
			child(fds[1]);
		}
		close(fds[1]);
		if (!exit_at_once) {
			char c;
			if (read(fds[0], &c, 1) != 1)
				return 1;
			usleep(20000); /* let the threads spin */
			kill(pid, SIGKILL);
		}
		close(fds[0]);
		int status;
		waitpid(pid, &status, 0);
		printf("storm %s %d\n", argv[2], pid);
		fflush(stdout);
	}
	return 0;
}
