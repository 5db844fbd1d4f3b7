# pidtrace: `make run` and `make test` are the whole set-up on a fresh Debian 12 host (as root).
SWIFT     ?= swift
SWIFT_BIN := $(dir $(realpath $(shell command -v $(SWIFT))))
CLANG     ?= $(SWIFT_BIN)clang
BPFTOOL   ?= bpftool
ARCH      := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
MULTIARCH := $(shell gcc -print-multiarch 2>/dev/null || echo $(shell uname -m)-linux-gnu)
CONFIG    ?= release
SCRATCH   ?= .build
SWIFTPM   := --scratch-path $(SCRATCH)

BPF_OBJ   := .build/bpf/pidtrace.bpf.o
SKEL      := Sources/CPidtrace/generated/pidtrace.skel.h
BUILD_DEPS := libbpf-dev libelf-dev zlib1g-dev bpftool libsqlite3-dev
TEST_DEPS  := sqlite3 gcc libc6-dev docker.io containerd python3-grpcio python3-grpc-tools podman catatonit busybox-static nginx-light util-linux libcap2-bin jq python3-minimal chromium fonts-dejavu-core prometheus

PREFIX    ?= /usr/local
BINDIR    := $(DESTDIR)$(PREFIX)/bin
MANDIR    := $(DESTDIR)$(PREFIX)/share/man/man1
SHAREDIR  := $(DESTDIR)$(PREFIX)/share
IMAGE     ?= pidtrace:latest

.PHONY: all build run test deps test-deps bpf clean bench install static image test-kernels

all: build

# Installs only what is missing, so it is quick when everything is there.
deps:
	@scripts/apt-ensure $(BUILD_DEPS)

test-deps: deps
	@scripts/apt-ensure $(TEST_DEPS)

bpf: $(SKEL)

$(BPF_OBJ): bpf/pidtrace.bpf.c bpf/kernel_types.h Sources/CPidtrace/include/pidtrace_event.h | deps
	@mkdir -p $(dir $@)
	$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
		-I/usr/include/$(MULTIARCH) -ISources/CPidtrace/include -c $< -o $@

$(SKEL): $(BPF_OBJ)
	@mkdir -p $(dir $@)
	$(BPFTOOL) gen skeleton $< name pidtrace_bpf > $@.tmp && mv $@.tmp $@

build: $(SKEL)
	$(SWIFT) build $(SWIFTPM) -c $(CONFIG)

run: build
	$(SWIFT) run $(SWIFTPM) -c $(CONFIG) pidtrace $(ARGS)

# Unit tests need no privilege; integration tests run for real as root (BPF, namespaces,
# dockerd), where a missing prerequisite fails them. The run ends with the number of
# skipped tests (with CI=true, any skip fails it).
test: test-deps $(SKEL)
	$(SWIFT) build --build-tests
	scripts/with-dockerd scripts/count-skips $(SWIFT) test --skip-build

# scripts/bench (pidtrace against its peers), then scripts/bench-agent (pidtrace agent).
bench: build test-deps
	scripts/bench
	scripts/bench-agent

# The binary, a man page per command (from the commands' own help: `man pidtrace-trace`)
# and shell completions.
install: build
	$(SWIFT) package $(SWIFTPM) --allow-writing-to-package-directory generate-manual --multi-page
	install -d $(BINDIR) $(MANDIR) $(SHAREDIR)/bash-completion/completions \
		$(SHAREDIR)/zsh/site-functions $(SHAREDIR)/fish/vendor_completions.d
	install -m 0755 $(SCRATCH)/$(CONFIG)/pidtrace $(BINDIR)/pidtrace
	for page in $(SCRATCH)/plugins/GenerateManual/outputs/pidtrace/*.1; do \
		name=$$(basename $$page .1); install -m 0644 $$page $(MANDIR)/$$(echo $$name | tr . -).1; done
	$(SCRATCH)/$(CONFIG)/pidtrace --generate-completion-script bash > $(SHAREDIR)/bash-completion/completions/pidtrace
	$(SCRATCH)/$(CONFIG)/pidtrace --generate-completion-script zsh > $(SHAREDIR)/zsh/site-functions/_pidtrace
	$(SCRATCH)/$(CONFIG)/pidtrace --generate-completion-script fish > $(SHAREDIR)/fish/vendor_completions.d/pidtrace.fish

# One self-contained file: the Swift runtime, libbpf, libelf and zlib linked in statically.
STATIC_BIN := .build-static/release/pidtrace
static: $(SKEL)
	$(SWIFT) build -c release --scratch-path .build-static -Xswiftc -static-executable
	strip $(STATIC_BIN)
	@echo "static binary: $(STATIC_BIN)"

# Boots Debian's 5.10, 6.1 and 6.12 cloud kernels under QEMU (TCG) with the static
# binary, runs `pidtrace check` and a conformance scenario in each, and prints the
# kernel x feature matrix (a FAIL fails). Kernels are cached in KERNEL_CACHE.
test-kernels: static
	CLANG=$(CLANG) scripts/test-kernels $(STATIC_BIN)

# FROM scratch plus the static binary: builds with no registry.
image: static
	rm -rf .build-static/image && mkdir -p .build-static/image
	cp $(STATIC_BIN) deploy/Dockerfile .build-static/image/
	docker build -t $(IMAGE) .build-static/image

clean:
	rm -rf .build .build-static Sources/CPidtrace/generated
