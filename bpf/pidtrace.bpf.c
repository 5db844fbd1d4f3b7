// SPDX-License-Identifier: GPL-2.0
/* pidtrace: fork, exec and exit of processes, with their PIDs on the host and in
 * their own PID namespace. Filtering by watched PID namespace happens here, so
 * events outside the filter never reach user space. */
#include "kernel_types.h"
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "pidtrace_event.h"

char LICENSE[] SEC("license") = "GPL"; /* needed to read task_struct */

/* Set by user space before load. */
const volatile bool filter_pidns = false; /* only namespaces in watched_pidns (and below) */
const volatile bool trace_threads = false;
const volatile __u32 kind_mask = ~0u;
const volatile bool all_signals = false; /* else fatal and stop signals, and all to a namespace init */
/* Following containers: a new PID namespace is watched from its init's fork until
 * user space claims it for a container or drops it, so what runs inside before the
 * claim (the entrypoint's first exec) is not missed. */
const volatile bool watch_new_pidns = false;
/* Wake the consumer only once this much is pending; it also polls with a short
 * timeout, which bounds latency. Wake-ups dominate consumer CPU otherwise. */
const volatile __u64 wakeup_bytes = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20); /* resized by user space before load */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);   /* PID namespace inode */
	__type(value, __u32); /* the host tgid of the namespace's init it is watched for, 0 for none */
} watched_pidns SEC(".maps");

/* Namespace inits whose exit was recorded, by host tgid: their namespace's inode.
 * Its entry leaves watched_pidns when the init is released (sched_process_free):
 * every other process of the namespace is gone by then (the init's exit waits for
 * them). Only if it is still that init's entry: the release comes an RCU grace
 * period late, when the inode may be a new namespace's already, whose init's fork
 * has tied the entry to itself; user space ties each entry it adds to its init too,
 * so no end or drop takes another namespace's entry. (Left: a new init's fork
 * landing between this program's look and its delete, a window of some 100 ns.)
 * Without this each container run would keep its entry, and a node's 4097th would
 * go unwatched. LRU: an entry whose release was missed cannot pin the map. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);   /* the init's host tgid */
	__type(value, __u32); /* its PID namespace's inode */
} ended_inits SEC(".maps");

/* Entries in ended_inits: the release handler, run for every task freed on the
 * host, looks there only while this is not 0. */
__u32 ended_inits_pending = 0;

/* Each new namespace init's cgroup (struct pt_init_cgroup), by its host tgid;
 * written before its fork record is sent, and kept past its end: the record may be
 * read after that. LRU: the oldest go first. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct pt_init_cgroup);
} init_cgroups SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pt_init_cgroup);
} init_cgroup_scratch SEC(".maps");

/* Whether the host's PID namespace is in watched_pidns: set by user space with the map.
 * Most tasks live there, and a filter usually leaves it out (following containers):
 * this settles them without a lookup in the map, which cost 0.3 us per event here. */
bool host_pidns_watched = false;

/* Ring reservations that failed, per CPU: user space reports them as `lost`. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

/* Processes whose exit was recorded and whose release (reap) is awaited. LRU:
 * an entry whose release was missed cannot pin the map. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);  /* host tgid */
	__type(value, __u8);
} zombies SEC(".maps");

/* How many `zombies` entries each slot (tgid % ZOMBIE_SLOTS) holds: under a filter,
 * the release of every task on the host is checked against `zombies`, and a lookup in
 * that big map misses the cache (about 0.4 us here); a release whose slot is empty
 * cannot be there. A slot can only count too many (an entry the LRU evicted), which
 * costs a lookup, never a record. One value, so its slots are plain array reads. */
#define ZOMBIE_SLOTS 1024
struct zombie_slots {
	__u32 count[ZOMBIE_SLOTS];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct zombie_slots);
} zombie_slots SEC(".maps");

static __always_inline __u32 *zombie_slot(__u32 tgid)
{
	__u32 zero = 0;
	struct zombie_slots *slots = bpf_map_lookup_elem(&zombie_slots, &zero);
	return slots ? &slots->count[tgid & (ZOMBIE_SLOTS - 1)] : NULL;
}

/* Relaxed, its result unused: clang emits the plain atomic add that every kernel from
 * 5.10 takes (__sync_fetch_and_add becomes a fetching add, which needs 5.12). The
 * release that reads the count comes an RCU grace period after the exit that added. */
static __always_inline void zombie_slot_add(__u32 *slot, __s32 delta)
{
	__atomic_fetch_add(slot, (__u32)delta, __ATOMIC_RELAXED);
}

/* Whether a release is matched against `zombies`: only under a PID namespace filter,
 * because a released task's PIDs are detached and whether it was watched can no longer
 * be told. On the whole host, user space reports a release only for a process whose
 * exit it has (ZombieTracker), so the map would only cost an LRU update in every exit
 * and a delete in every release (each over a microsecond here). */
static __always_inline bool zombies_matched(void)
{
	return filter_pidns;
}

/* The exit of a process, claimed by the one thread that records it. Where the
 * tracepoint has no group_dead (6.12 and older; 6.18 has it), "the process is
 * gone" is read from signal->live, and threads exiting at once can all see it at
 * 0: each of them tries to claim the process here, and only the first insert
 * succeeds. Keyed by tgid and start time, so a claim can never match a later
 * process and needs no deletion; LRU lets old claims go. */
struct exit_claim {
	__u32 tgid;
	__u32 pad;
	__u64 start_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct exit_claim);
	__type(value, __u8);
} exit_claims SEC(".maps");

