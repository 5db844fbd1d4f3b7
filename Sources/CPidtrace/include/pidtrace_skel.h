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

/* Each returns NULL or a negative errno, as libbpf does. */
struct pidtrace_bpf *pt_open(void);
int pt_configure(struct pidtrace_bpf *skel, const struct pt_config *config);
int pt_load(struct pidtrace_bpf *skel);
int pt_attach(struct pidtrace_bpf *skel);
void pt_detach(struct pidtrace_bpf *skel);
void pt_destroy(struct pidtrace_bpf *skel);

int pt_events_fd(const struct pidtrace_bpf *skel);
int pt_watched_pidns_fd(const struct pidtrace_bpf *skel);
int pt_lost_fd(const struct pidtrace_bpf *skel);

/* Routes libbpf's own messages: warnings and above to stderr when verbose, none otherwise. */
void pt_set_libbpf_verbose(bool verbose);

#endif
