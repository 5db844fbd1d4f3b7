/* The event ABI between the BPF program (bpf/pidtrace.bpf.c) and Swift.
 * Defined once here; Swift imports it, so no offset is written by hand anywhere. */
#ifndef PIDTRACE_EVENT_H
#define PIDTRACE_EVENT_H

#include <linux/types.h>

#define PT_MAX_NS_LEVELS 32   /* the kernel's MAX_PID_NS_LEVEL: every level fits */
#define PT_COMM_LEN 16
#define PT_FILENAME_LEN 256
#define PT_ARGS_LEN 4096      /* bytes of the argv area copied per exec */

enum pt_event_kind {
	PT_EVENT_FORK = 1,
	PT_EVENT_EXEC = 2,
	PT_EVENT_EXIT = 3,
	PT_EVENT_SIGNAL = 4,   /* struct pt_signal_event */
	PT_EVENT_OOM_KILL = 5, /* struct pt_oom_event: chosen by the OOM killer */
	PT_EVENT_REAP = 6,     /* struct pt_reap_event: a zombie released by its parent's wait */
};

enum pt_event_flags {
	PT_FLAG_THREAD = 1 << 0,           /* thread-level fork/exit, not the whole process */
	PT_FLAG_NEW_PIDNS = 1 << 1,        /* the process is the init (PID 1) of a new PID namespace */
	PT_FLAG_UNWATCHED = 1 << 2,        /* outside the filter; sent only because of NEW_PIDNS */
	PT_FLAG_ARGS_TRUNCATED = 1 << 3,   /* the argv area was longer than PT_ARGS_LEN */
};

/* One process event. Fork and exit records are exactly this; exec records are a
 * struct pt_exec_event cut after args_len bytes of args. */
struct pt_event {
	__u64 ts_ns;          /* bpf_ktime_get_boot_ns() */
	__u64 start_ns;       /* the process's start, boot-time ns (group leader) */
	__u64 cgroup_id;      /* cgroup v2 id */
	__u32 kind;           /* enum pt_event_kind */
	__u32 flags;          /* enum pt_event_flags */
	__u32 host_pid;       /* tgid in the initial PID namespace */
	__u32 host_tid;
	__u32 host_ppid;      /* real parent's tgid */
	__u32 ns_tid;         /* thread id in the process's own PID namespace */
	__u32 ns_ppid;        /* parent's tgid there, 0 when the parent is outside */
	__u32 ns_level;       /* nesting level of the process's PID namespace, 0 = host */
	__u32 pidns;          /* inode of that PID namespace */
	__u32 mntns;          /* inode of the mount namespace */
	__u32 uid;
	__u32 gid;
	__u32 exit_code;      /* exit: the kernel's wait status */
	__u32 args_len;       /* exec: bytes used in args */
	char comm[PT_COMM_LEN];
	__u32 ns_pids[PT_MAX_NS_LEVELS]; /* tgid at levels 0..ns_level, as NSpid: */
};

/* Another process involved in an event: a signal's sender, a zombie's reaper. */
struct pt_peer {
	__u32 host_pid;
	__u32 host_tid;
	__u32 ns_pid;        /* in the event process's PID namespace, 0 when outside it */
	__u32 pidns;         /* the peer's own PID namespace */
	char comm[PT_COMM_LEN];
};

struct pt_signal_event {
	struct pt_event base; /* the target */
	__u32 signal;
	__s32 si_code;        /* SI_USER (0), SI_KERNEL (0x80), SI_TKILL (-6), ... */
	__u32 result;         /* the kernel's enum trace_signal_result */
	__u32 group;          /* sent to the whole thread group */
	struct pt_peer sender; /* the task that was running when it was generated */
};

struct pt_oom_event {
	struct pt_event base;  /* the victim */
	__u64 memcg_id;        /* its memory cgroup (v1 or v2 hierarchy id) */
};

/* Only host_pid, host_tid, comm, ts_ns and exit_code of base are set: the zombie's
 * PIDs are detached by then, so user space takes its namespace view from its exit. */
struct pt_reap_event {
	struct pt_event base;
	struct pt_peer reaper; /* the parent it was released to; ns_pid in its own namespace */
};

struct pt_exec_event {
	struct pt_event base;
	char filename[PT_FILENAME_LEN];
	char args[PT_ARGS_LEN]; /* NUL-separated argv, as in /proc/PID/cmdline */
};

#endif