/* 5.10's mark_victim passes only the victim's PID. The OOM killer sends the victim
 * SIGKILL just before marking it, from the same task: handle_signal_generate_oom
 * remembers that target here (keyed by the sending thread), and handle_mark_victim_pid
 * takes the task from it. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);   /* the sending thread's host tid */
	__type(value, __u64); /* struct task_struct * of the target */
} oom_kill_targets SEC(".maps");

/* Exec records are too big for the BPF stack; built here, then sent cut to size. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pt_exec_event);
} exec_scratch SEC(".maps");

static __always_inline void count_lost(void)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&lost, &zero);
	if (n)
		*n += 1; /* per-CPU slot: no other writer */
}

/* A zeroed record of @type in the ring, or NULL (counted as lost) when it is full. */
#define reserve_event(type)                                                  \
	({                                                                   \
		type *__e = bpf_ringbuf_reserve(&events, sizeof(type), 0);   \
		if (__e)                                                     \
			__builtin_memset(__e, 0, sizeof(type));              \
		else                                                         \
			count_lost();                                        \
		__e;                                                         \
	})

static __always_inline __u64 submit_flags(void)
{
	if (!wakeup_bytes)
		return 0;
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes ? BPF_RB_FORCE_WAKEUP
									      : BPF_RB_NO_WAKEUP;
}

static __always_inline bool kind_wanted(__u32 kind)
{
	return kind_mask & (1 << kind);
}

/* Reads: the handlers get BTF-typed task pointers (tp_btf), so a field is read with a
 * plain dereference, which libbpf relocates (CO-RE) and the verifier turns into one
 * fault-safe load (a faulting or NULL read gives 0, as bpf_probe_read_kernel does).
 * That is a few times cheaper than BPF_CORE_READ's helper call per field, and these
 * programs run in every fork, exec and exit on the host. BPF_CORE_READ stays where the
 * index is variable (a PID namespace level below the host's: the verifier rejects a
 * variable offset on a BTF pointer) or the pointer is not BTF-typed.
 *
 * Load time: a tracepoint's task pointer is trusted, and since 6.3 the verifier decides
 * for every pointer read from a trusted (or RCU) pointer whether the result is trusted
 * too by looking "<type>__safe_trusted", "__safe_rcu", ... up by name in the kernel's
 * BTF: a linear search of some 10^5 types, several per read and per path the verifier
 * walks. It made loading the hot programs take 30-270 ms here (against 2 ms). Read
 * through bpf_rdonly_cast() (6.2+; the verifier turns it into a register move), the
 * task is a read-only untrusted pointer: the same fault-safe loads, and nothing is
 * looked up. Each hot handler comes in two programs, the same code with and without
 * the cast; user space loads the cast one where the kernel's BTF has the kfunc
 * (5.10 and 6.1 do not: there the verifier does no such search either). The kfunc is
 * weak, so the object loads where it is missing. */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

static __always_inline struct task_struct *untrusted(struct task_struct *task)
{
	return bpf_rdonly_cast(task, bpf_core_type_id_kernel(struct task_struct));
}


static __always_inline struct pid *process_pid(struct task_struct *task)
{
	return BPF_CORE_READ(task, signal, pids[PIDTYPE_TGID]);
}

/* process_pid() of a BTF-typed task (a tracepoint's argument), read directly. */
static __always_inline struct pid *btf_process_pid(struct task_struct *task)
{
	return task->signal->pids[PIDTYPE_TGID];
}

/* The kernel's comm, up to its NUL (user space stops there; newer kernels pad it). */
static __always_inline void copy_comm(char *to, struct task_struct *task)
{
	const __u64 *from = (const __u64 *)task->comm;
	((__u64 *)to)[0] = from[0];
	((__u64 *)to)[1] = from[1];
}

/* Whether @task lives in a watched PID namespace or one nested below it. Checked
 * before reserving ring space, so filtered-out events cost no ring space and a
 * full ring counts only events the user asked for as lost. */
static __always_inline bool is_watched(struct task_struct *task)
{
	if (!filter_pidns)
		return true;
	struct pid *pid = btf_process_pid(task);
	__u32 level = pid->level;
	if (level == 0)
		return host_pidns_watched; /* its only namespace is the host's */
	__u32 inum = pid->numbers[0].ns->ns.inum;

	if (bpf_map_lookup_elem(&watched_pidns, &inum))
		return true;
	/* A variable index needs BPF_CORE_READ (the verifier rejects a plain
	 * dereference), and a fixed bound keeps the loop verifiable. */
	for (__u32 i = 1; i < PT_MAX_NS_LEVELS; i++) {
		if (i > level)
			break;
		inum = BPF_CORE_READ(pid, numbers[i].ns, ns.inum);
		if (bpf_map_lookup_elem(&watched_pidns, &inum))
			return true;
	}
	return false;
}

/* is_watched() for a task pointer that is not BTF-typed (the syscall tracepoints'
 * current task; 5.10's mark_victim, which finds its victim by PID: a plain
 * dereference of either is refused), through BPF_CORE_READ: for the rare records. */
static __always_inline bool is_watched_any(struct task_struct *task)
{
	if (!filter_pidns)
		return true;
	struct pid *pid = process_pid(task);
	__u32 level = BPF_CORE_READ(pid, level);
	if (level == 0)
		return host_pidns_watched;
	for (__u32 i = 0; i < PT_MAX_NS_LEVELS; i++) {
		if (i > level)
			break;
		__u32 inum = BPF_CORE_READ(pid, numbers[i].ns, ns.inum);
		if (bpf_map_lookup_elem(&watched_pidns, &inum))
			return true;
	}
	return false;
}

/* Whether @task is PID 1 of a PID namespace below the host's. */
static __always_inline bool is_namespace_init(struct task_struct *task)
{
	struct pid *pid = process_pid(task);
	__u32 level = BPF_CORE_READ(pid, level);
	return level > 0 && level < PT_MAX_NS_LEVELS && BPF_CORE_READ(pid, numbers[level].nr) == 1;
}

