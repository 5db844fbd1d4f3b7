#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
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

static struct bpf_program *program(struct pidtrace_bpf *skel, enum pt_program p)
{
	switch (p) {
	case PT_PROG_FORK: return skel->progs.handle_sched_process_fork;
	case PT_PROG_EXEC: return skel->progs.handle_sched_process_exec;
	case PT_PROG_EXIT: return skel->progs.handle_sched_process_exit;
	case PT_PROG_EXIT_GROUP_DEAD: return skel->progs.handle_sched_process_exit_group_dead;
	case PT_PROG_SIGNAL: return skel->progs.handle_signal_generate;
	case PT_PROG_OOM: return skel->progs.handle_mark_victim;
	case PT_PROG_OOM_PID: return skel->progs.handle_mark_victim_pid;
	case PT_PROG_OOM_SIGNAL: return skel->progs.handle_signal_generate_oom;
	case PT_PROG_FREE: return skel->progs.handle_sched_process_free;
	case PT_PROG_FORK_CAST: return skel->progs.handle_sched_process_fork_cast;
	case PT_PROG_EXEC_CAST: return skel->progs.handle_sched_process_exec_cast;
	case PT_PROG_EXIT_CAST: return skel->progs.handle_sched_process_exit_cast;
	case PT_PROG_EXIT_GROUP_DEAD_CAST: return skel->progs.handle_sched_process_exit_group_dead_cast;
	case PT_PROG_SIGNAL_CAST: return skel->progs.handle_signal_generate_cast;
	case PT_PROG_FREE_CAST: return skel->progs.handle_sched_process_free_cast;
	case PT_PROG_EXECVE_ENTER: return skel->progs.handle_sys_enter_execve;
	case PT_PROG_EXECVEAT_ENTER: return skel->progs.handle_sys_enter_execveat;
	case PT_PROG_EXECVE_EXIT: return skel->progs.handle_sys_exit_execve;
	case PT_PROG_EXECVEAT_EXIT: return skel->progs.handle_sys_exit_execveat;
	case PT_PROG_EXECVE_EXIT_REGS: return skel->progs.handle_sys_exit_execve_regs;
	case PT_PROG_EXECVEAT_EXIT_REGS: return skel->progs.handle_sys_exit_execveat_regs;
	case PT_PROG_COUNT: break;
	}
	return NULL;
}

int pt_set_autoload(struct pidtrace_bpf *skel, enum pt_program p, bool load)
{
	struct bpf_program *prog = program(skel, p);
	return prog ? bpf_program__set_autoload(prog, load) : -EINVAL;
}

int pt_load(struct pidtrace_bpf *skel) { return pidtrace_bpf__load(skel); }

int pt_attach_program(struct pidtrace_bpf *skel, enum pt_program p)
{
	struct bpf_program *prog = program(skel, p);
	if (!prog)
		return -EINVAL;
	if (!bpf_program__autoload(prog))
		return 0;
	/* The skeleton's own link slot, so detach and destroy release it. */
	struct bpf_object_skeleton *s = skel->skeleton;
	for (int i = 0; i < s->prog_cnt; i++) {
		if (*s->progs[i].prog != prog)
			continue;
		if (*s->progs[i].link)
			return 0;
		struct bpf_link *link = bpf_program__attach(prog);
		if (!link)
			return -errno;
		*s->progs[i].link = link;
		return 0;
	}
	return -ENOENT;
}
void pt_detach(struct pidtrace_bpf *skel) { pidtrace_bpf__detach(skel); }
void pt_destroy(struct pidtrace_bpf *skel) { pidtrace_bpf__destroy(skel); }

int pt_events_fd(const struct pidtrace_bpf *skel) { return bpf_map__fd(skel->maps.events); }
int pt_watched_pidns_fd(const struct pidtrace_bpf *skel) { return bpf_map__fd(skel->maps.watched_pidns); }
int pt_lost_fd(const struct pidtrace_bpf *skel) { return bpf_map__fd(skel->maps.lost); }
int pt_init_cgroups_fd(const struct pidtrace_bpf *skel) { return bpf_map__fd(skel->maps.init_cgroups); }
const char *pt_program_name(struct pidtrace_bpf *skel, enum pt_program p)
{
	struct bpf_program *prog = program(skel, p);
	return prog ? bpf_program__name(prog) : NULL;
}

int pt_program_stats(struct pidtrace_bpf *skel, enum pt_program p, uint64_t *run_time_ns, uint64_t *run_cnt)
{
	struct bpf_program *prog = program(skel, p);
	int fd = prog ? bpf_program__fd(prog) : -1;
	if (fd < 0)
		return -ENOENT;
	/* bpf_obj_get_info_by_fd: libbpf 1.1 (Debian 12) has no bpf_prog_get_info_by_fd. */
	struct bpf_prog_info info = {0};
	__u32 len = sizeof(info);
	int rc = bpf_obj_get_info_by_fd(fd, &info, &len);
	if (rc < 0)
		return rc;
	*run_time_ns = info.run_time_ns;
	*run_cnt = info.run_cnt;
	return 0;
}

void pt_set_host_pidns_watched(struct pidtrace_bpf *skel, bool watched) { skel->bss->host_pidns_watched = watched; }

/* The prototype of btf_trace_<name>: a typedef of a pointer to a function whose
 * first parameter is the tracepoint's private data, then its arguments. */
static const struct btf_type *tracepoint_proto(const struct btf *btf, const char *name)
{
	char typedef_name[128];
	snprintf(typedef_name, sizeof(typedef_name), "btf_trace_%s", name);
	int id = btf__find_by_name_kind(btf, typedef_name, BTF_KIND_TYPEDEF);
	if (id < 0)
		return NULL;
	const struct btf_type *t = btf__type_by_id(btf, id);
	t = t ? btf__type_by_id(btf, t->type) : NULL; /* the pointer */
	t = t && btf_is_ptr(t) ? btf__type_by_id(btf, t->type) : NULL;
	return t && btf_is_func_proto(t) && btf_vlen(t) >= 1 ? t : NULL;
}

int pt_tracepoint_arity(const struct btf *btf, const char *name)
{
	const struct btf_type *proto = tracepoint_proto(btf, name);
	return proto ? btf_vlen(proto) - 1 : -ENOENT;
}

int pt_tracepoint_arg_is_pointer(const struct btf *btf, const char *name, int index)
{
	const struct btf_type *proto = tracepoint_proto(btf, name);
	if (!proto)
		return -ENOENT;
	if (index < 0 || index + 1 >= btf_vlen(proto))
		return -EINVAL;
	const struct btf_type *t = btf__type_by_id(btf, btf_params(proto)[index + 1].type);
	while (t && (btf_is_mod(t) || btf_is_typedef(t)))
		t = btf__type_by_id(btf, t->type);
	return t && btf_is_ptr(t);
}

int pt_btf_has_function(const struct btf *btf, const char *name)
{
	return btf__find_by_name_kind(btf, name, BTF_KIND_FUNC) > 0;
}

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
