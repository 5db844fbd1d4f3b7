// Benchmark workload for `make bench` (built by scripts/bench into bench/out/ptbench-wl).
//
//   ptbench-wl [--parallel P] [--max-ms MS] forkexec|fork|threads N
//
//   forkexec N   N times: fork, the child execve()s /bin/true, the parent waits
//   fork N       N times: fork, the child _exit(0)s at once, the parent waits
//   threads N    N times: pthread_create a thread that returns at once, join it
//   --parallel P run P copies at once (P worker processes forked by this one)
//   --max-ms MS  each copy also stops after MS milliseconds (for burst tests)
//
// On exit it prints one JSON line on stdout: what it did, how long it took (the
// loops only, not its own start-up), and the process events it generated, so a
// tracer's record can be compared with it:
//   forks  every process this run created (workers included),
//   execs  successful execve() calls of those processes,
//   exits  processes of this run that exited (= forks),
//   pids   this process and its workers: every process event of the run has its
//          host_pid or host_ppid in this list (the PID of this process itself
//          only as a parent: its own exec and exit belong to whoever started it).
// Thread creations are counted apart (`threads`): tracers see them as process
// events only when asked for thread events.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_PARALLEL 64

enum mode { FORKEXEC, FORK, THREADS };

struct counts {
    uint64_t forks, execs, threads, done;
    int failed;
};

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void *thread_main(void *arg)
{
    return arg;
}

static char *const true_argv[] = {"true", NULL};
static char *const empty_env[] = {NULL};

// Runs one copy of the loop; counts go to *c (shared memory when parallel).
static void run_loop(enum mode mode, uint64_t n, uint64_t deadline_ns, struct counts *c)
{
    for (uint64_t i = 0; i < n; i++) {
        if (deadline_ns && (i & 63) == 0 && now_ns() >= deadline_ns)
            break;
        if (mode == THREADS) {
            pthread_t t;
            int err = pthread_create(&t, NULL, thread_main, NULL);
            if (err) {
                fprintf(stderr, "ptbench-wl: pthread_create: %s\n", strerror(err));
                c->failed = 1;
                return;
            }
            pthread_join(t, NULL);
            c->threads++;
            continue;
        }
        pid_t pid = fork();
        if (pid < 0) {
            perror("ptbench-wl: fork");
            c->failed = 1;
            return;
        }
        if (pid == 0) {
            if (mode == FORKEXEC) {
                execve("/bin/true", true_argv, empty_env);
                _exit(127);
            }
            _exit(0);
        }
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        c->forks++;
        if (mode == FORKEXEC) {
            if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                c->execs++;
            else
                c->failed = 1;
        }
    }
}

static void usage(void)
{
    fprintf(stderr, "usage: ptbench-wl [--parallel P] [--max-ms MS] forkexec|fork|threads N\n");
    exit(2);
}

int main(int argc, char **argv)
{
    int parallel = 1;
    uint64_t max_ms = 0;
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
        if (i + 1 >= argc)
            usage();
        if (strcmp(argv[i], "--parallel") == 0)
            parallel = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--max-ms") == 0)
            max_ms = strtoull(argv[i + 1], NULL, 10);
        else
            usage();
    }
    if (argc - i != 2 || parallel < 1 || parallel > MAX_PARALLEL)
        usage();
    enum mode mode;
    if (strcmp(argv[i], "forkexec") == 0)
        mode = FORKEXEC;
    else if (strcmp(argv[i], "fork") == 0)
        mode = FORK;
    else if (strcmp(argv[i], "threads") == 0)
        mode = THREADS;
    else
        usage();
    uint64_t n = strtoull(argv[i + 1], NULL, 10);

    // One slot per copy, shared with the workers so the parent can add them up.
    struct counts *slots = mmap(NULL, sizeof(struct counts) * MAX_PARALLEL, PROT_READ | PROT_WRITE,
                                MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (slots == MAP_FAILED) {
        perror("ptbench-wl: mmap");
        return 1;
    }
    pid_t workers[MAX_PARALLEL];
    int nworkers = 0;

    uint64_t start = now_ns();
    uint64_t deadline = max_ms ? start + max_ms * 1000000u : 0;
    if (parallel == 1) {
        run_loop(mode, n, deadline, &slots[0]);
    } else {
        for (int p = 0; p < parallel; p++) {
            pid_t pid = fork();
            if (pid < 0) {
                perror("ptbench-wl: fork");
                return 1;
            }
            if (pid == 0) {
                run_loop(mode, n, deadline, &slots[p]);
                _exit(slots[p].failed ? 1 : 0);
            }
            workers[nworkers++] = pid;
        }
        for (int p = 0; p < nworkers; p++) {
            int status;
            while (waitpid(workers[p], &status, 0) < 0 && errno == EINTR) {
            }
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                slots[p].failed = 1;
        }
    }
    uint64_t wall = now_ns() - start;

    struct counts total = {0};
    for (int p = 0; p < parallel; p++) {
        total.forks += slots[p].forks;
        total.execs += slots[p].execs;
        total.threads += slots[p].threads;
        total.failed |= slots[p].failed;
    }
    total.forks += (uint64_t)nworkers;
    static const char *names[] = {"forkexec", "fork", "threads"};
    printf("{\"mode\":\"%s\",\"n\":%llu,\"parallel\":%d,\"wall_ns\":%llu,"
           "\"forks\":%llu,\"execs\":%llu,\"exits\":%llu,\"threads\":%llu,\"failed\":%s,\"pids\":[%d",
           names[mode], (unsigned long long)n, parallel, (unsigned long long)wall,
           (unsigned long long)total.forks, (unsigned long long)total.execs,
           (unsigned long long)total.forks, (unsigned long long)total.threads,
           total.failed ? "true" : "false", (int)getpid());
    for (int p = 0; p < nworkers; p++)
        printf(",%d", (int)workers[p]);
    printf("]}\n");
    return total.failed ? 1 : 0;
}