/* The PID of @peer in @ns at @level, or 0 when @peer lives outside it. */
static __always_inline __u32 pid_in_namespace(struct task_struct *peer, __u32 level, struct pid_namespace *ns)
{
	struct pid *pid = process_pid(peer);
	if (level >= PT_MAX_NS_LEVELS || BPF_CORE_READ(pid, level) < level ||
	    BPF_CORE_READ(pid, numbers[level].ns) != ns)
		return 0;
	return BPF_CORE_READ(pid, numbers[level].nr);
}

/* Fills @p with @peer as seen from @task's PID namespace. */
static __always_inline void fill_peer(struct pt_peer *p, struct task_struct *peer, struct task_struct *task)
{
	struct pid *pid = process_pid(task);
	__u32 level = BPF_CORE_READ(pid, level);
	struct pid *peer_pid = process_pid(peer);
	__u32 peer_level = BPF_CORE_READ(peer_pid, level);

	p->host_pid = BPF_CORE_READ(peer, tgid);
	p->host_tid = BPF_CORE_READ(peer, pid);
	if (level < PT_MAX_NS_LEVELS)
		p->ns_pid = pid_in_namespace(peer, level, BPF_CORE_READ(pid, numbers[level].ns));
	if (peer_level < PT_MAX_NS_LEVELS)
		p->pidns = BPF_CORE_READ(peer_pid, numbers[peer_level].ns, ns.inum);
	BPF_CORE_READ_STR_INTO(&p->comm, peer, comm);
}

/* Fills the process identity of @task (BTF-typed) into @e. The loop over namespace
 * levels comes last: the verifier walks what follows it once per way out of it, and
 * each direct read costs it a walk of the kernel's type (program load time). */
static __always_inline void fill_process_task(struct pt_event *e, struct task_struct *task, bool current)
{
	struct pid *pid = btf_process_pid(task);
	struct task_struct *parent = task->real_parent;
	__u32 level = pid->level;

	e->host_pid = task->tgid;
	e->host_tid = task->pid;
	e->host_ppid = parent->tgid;
	e->mntns = task->nsproxy->mnt_ns->ns.inum;
	/* The same id, one helper call instead of three pointer reads to verify. */
	e->cgroup_id = current ? bpf_get_current_cgroup_id() : task->cgroups->dfl_cgrp->kn->id;
	e->uid = task->real_cred->uid.val;
	e->gid = task->real_cred->gid.val;
	e->start_ns = task->group_leader->start_boottime;
	/* A fork's time is its child's start, which copy_process() took from the same
	 * clock a few microseconds before this tracepoint (the child has not run yet):
	 * reading the clock again cost 0.15-0.3 us per record on the VMs measured. */
	e->ts_ns = current ? bpf_ktime_get_boot_ns() : task->start_boottime;
	copy_comm(e->comm, task);
	e->ns_level = level;
	e->ns_pids[0] = pid->numbers[0].nr;
	if (level == 0) {
		/* In the host's namespace (most tasks): its view is the host's. */
		e->ns_tid = e->host_tid;
		e->ns_ppid = e->host_ppid;
		e->pidns = pid->numbers[0].ns->ns.inum;
		return;
	}
	if (level >= PT_MAX_NS_LEVELS)
		return;
	struct pid *ppid = parent->signal->pids[PIDTYPE_TGID];
	__u32 ppid_level = ppid->level;
	struct pid *tid = task->thread_pid;
	/* A variable index takes a helper call: one per struct upid (not per field),
	 * its nr and ns together (laid out so on every kernel since 4.15). */
	struct upid own, other;

	BPF_CORE_READ_INTO(&own, pid, numbers[level]);
	e->pidns = BPF_CORE_READ(own.ns, ns.inum);
	e->ns_pids[level] = own.nr;
	/* A process's main thread has the process's struct pid: most events. */
	e->ns_tid = tid == pid ? own.nr : BPF_CORE_READ(tid, numbers[level].nr);
	/* As getppid() inside: 0 when the parent lives outside the namespace. */
	if (ppid_level >= level) {
		BPF_CORE_READ_INTO(&other, ppid, numbers[level]);
		if (other.ns == own.ns)
			e->ns_ppid = other.nr;
	}
	/* The levels between the host's and its own (containers in containers). */
	for (__u32 i = 1; i < PT_MAX_NS_LEVELS; i++) {
		if (i >= level)
			break;
		e->ns_pids[i] = BPF_CORE_READ(pid, numbers[i].nr);
	}
}

/* @task is the task the event happened to (a fork's child). */
static __always_inline void fill_process(struct pt_event *e, struct task_struct *task)
{
	fill_process_task(e, task, false);
}

/* @task is the current task (exec, exit). */
static __always_inline void fill_current_process(struct pt_event *e, struct task_struct *task)
{
	fill_process_task(e, task, true);
}

/* fill_process() for any task pointer, BTF-typed or not, through BPF_CORE_READ: for
 * the rare records (signals, OOM kills), whose programs then load faster. */
