/* The few kernel types pidtrace reads, declared by hand for CO-RE.
 * preserve_access_index makes every field access relocatable: libbpf matches each
 * field by name against the running kernel's BTF, so layout and the anonymous
 * structs the real definitions nest fields in do not matter here. */
#ifndef PIDTRACE_KERNEL_TYPES_H
#define PIDTRACE_KERNEL_TYPES_H

#include <linux/types.h>
#include <stdbool.h>

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)

typedef struct { int counter; } atomic_t;
typedef struct { __u32 val; } kuid_t;
typedef struct { __u32 val; } kgid_t;

struct ns_common { unsigned int inum; };
struct pid_namespace { struct ns_common ns; };
struct mnt_namespace { struct ns_common ns; };
struct nsproxy { struct mnt_namespace *mnt_ns; };

struct upid { int nr; struct pid_namespace *ns; };
struct pid { unsigned int level; struct upid numbers[1]; };

enum pid_type { PIDTYPE_PID, PIDTYPE_TGID, PIDTYPE_PGID, PIDTYPE_SID, PIDTYPE_MAX };
struct signal_struct { atomic_t live; struct pid *pids[PIDTYPE_MAX]; };

struct cred { kuid_t uid; kgid_t gid; };
struct kernfs_node { __u64 id; const char *name; };
struct cgroup;
struct cgroup_subsys_state { struct cgroup *cgroup; struct cgroup_subsys_state *parent; };
struct cgroup { struct kernfs_node *kn; struct cgroup_subsys_state self; };
struct css_set { struct cgroup_subsys_state *subsys[16]; struct cgroup *dfl_cgrp; };
/* Its value differs with the kernel's config: read it with bpf_core_enum_value(). */
enum cgroup_subsys_id { memory_cgrp_id = 4 };
struct kernel_siginfo { int si_code; };
struct mm_struct { unsigned long arg_start; unsigned long arg_end; };
struct linux_binprm { const char *filename; };

/* The context of the syscalls/sys_{enter,exit}_* tracepoints (tracefs events). */
struct trace_entry { unsigned short type; };
struct syscall_trace_enter { struct trace_entry ent; int nr; unsigned long args[6]; };
struct syscall_trace_exit { struct trace_entry ent; int nr; long ret; };

/* The user registers a task entered its syscall with (bpf_task_pt_regs(), 5.15+): the
 * syscall's arguments, which a failed execve leaves as they were. arm64 keeps the
 * first argument in orig_x0 (x0 becomes the return value). */
#if defined(__TARGET_ARCH_arm64)
struct pt_regs___syscall { __u64 regs[31]; __u64 orig_x0; };
#define SYSCALL_ARG1(r) BPF_CORE_READ(r, orig_x0)
#define SYSCALL_ARG2(r) BPF_CORE_READ(r, regs[1])
#define SYSCALL_ARG3(r) BPF_CORE_READ(r, regs[2])
#else
struct pt_regs___syscall { unsigned long di; unsigned long si; unsigned long dx; };
#define SYSCALL_ARG1(r) BPF_CORE_READ(r, di)
#define SYSCALL_ARG2(r) BPF_CORE_READ(r, si)
#define SYSCALL_ARG3(r) BPF_CORE_READ(r, dx)
#endif

struct task_struct {
	unsigned int flags; /* PF_* */
	int pid;
	int tgid;
	int exit_code;
	__u64 start_boottime;
	char comm[16];
	struct task_struct *real_parent;
	struct task_struct *group_leader;
	struct pid *thread_pid;
	struct signal_struct *signal;
	struct nsproxy *nsproxy;
	struct cred *real_cred; /* const in the kernel; dropped so BPF_CORE_READ can assign */
	struct css_set *cgroups;
	struct mm_struct *mm;
};

#pragma clang attribute pop

#endif
