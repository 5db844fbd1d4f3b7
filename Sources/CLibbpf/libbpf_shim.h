/* libbpf as Debian's libbpf-dev installs it. */
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
