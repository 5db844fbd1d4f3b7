/* zlib as Debian's zlib1g-dev installs it (libbpf already links it). */
#include <zlib.h>
