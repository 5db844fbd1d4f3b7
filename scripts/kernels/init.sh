#!/bin/busybox sh
# /init of the kernel-matrix VM (scripts/test-kernels): runs `pidtrace check`, then
# the conformance scenario under a trace, prints everything between markers on the
# console for scripts/kernels/judge.py, and powers off. Each scenario step writes
# its ground truth, as the kernel shows it inside this VM, to /tmp/truth.
/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin /proc /sys /dev /tmp
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup
dmesg -n 1
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
cd /tmp

# Prints the NSpid: line of the shell that evals it (a redirected builtin loop: no fork).
export NSPID='while read -r key value; do [ "$key" = NSpid: ] && echo "$value"; done < /proc/self/status'

echo "=== uname $(uname -r)"
echo "=== check"
pidtrace check --json --docker-host unix:///nonexistent.sock
echo "=== check-status $?"

pidtrace trace --quiet -o /tmp/trace.ndjson --zombie-after 1 --events +exec_failed 2> /tmp/trace.err &
tracer=$!
while ! grep -q '"event":"start"' /tmp/trace.ndjson 2> /dev/null; do
	kill -0 $tracer 2> /dev/null || break
	sleep 0.2
done

# fork/exec/exit in nested PID namespaces, with exit codes: levels 1 and 2.
unshare -p -f sh -c '{ printf "nested 4 "; eval "$NSPID"; } >> /tmp/truth
	unshare -p -f sh -c "{ printf \"nested 5 \"; eval \"\$NSPID\"; } >> /tmp/truth; exit 5"
	exit 4'
sh -c '{ printf "nested 3 "; eval "$NSPID"; } >> /tmp/truth; exit 3'

# A failed exec (ENOENT) in a new PID namespace: exec_failed, through tracefs, which
# nothing has mounted in this VM (pidtrace mounts it).
unshare -p -f sh -c '{ printf "execfail "; eval "$NSPID"; } >> /tmp/truth; exec /nonexistent/app --flag' 2> /dev/null

# SIGKILL with its sender (this shell).
sleep 100 &
victim=$!
sleep 0.2
kill -9 $victim
wait $victim
echo "sigkill $victim $$" >> /tmp/truth

# An OOM kill in a memory cgroup.
echo +memory > /sys/fs/cgroup/cgroup.subtree_control
mkdir /sys/fs/cgroup/oom
echo 16M > /sys/fs/cgroup/oom/memory.max
echo 0 > /sys/fs/cgroup/oom/memory.swap.max 2> /dev/null
sh -c 'echo $$ > /sys/fs/cgroup/oom/cgroup.procs; exec storm hog' &
hog=$!
wait $hog
echo "oom $hog" >> /tmp/truth

# An unreaped zombie: its parent execs and never waits.
sh -c 'sleep 0.1 & echo "zombie $!" >> /tmp/truth; exec sleep 2'

# The thread storm: 32 threads exit at once, repeated.
storm 20 exit_group >> /tmp/truth
storm 20 kill >> /tmp/truth

sleep 1.5 # the zombie record comes --zombie-after its exit
kill -INT $tracer
wait $tracer
echo "=== trace-status $?"
echo "=== trace-stderr"
cat /tmp/trace.err
echo "=== trace"
cat /tmp/trace.ndjson

# Under a PID namespace filter (--pid), which loads other code in the BPF programs:
# the followed namespace's fork, exec, exit, reap and an OOM kill (5.10 finds the
# victim by PID, through an untyped task pointer), and nothing of a host process.
mkfifo /tmp/go
unshare -p -f sh -c 'eval "$NSPID" > /tmp/init.tmp; mv /tmp/init.tmp /tmp/init; read go < /tmp/go
	sh -c "{ printf \"filtered \"; eval \"\$NSPID\"; } >> /tmp/truth; exit 6"
	sh -c "{ printf \"filteredoom \"; eval \"\$NSPID\"; } >> /tmp/truth; echo \$\$ > /sys/fs/cgroup/oom/cgroup.procs; exec storm hog"
	/nonexistent/inside 2> /dev/null
	exit 0' &
holder=$!
while [ ! -e /tmp/init ]; do sleep 0.1; done
read init rest < /tmp/init # its host PID, then 1
pidtrace trace --quiet --pid $init --events +exec_failed -o /tmp/filtered.ndjson 2> /tmp/filtered.err &
tracer=$!
while ! grep -q '"event":"start"' /tmp/filtered.ndjson 2> /dev/null; do
	kill -0 $tracer 2> /dev/null || break
	sleep 0.2
done
sh -c 'echo "outside $$" >> /tmp/truth; exit 2'
/nonexistent/outside 2> /dev/null
echo go > /tmp/go
wait $holder
sleep 0.5 # a reap comes an RCU grace period after the wait
kill -INT $tracer
wait $tracer
echo "=== filtered-status $?"
echo "=== filtered-stderr"
cat /tmp/filtered.err
echo "=== filtered"
cat /tmp/filtered.ndjson
echo "=== truth"
cat /tmp/truth
echo "=== end"
poweroff -f
