#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <bpf/libbpf.h>
#include "pidtrace_skel.h"
#include "generated/pidtrace.skel.h" /* made by `make` with bpftool gen skeleton */

struct pidtrace_bpf *pt_open(void)
{
	return pidtrace_bpf__open();
}

int pt_configure(struct pidtrace_bpf *skel, const struct pt_config *config)
{
	skel->rodata->filter_pidns = config->filter_pidns;
	skel->rodata->trace_threads = config->trace_threads;
	skel->rodata->all_signals = config->all_signals;
	skel->rodata->watch_new_pidns = config->watch_new_pidns;
	skel->rodata->kind_mask = config->kind_mask;
	skel->rodata->wakeup_bytes = config->wakeup_bytes;
	return bpf_map__set_max_entries(skel->maps.events, config->ring_bytes);
}

int pt_load(struct pidtrace_bpf *skel) { return pidtrace_bpf__load(skel); }
int pt_attach(struct pidtrace_bpf *skel) { return pidtrace_bpf__attach(skel); }
void pt_detach(struct pidtrace_bpf *skel) { pidtrace_bpf__detach(skel); }
void pt_destroy(struct pidtrace_bpf *skel) { pidtrace_bpf__destroy(skel); }

int pt_events_fd(const struct pidtrace_bpf *skel) { return bpf_map__fd(skel->maps.events); }
int pt_watched_pidns_fd(const struct pidtrace_bpf *skel) { return bpf_map__fd(skel->maps.watched_pidns); }
int pt_lost_fd(const struct pidtrace_bpf *skel) { return bpf_map__fd(skel->maps.lost); }

static int print_verbose(enum libbpf_print_level level, const char *format, va_list args)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, format, args);
}

static int print_nothing(enum libbpf_print_level level, const char *format, va_list args)
{
	(void)level; (void)format; (void)args;
	return 0;
}

void pt_set_libbpf_verbose(bool verbose)
{
	libbpf_set_print(verbose ? print_verbose : print_nothing);
}