static __always_inline void fill_process_any(struct pt_event *e, struct task_struct *task)
{
	struct pid *pid = process_pid(task);
	struct pid *ppid = BPF_CORE_READ(task, real_parent, signal, pids[PIDTYPE_TGID]);
	__u32 level = BPF_CORE_READ(pid, level);
	struct pid_namespace *ns = NULL;

	for (__u32 i = 0; i < PT_MAX_NS_LEVELS; i++) {
		if (i > level)
			break;
		e->ns_pids[i] = BPF_CORE_READ(pid, numbers[i].nr);
		ns = BPF_CORE_READ(pid, numbers[i].ns);
	}
	e->ns_level = level;
	e->pidns = BPF_CORE_READ(ns, ns.inum);
	e->host_pid = BPF_CORE_READ(task, tgid);
	e->host_tid = BPF_CORE_READ(task, pid);
	e->host_ppid = BPF_CORE_READ(task, real_parent, tgid);
	if (level < PT_MAX_NS_LEVELS) {
		struct pid *tid = BPF_CORE_READ(task, thread_pid);
		e->ns_tid = BPF_CORE_READ(tid, numbers[level].nr);
		/* As getppid() inside: 0 when the parent lives outside the namespace. */
		if (BPF_CORE_READ(ppid, level) >= level && BPF_CORE_READ(ppid, numbers[level].ns) == ns)
			e->ns_ppid = BPF_CORE_READ(ppid, numbers[level].nr);
	}
	e->mntns = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	e->cgroup_id = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn, id);
	e->uid = BPF_CORE_READ(task, real_cred, uid.val);
	e->gid = BPF_CORE_READ(task, real_cred, gid.val);
	e->start_ns = BPF_CORE_READ(task, group_leader, start_boottime);
	e->ts_ns = bpf_ktime_get_boot_ns();
	BPF_CORE_READ_STR_INTO(&e->comm, task, comm);
}

/* Keeps the names of @task's cgroup and its parent's under its tgid (init_cgroups). */
static __always_inline void remember_cgroup(__u32 tgid, __u64 start_ns, struct task_struct *task)
{
	__u32 zero = 0;
	struct pt_init_cgroup *names = bpf_map_lookup_elem(&init_cgroup_scratch, &zero);
	if (!names)
		return;
	struct cgroup *cgrp = BPF_CORE_READ(task, cgroups, dfl_cgrp);
	/* cgroup v1 only: every task's v2 cgroup is the root; the memory hierarchy
	 * holds the runtime's path then. */
	if (!BPF_CORE_READ(cgrp, self.parent)) {
		int memcg = bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id);
		if (memcg >= 0 && memcg < 16)
			cgrp = BPF_CORE_READ(task, cgroups, subsys[memcg], cgroup);
	}
	struct cgroup_subsys_state *parent = BPF_CORE_READ(cgrp, self.parent);
	names->start_ns = start_ns;
	names->name[0] = 0;
	names->parent[0] = 0;
	bpf_probe_read_kernel_str(names->name, sizeof(names->name), BPF_CORE_READ(cgrp, kn, name));
	if (parent)
		bpf_probe_read_kernel_str(names->parent, sizeof(names->parent), BPF_CORE_READ(parent, cgroup, kn, name));
	bpf_map_update_elem(&init_cgroups, &tgid, names, BPF_ANY);
}

