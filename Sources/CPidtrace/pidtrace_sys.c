#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>
#include "pidtrace_sys.h"

extern char **environ;

int pt_spawn_in_new_pidns(const char *path, char *const argv[], pid_t *pid, int *stdin_write)
{
	int fds[2], err;
	int own = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	if (own < 0)
		return -errno;
	if (pipe2(fds, O_CLOEXEC) < 0) {
		err = -errno;
		close(own);
		return err;
	}
	/* Affects only the children of this thread, which are spawned next. */
	if (unshare(CLONE_NEWPID) < 0) {
		err = -errno;
		goto out;
	}
	posix_spawn_file_actions_t actions;
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, fds[0], 0);
	err = -posix_spawn(pid, path, &actions, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	if (setns(own, CLONE_NEWPID) < 0 && !err)
		err = -errno;
out:
	close(own);
	close(fds[0]);
	if (err)
		close(fds[1]);
	else
		*stdin_write = fds[1];
	return err;
}

int pt_mount_tracefs(const char *path)
{
	return mount("nodev", path, "tracefs", 0, NULL) < 0 ? -errno : 0;
}

int pt_accept_nonblocking(int fd)
{
	return accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
}
