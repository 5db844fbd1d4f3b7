/* System calls Swift's Glibc module does not show (they need _GNU_SOURCE). */
#ifndef PIDTRACE_SYS_H
#define PIDTRACE_SYS_H

#include <sys/types.h>

/* Starts @path with @argv as PID 1 of a new PID namespace, its stdin the read end
 * of a new pipe whose write end goes to *stdin_write. The calling thread's
 * namespace for later children is restored. 0, or a negative errno. */
int pt_spawn_in_new_pidns(const char *path, char *const argv[], pid_t *pid, int *stdin_write);

/* Mounts tracefs at @path (as `mount -t tracefs nodev PATH`). 0, or a negative errno. */
int pt_mount_tracefs(const char *path);

/* accept4(@fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC): the connection's fd, or -1
 * with errno set. */
int pt_accept_nonblocking(int fd);

#endif
