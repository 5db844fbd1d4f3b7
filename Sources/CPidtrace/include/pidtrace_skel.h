/* A non-inline face for the generated skeleton (generated/pidtrace.skel.h), whose
 * functions are static inline and whose rodata struct is generated per build. */
#ifndef PIDTRACE_SKEL_H
#define PIDTRACE_SKEL_H

#include <stdbool.h>
#include <stdint.h>
#include "pidtrace_event.h"

struct pidtrace_bpf;

struct pt_config {
	bool filter_pidns;
	bool trace_threads;
	bool all_signals;
	bool watch_new_pidns;   /* following containers: see bpf/pidtrace.bpf.c */
	uint32_t kind_mask;    /* 1 << enum pt_event_kind */
	uint32_t ring_bytes;   /* power of two, multiple of the page size */
	uint64_t wakeup_bytes; /* 0: wake the consumer on every event */
};

/* The BPF programs. Each is loaded only where the kernel has its hook, helpers and
 * argument types; some hooks have one variant per way a kernel passes arguments. */
enum pt_program {
	PT_PROG_FORK,
	PT_PROG_EXEC,
	PT_PROG_EXIT,            /* sched_process_exit(task): exit claimed per process */
	PT_PROG_EXIT_GROUP_DEAD, /* sched_process_exit(task, group_dead) */
	PT_PROG_SIGNAL,
	PT_PROG_OOM,             /* mark_victim(task, ...) */
	PT_PROG_OOM_PID,         /* mark_victim(pid), with PT_PROG_OOM_SIGNAL */
	PT_PROG_OOM_SIGNAL,      /* signal_generate: the OOM killer's SIGKILL target */
	PT_PROG_FREE,
	/* The same handlers reading their task through bpf_rdonly_cast() (6.2+): much
	 * less verifier work at load (bpf/pidtrace.bpf.c says why). */
	PT_PROG_FORK_CAST,
	PT_PROG_EXEC_CAST,
	PT_PROG_EXIT_CAST,
	PT_PROG_EXIT_GROUP_DEAD_CAST,
	PT_PROG_SIGNAL_CAST,
	PT_PROG_FREE_CAST,
	/* Failed execs: the execve/execveat syscall tracepoints (tracefs events). */
	PT_PROG_EXECVE_ENTER,
	PT_PROG_EXECVEAT_ENTER,
	PT_PROG_EXECVE_EXIT,
	PT_PROG_EXECVEAT_EXIT,
	/* The exits alone, reading a failed call's arguments from its registers (5.15+). */
	PT_PROG_EXECVE_EXIT_REGS,
	PT_PROG_EXECVEAT_EXIT_REGS,
	PT_PROG_COUNT,
};

struct btf;

/* Each returns NULL or a negative errno, as libbpf does. */
struct pidtrace_bpf *pt_open(void);
int pt_configure(struct pidtrace_bpf *skel, const struct pt_config *config);
int pt_set_autoload(struct pidtrace_bpf *skel, enum pt_program program, bool load);
int pt_load(struct pidtrace_bpf *skel);
/* Attaches one loaded program (0 when it is not loaded or already attached). */
int pt_attach_program(struct pidtrace_bpf *skel, enum pt_program program);
void pt_detach(struct pidtrace_bpf *skel);
void pt_destroy(struct pidtrace_bpf *skel);

int pt_events_fd(const struct pidtrace_bpf *skel);
int pt_watched_pidns_fd(const struct pidtrace_bpf *skel);
int pt_lost_fd(const struct pidtrace_bpf *skel);
int pt_init_cgroups_fd(const struct pidtrace_bpf *skel);
/* The name (libbpf's, e.g. "handle_sched_process_exec") of @program, or NULL. */
const char *pt_program_name(struct pidtrace_bpf *skel, enum pt_program program);
/* The kernel's run-time statistics of a loaded program: its total run time and run
 * count, counted only while kernel.bpf_stats_enabled is 1 (or a BPF_ENABLE_STATS fd is
 * held). 0, -ENOENT when it is not loaded, or a negative errno. */
int pt_program_stats(struct pidtrace_bpf *skel, enum pt_program program, uint64_t *run_time_ns, uint64_t *run_cnt);
/* Tells the BPF side whether the host's PID namespace is among the watched (with the map). */
void pt_set_host_pidns_watched(struct pidtrace_bpf *skel, bool watched);

/* Tracepoint @name's arguments in the kernel's BTF (its btf_trace_<name> typedef):
 * their number, or -ENOENT when the kernel has no such tracepoint. */
int pt_tracepoint_arity(const struct btf *btf, const char *name);
/* Whether argument @index (from 0) of tracepoint @name is a pointer: 1, 0, or -errno. */
int pt_tracepoint_arg_is_pointer(const struct btf *btf, const char *name, int index);

/* Whether the kernel's BTF has function @name (a kfunc, say): 1 or 0. */
int pt_btf_has_function(const struct btf *btf, const char *name);

/* Routes libbpf's own messages: warnings and above to stderr when verbose, none otherwise. */
void pt_set_libbpf_verbose(bool verbose);

#endif