static __always_inline int on_sched_process_fork(struct task_struct *child)
{
	bool thread = child->pid != child->tgid;
	__u32 flags = thread ? PT_FLAG_THREAD : 0;
	struct pt_event *e;

	if (thread && !trace_threads)
		return 0;
	if (!thread && btf_process_pid(child)->level > 0 && is_namespace_init(child))
		flags |= PT_FLAG_NEW_PIDNS;
	/* Namespace inits are sent even when forks are not asked for: user space
	 * needs them to follow container restarts, and does not print them. */
	if (!kind_wanted(PT_EVENT_FORK) && !(flags & PT_FLAG_NEW_PIDNS))
		return 0;
	/* A new namespace's init is sent even when unwatched: user space may start
	 * following it (a restarted container) before the init execs its entrypoint. */
	if (!is_watched(child)) {
		if (!(flags & PT_FLAG_NEW_PIDNS))
			return 0;
		flags |= PT_FLAG_UNWATCHED;
	}
	/* `lost` counts only events the user asked for: a namespace init sent just in
	 * case (unwatched, or forks not asked for) is dropped silently when the ring is
	 * full; the runtime's event stream still reports such a container's start. */
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		if (kind_wanted(PT_EVENT_FORK) && !(flags & PT_FLAG_UNWATCHED))
			count_lost();
		return 0;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->kind = PT_EVENT_FORK;
	e->flags = flags;
	/* From here flags live in the record, not in a register: the verifier then
	 * checks fill_process() once for every kind of fork, not once per flag value
	 * (each of its direct reads costs load time). */
	asm volatile("" ::: "memory");
	fill_process(e, child);
	if (e->flags & PT_FLAG_NEW_PIDNS)
		remember_cgroup(e->host_pid, e->start_ns, child);
	/* The inode is this new namespace's from now on: an entry an ended namespace left
	 * in it (released moments ago, or a stale one) is this one's now, tied to its
	 * init, so that no end or drop of the old one takes it. */
	if ((e->flags & PT_FLAG_NEW_PIDNS) && watch_new_pidns) {
		__u32 init = e->host_pid;
		if (!bpf_map_update_elem(&watched_pidns, &e->pidns, &init, BPF_ANY))
			e->flags |= PT_FLAG_WATCH_TENTATIVE;
	}
	/* User space must see a new namespace before its init execs, to follow it:
	 * wake it now rather than when the batch is full. */
	bpf_ringbuf_submit(e, (e->flags & PT_FLAG_NEW_PIDNS) ? BPF_RB_FORCE_WAKEUP : submit_flags());
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(handle_sched_process_fork, struct task_struct *parent, struct task_struct *child)
{
	return on_sched_process_fork(child);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(handle_sched_process_fork_cast, struct task_struct *parent, struct task_struct *child)
{
	return on_sched_process_fork(untrusted(child));
}

static __always_inline int on_sched_process_exec(struct task_struct *task, struct linux_binprm *bprm)
{
	if (!kind_wanted(PT_EVENT_EXEC) || !is_watched(task))
		return 0;
	__u32 zero = 0;
	struct pt_exec_event *e = bpf_map_lookup_elem(&exec_scratch, &zero);
	if (!e)
		return 0;

	/* The new image's argv is already in place at mm->arg_start. */
	struct mm_struct *mm = task->mm;
	unsigned long start = mm->arg_start;
	unsigned long end = mm->arg_end;
	__u64 len = end > start ? end - start : 0;

	__builtin_memset(&e->base, 0, sizeof(e->base));
	fill_current_process(&e->base, task);
	e->base.kind = PT_EVENT_EXEC;
	if (len > PT_ARGS_LEN) {
		len = PT_ARGS_LEN;
		e->base.flags |= PT_FLAG_ARGS_TRUNCATED;
	}
	if (bpf_probe_read_user(e->strings, len, (void *)start)) {
		len = 0; /* unreadable (paged out): say so rather than claim no args */
		e->base.flags |= PT_FLAG_ARGS_TRUNCATED;
	}
	e->base.args_len = len;
	/* The path right after the args, only as long as it is. */
	long filename_len = bpf_probe_read_kernel_str(e->strings + len, PT_FILENAME_LEN, bprm->filename);
	if (filename_len < 0)
		filename_len = 0;
	if (bpf_ringbuf_output(&events, e, pt_exec_event_size(len, filename_len), submit_flags()))
		count_lost();
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(handle_sched_process_exec, struct task_struct *task, int old_pid, struct linux_binprm *bprm)
{
	return on_sched_process_exec(task, bprm);
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(handle_sched_process_exec_cast, struct task_struct *task, int old_pid, struct linux_binprm *bprm)
{
	return on_sched_process_exec(untrusted(task), bprm);
}

/* Failed execs. sched_process_exec fires only for an exec that succeeded; the syscall
 * tracepoints of execve and execveat see every call and its return value, and fire for
 * those two syscalls only (tp_btf/sys_enter would run on every syscall of the host).
 * They are tracefs events: user space loads these programs only where tracefs has
 * them (CONFIG_FTRACE_SYSCALLS). Their context is not a task: the current task comes
 * from bpf_get_current_task() and is read through BPF_CORE_READ, as for the rare
 * records (bpf_get_current_task_btf() needs 5.11). */

/* What the exit needs of a call in flight: its user pointers (a failed exec leaves the
 * caller's memory as it was). Keyed by host tid. A successful exec from a thread other
 * than the leader returns as the leader (de_thread() gives it the leader's PID), so its
 * entry is not deleted by its exit: LRU lets such entries go. */
struct exec_call {
	__u64 filename; /* const char __user * */
	__u64 argv;     /* const char __user *const __user * */
	__u32 syscall;  /* enum pt_exec_syscall */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32); /* host tid */
	__type(value, struct exec_call);
} exec_calls SEC(".maps");

/* A failed-exec record is built here. Each argument is read with the whole area's
 * size as its bound (the verifier needs a constant), so the area has that much room
 * after its end, which the path then overwrites. */
struct exec_failed_scratch {
	struct pt_exec_failed_event e;
	char overrun[PT_ARGS_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct exec_failed_scratch);
} exec_failed_scratch SEC(".maps");

static __always_inline int on_exec_enter(__u64 filename, __u64 argv, __u32 syscall)
{
	if (!kind_wanted(PT_EVENT_EXEC_FAILED) || !is_watched_any((struct task_struct *)bpf_get_current_task()))
		return 0;
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct exec_call call = { .filename = filename, .argv = argv, .syscall = syscall };
	bpf_map_update_elem(&exec_calls, &tid, &call, BPF_ANY);
	return 0;
}

/* Copies the argv array at @argv (user memory) into @e's strings, NUL-separated as
 * in /proc/PID/cmdline; returns the bytes used. */
static __always_inline __u32 copy_user_argv(struct exec_failed_scratch *s, __u64 argv)
{
	__u32 off = 0;
	__u32 i;

	for (i = 0; i < PT_EXEC_FAILED_MAX_ARGS; i++) {
		__u64 arg = 0;
		if (bpf_probe_read_user(&arg, sizeof(arg), (void *)(argv + i * sizeof(__u64)))) {
			s->e.base.flags |= PT_FLAG_ARGS_TRUNCATED;
			break;
		}
		if (!arg)
			break;
		if (off >= PT_ARGS_LEN) {
			s->e.base.flags |= PT_FLAG_ARGS_TRUNCATED;
			break;
		}
		long n = bpf_probe_read_user_str(&s->e.strings[off & (PT_ARGS_LEN - 1)], PT_ARGS_LEN, (void *)arg);
		if (n <= 0) {
			s->e.base.flags |= PT_FLAG_ARGS_TRUNCATED;
			break;
		}
		off += n;
	}
	if (i == PT_EXEC_FAILED_MAX_ARGS)
		s->e.base.flags |= PT_FLAG_ARGS_TRUNCATED;
	if (off > PT_ARGS_LEN) {
		off = PT_ARGS_LEN; /* the last argument ran past the area: cut */
		s->e.base.flags |= PT_FLAG_ARGS_TRUNCATED;
	}
	return off;
}

static __always_inline int record_exec_failure(long ret, struct exec_call call)
{
	__u32 zero = 0;
	struct exec_failed_scratch *s = bpf_map_lookup_elem(&exec_failed_scratch, &zero);
	if (!s)
		return 0;
	__builtin_memset(&s->e.base, 0, sizeof(s->e.base));
	fill_process_any(&s->e.base, (struct task_struct *)bpf_get_current_task());
	s->e.base.kind = PT_EVENT_EXEC_FAILED;
	s->e.error = (__s32)-ret;
	s->e.syscall = call.syscall;
	__u32 len = copy_user_argv(s, call.argv);
	if (len > PT_ARGS_LEN) /* for the verifier, which lost the bound */
		return 0;
	s->e.base.args_len = len;
	/* The path right after the args, only as long as it is. */
	long filename_len = bpf_probe_read_user_str(&s->e.strings[len], PT_FILENAME_LEN, (void *)call.filename);
	if (filename_len < 0)
		filename_len = 0;
	if (bpf_ringbuf_output(&events, &s->e, pt_exec_failed_event_size(len, filename_len), submit_flags()))
		count_lost();
	return 0;
}

static __always_inline int on_exec_exit(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	/* Most execs succeed: the entry only goes (one delete, none when not kept). */
	if (ret >= 0) {
		bpf_map_delete_elem(&exec_calls, &tid);
		return 0;
	}
	struct exec_call *found = bpf_map_lookup_elem(&exec_calls, &tid);
	if (!found)
		return 0; /* not watched, or entered before the trace began */
	struct exec_call call = *found;
	bpf_map_delete_elem(&exec_calls, &tid);
	return record_exec_failure(ret, call);
}

/* 5.15+ (bpf_task_pt_regs): the exit alone, no enter and no map. A failed call leaves
 * the caller's registers as they were, so its arguments are read from them, and only
 * then: a successful exec, nearly every one, costs a compare (the enter and its map
 * insert cost about 0.5 us per exec here). */
static __always_inline int on_exec_exit_regs(long ret, __u32 syscall)
{
	if (ret >= 0)
		return 0;
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	if (!kind_wanted(PT_EVENT_EXEC_FAILED) || !is_watched_any(task))
		return 0;
	struct pt_regs___syscall *regs = (struct pt_regs___syscall *)bpf_task_pt_regs(bpf_get_current_task_btf());
	struct exec_call call = { .syscall = syscall };
	if (syscall == PT_SYSCALL_EXECVEAT) { /* execveat(dirfd, pathname, argv, envp, flags) */
		call.filename = SYSCALL_ARG2(regs);
		call.argv = SYSCALL_ARG3(regs);
	} else {
		call.filename = SYSCALL_ARG1(regs);
		call.argv = SYSCALL_ARG2(regs);
	}
	return record_exec_failure(ret, call);
}

SEC("tracepoint/syscalls/sys_enter_execve")
int handle_sys_enter_execve(struct syscall_trace_enter *ctx)
{
	return on_exec_enter(ctx->args[0], ctx->args[1], PT_SYSCALL_EXECVE);
}

SEC("tracepoint/syscalls/sys_enter_execveat")
int handle_sys_enter_execveat(struct syscall_trace_enter *ctx)
{
	/* execveat(dirfd, pathname, argv, envp, flags) */
	return on_exec_enter(ctx->args[1], ctx->args[2], PT_SYSCALL_EXECVEAT);
}

SEC("tracepoint/syscalls/sys_exit_execve")
int handle_sys_exit_execve(struct syscall_trace_exit *ctx)
{
	return on_exec_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_execveat")
int handle_sys_exit_execveat(struct syscall_trace_exit *ctx)
{
	return on_exec_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_execve")
int handle_sys_exit_execve_regs(struct syscall_trace_exit *ctx)
{
	return on_exec_exit_regs(ctx->ret, PT_SYSCALL_EXECVE);
}

SEC("tracepoint/syscalls/sys_exit_execveat")
int handle_sys_exit_execveat_regs(struct syscall_trace_exit *ctx)
{
	return on_exec_exit_regs(ctx->ret, PT_SYSCALL_EXECVEAT);
}

/* Records the exit of @task (a thread, or with @process_gone the whole process). */
static __always_inline void record_exit(struct task_struct *task, bool process_gone)
{
	struct pt_event *e;

	if (!kind_wanted(PT_EVENT_EXIT) || (!process_gone && !trace_threads) || !is_watched(task))
		return;
	e = reserve_event(struct pt_event);
	if (!e)
		return;
	fill_current_process(e, task);
	e->kind = PT_EVENT_EXIT;
	e->flags = process_gone ? 0 : PT_FLAG_THREAD;
	e->exit_code = task->exit_code;
	__u32 tgid = e->host_pid;
	__u32 pidns = e->pidns;
	bpf_ringbuf_submit(e, submit_flags());
	/* The release handler takes its namespace out of the filter (ended_inits). */
	if (process_gone && filter_pidns && kind_wanted(PT_EVENT_REAP) && is_namespace_init(task) &&
	    !bpf_map_update_elem(&ended_inits, &tgid, &pidns, BPF_NOEXIST))
		__atomic_fetch_add(&ended_inits_pending, 1, __ATOMIC_RELAXED); /* see zombie_slot_add() */
	if (process_gone && kind_wanted(PT_EVENT_REAP) && zombies_matched()) {
		__u8 one = 1;
		__u32 *slot = zombie_slot(tgid);
		/* Counted only when added: an entry already there (its PID was reused
		 * before the old task's release) is counted once. */
		if (slot && !bpf_map_update_elem(&zombies, &tgid, &one, BPF_NOEXIST))
			zombie_slot_add(slot, 1);
	}
}

/* Kernels without group_dead (6.12 and older) pass only the task. The tracepoint
 * fires per thread, after do_exit() decremented signal->live; 0 means the process
 * is gone, but threads exiting at once may all read 0: the first to claim the
 * process records it. */
static __always_inline int on_sched_process_exit(struct task_struct *task)
{
	bool process_gone = task->signal->live.counter == 0;

	if (process_gone) {
		struct exit_claim key = {
			.tgid = task->tgid,
			.start_ns = task->group_leader->start_boottime,
		};
		__u8 one = 1;
		/* Another thread of the process already recorded its exit: this one
		 * is a thread exit like any other. */
		if (bpf_map_update_elem(&exit_claims, &key, &one, BPF_NOEXIST))
			process_gone = false;
	}
	record_exit(task, process_gone);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_sched_process_exit, struct task_struct *task)
{
	return on_sched_process_exit(task);
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_sched_process_exit_cast, struct task_struct *task)
{
	return on_sched_process_exit(untrusted(task));
}

/* Newer kernels (6.18 here) pass group_dead: true for exactly one thread, the one
 * whose decrement of signal->live reached 0. Chosen at load time from the BTF. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_sched_process_exit_group_dead, struct task_struct *task, bool group_dead)
{
	record_exit(task, group_dead);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_sched_process_exit_group_dead_cast, struct task_struct *task, bool group_dead)
{
	record_exit(untrusted(task), group_dead);
	return 0;
}

/* Signals whose default action neither kills nor stops: recorded only with
 * all_signals, or when sent to a namespace's PID 1. */
static __always_inline bool is_harmless_signal(int sig)
{
	return sig == 17 /* SIGCHLD */ || sig == 18 /* SIGCONT */ || sig == 23 /* SIGURG */ ||
	       sig == 28 /* SIGWINCH */;
}

#define SIGKILL 9
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_QUEUE (-1)
#define SI_TKILL (-6)
#define PF_EXITING 0x00000004
/* In-kernel senders pass these instead of a siginfo (include/linux/sched/signal.h). */
#define SEND_SIG_NOINFO ((struct kernel_siginfo *)0)
#define SEND_SIG_PRIV ((struct kernel_siginfo *)1)

/* Whether @sender is the init of a PID namespace in its last breath, and @target lives
 * in that namespace: zap_pid_ns_processes() kills everything left there. */
static __always_inline bool is_pidns_teardown(struct task_struct *sender, struct task_struct *target)
{
	if (!(BPF_CORE_READ(sender, flags) & PF_EXITING) || !is_namespace_init(sender))
		return false;
	struct pid *spid = process_pid(sender);
	__u32 level = BPF_CORE_READ(spid, level);
	return pid_in_namespace(target, level, BPF_CORE_READ(spid, numbers[level].ns)) != 0;
}

static __always_inline int on_signal_generate(int sig, struct kernel_siginfo *info, struct task_struct *task,
					      int group, int result)
{
	struct pt_signal_event *e;

	if (!kind_wanted(PT_EVENT_SIGNAL))
		return 0;
	/* SIGCHLD at every exit: settle it on the level, read directly, when it can. */
	if (!all_signals && is_harmless_signal(sig) &&
	    (btf_process_pid(task)->level == 0 || !is_namespace_init(task)))
		return 0;
	if (!is_watched(task))
		return 0;
	e = reserve_event(struct pt_signal_event);
	if (!e)
		return 0;
	/* bpf_get_current_task_btf() needs 5.11; the plain helper works from 5.10
	 * (every read of the task goes through BPF_CORE_READ anyway). */
	struct task_struct *current = (struct task_struct *)bpf_get_current_task();
	fill_process_any(&e->base, task);
	e->base.kind = PT_EVENT_SIGNAL;
	e->signal = sig;
	/* The special siginfo values are not pointers: report the code the receiver sees,
	 * as the kernel's own tracepoint does. Only kill(), tgkill() and sigqueue() come
	 * from a process; everything else the kernel generated itself, and `current` is
	 * then only whoever was running (the faulting task, the exiting child, ...). */
	if (info == SEND_SIG_NOINFO) {
		e->si_code = SI_USER;
		e->origin = PT_SIGNAL_FROM_KERNEL;
	} else if (info == SEND_SIG_PRIV) {
		e->si_code = SI_KERNEL;
		e->origin = sig == SIGKILL && is_pidns_teardown(current, task) ? PT_SIGNAL_FROM_PIDNS_TEARDOWN
									      : PT_SIGNAL_FROM_KERNEL;
	} else {
		e->si_code = BPF_CORE_READ(info, si_code);
		e->origin = e->si_code == SI_USER || e->si_code == SI_QUEUE || e->si_code == SI_TKILL
				    ? PT_SIGNAL_FROM_PROCESS
				    : PT_SIGNAL_FROM_KERNEL;
	}
	e->result = result;
	e->group = group;
	fill_peer(&e->sender, current, task);
	bpf_ringbuf_submit(e, submit_flags());
	return 0;
}

SEC("tp_btf/signal_generate")
int BPF_PROG(handle_signal_generate, int sig, struct kernel_siginfo *info, struct task_struct *task,
	     int group, int result)
{
	return on_signal_generate(sig, info, task, group, result);
}

SEC("tp_btf/signal_generate")
int BPF_PROG(handle_signal_generate_cast, int sig, struct kernel_siginfo *info, struct task_struct *task,
	     int group, int result)
{
	return on_signal_generate(sig, info, untrusted(task), group, result);
}

/* Records @task as chosen by the OOM killer. */
static __always_inline void record_oom_kill(struct task_struct *task)
{
	struct pt_oom_event *e;

	if (!kind_wanted(PT_EVENT_OOM_KILL) || !is_watched_any(task))
		return;
	e = reserve_event(struct pt_oom_event);
	if (!e)
		return;
	fill_process_any(&e->base, task);
	e->base.kind = PT_EVENT_OOM_KILL;
	int memcg = bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id);
	if (memcg >= 0 && memcg < 16)
		e->memcg_id = BPF_CORE_READ(task, cgroups, subsys[memcg], cgroup, kn, id);
	bpf_ringbuf_submit(e, submit_flags());
}

/* 6.8 and later, and stable updates of older series (Debian's 6.1), pass the
 * victim task. Chosen at load time from the kernel's BTF. */
SEC("tp_btf/mark_victim")
int BPF_PROG(handle_mark_victim, struct task_struct *task)
{
	record_oom_kill(task);
	return 0;
}

/* Before that (5.10), mark_victim passes the victim's PID only. __oom_kill_process()
 * sends the victim SIGKILL (SEND_SIG_PRIV) right before marking it: this second
 * program on signal_generate, loaded only on such kernels, keeps that target. */
SEC("tp_btf/signal_generate")
int BPF_PROG(handle_signal_generate_oom, int sig, struct kernel_siginfo *info, struct task_struct *task)
{
	if (sig != 9 /* SIGKILL */ || (unsigned long)info != 1 /* SEND_SIG_PRIV */)
		return 0;
	__u32 sender = (__u32)bpf_get_current_pid_tgid();
	__u64 target = (__u64)task;
	bpf_map_update_elem(&oom_kill_targets, &sender, &target, BPF_ANY);
	return 0;
}

SEC("tp_btf/mark_victim")
int BPF_PROG(handle_mark_victim_pid, int pid)
{
	__u32 sender = (__u32)bpf_get_current_pid_tgid();
	__u64 *target = bpf_map_lookup_elem(&oom_kill_targets, &sender);
	struct task_struct *task = NULL;

	if (target) {
		task = (struct task_struct *)*target;
		bpf_map_delete_elem(&oom_kill_targets, &sender);
	}
	/* A victim already exiting is marked without a signal: it may be the
	 * current task itself. */
	if (!task || BPF_CORE_READ(task, pid) != pid) {
		task = (struct task_struct *)bpf_get_current_task();
		if (BPF_CORE_READ(task, pid) != pid)
			return 0;
	}
	record_oom_kill(task);
	return 0;
}

/* sched_process_free fires once a dead task is released (after an RCU grace
 * period): for a process leader that ends its time as a zombie. Its PIDs are
 * already detached then, so user space supplies their namespace view from the exit
 * (and reports nothing for a process whose exit it has not: see zombies_matched()).
 * (This kernel has no kprobes or fentry, CONFIG_KPROBES and ftrace being off:
 * tracepoints work.) */
/* A namespace init released: nothing is left in its namespace to watch (ended_inits). */
static __always_inline void unwatch_ended_namespace(__u32 tgid)
{
	__u32 *found = bpf_map_lookup_elem(&ended_inits, &tgid);
	if (!found)
		return;
	__u32 pidns = *found;
	__u32 *watched_for = bpf_map_lookup_elem(&watched_pidns, &pidns);
	if (watched_for && *watched_for == tgid)
		bpf_map_delete_elem(&watched_pidns, &pidns);
	if (!bpf_map_delete_elem(&ended_inits, &tgid))
		__atomic_fetch_add(&ended_inits_pending, (__u32)-1, __ATOMIC_RELAXED); /* see zombie_slot_add() */
}

static __always_inline int on_sched_process_free(struct task_struct *task)
{
	/* Runs for every task freed on the host: the cheapest tests first. A release
	 * matters only with the exit, which is recorded only when asked for. */
	if (!kind_wanted(PT_EVENT_REAP) || !kind_wanted(PT_EVENT_EXIT))
		return 0;
	__u32 tgid = task->tgid;
	struct pt_reap_event *e;

	/* Process leaders only; under a filter, those whose exit was recorded (most are
	 * not: the lookup takes no lock, the delete does). */
	if (task->pid != tgid)
		return 0;
	if (ended_inits_pending)
		unwatch_ended_namespace(tgid);
	if (zombies_matched()) {
		__u32 *slot = zombie_slot(tgid);
		if (!slot || !*slot || !bpf_map_lookup_elem(&zombies, &tgid))
			return 0;
		if (!bpf_map_delete_elem(&zombies, &tgid))
			zombie_slot_add(slot, -1);
	}
	e = reserve_event(struct pt_reap_event);
	if (!e)
		return 0;
	e->base.kind = PT_EVENT_REAP;
	e->base.ts_ns = bpf_ktime_get_boot_ns();
	e->base.host_pid = tgid;
	e->base.host_tid = tgid;
	e->base.exit_code = task->exit_code;
	copy_comm(e->base.comm, task);
	/* The parent it was released to: the one whose wait() reaped it. */
	struct task_struct *parent = task->real_parent;
	struct pid *ppid = btf_process_pid(parent);
	__u32 level = ppid->level;
	e->reaper.host_pid = parent->tgid;
	e->reaper.host_tid = parent->pid;
	if (level == 0) {
		e->reaper.pidns = ppid->numbers[0].ns->ns.inum;
		e->reaper.ns_pid = ppid->numbers[0].nr;
	} else if (level < PT_MAX_NS_LEVELS) {
		e->reaper.pidns = BPF_CORE_READ(ppid, numbers[level].ns, ns.inum);
		e->reaper.ns_pid = BPF_CORE_READ(ppid, numbers[level].nr); /* in its own namespace */
	}
	copy_comm(e->reaper.comm, parent);
	bpf_ringbuf_submit(e, submit_flags());
	return 0;
}

SEC("tp_btf/sched_process_free")
int BPF_PROG(handle_sched_process_free, struct task_struct *task)
{
	return on_sched_process_free(task);
}

SEC("tp_btf/sched_process_free")
int BPF_PROG(handle_sched_process_free_cast, struct task_struct *task)
{
	return on_sched_process_free(untrusted(task));
}
