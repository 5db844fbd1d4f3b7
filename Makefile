# pidtrace: `make run` and `make test` are the whole set-up on a fresh Debian 12 host (as root).
SWIFT     ?= swift
SWIFT_BIN := $(dir $(realpath $(shell command -v $(SWIFT))))
CLANG     ?= $(SWIFT_BIN)clang
BPFTOOL   ?= bpftool
ARCH      := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
MULTIARCH := $(shell gcc -print-multiarch 2>/dev/null || echo $(shell uname -m)-linux-gnu)
CONFIG    ?= release

BPF_OBJ   := .build/bpf/pidtrace.bpf.o
SKEL      := Sources/CPidtrace/generated/pidtrace.skel.h
BUILD_DEPS := libbpf-dev libelf-dev zlib1g-dev bpftool
TEST_DEPS  := docker.io busybox-static util-linux libcap2-bin jq python3-minimal

.PHONY: all build run test deps test-deps bpf clean bench

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
	$(SWIFT) build -c $(CONFIG)

run: build
	$(SWIFT) run -c $(CONFIG) pidtrace $(ARGS)

# Unit tests need no privilege; integration tests run for real as root (BPF, namespaces, dockerd).
test: test-deps $(SKEL)
	$(SWIFT) build --build-tests
	scripts/with-dockerd $(SWIFT) test --skip-build

bench: build test-deps
	scripts/bench

clean:
	rm -rf .build Sources/CPidtrace/generated
