# Thin wrapper; the work is in meson.build and scripts/.
.PHONY: all build bench test report compare-kernels ab host-kernels campaign clean cross-arm64 series

all: build

build:
	@scripts/deps build
	@[ -f build/build.ninja ] || meson setup build
	@ninja -C build

bench: build
	@scripts/bench

test:
	@scripts/test

# a static aarch64 gupbench: build-aarch64/gupbench (docs/model-litmus.md)
cross-arm64:
	@scripts/build-cross

# make report R=results/compare-<time>   (default: the newest compare-*)
report: build
	@scripts/deps bench
	@scripts/report $${R:-$$(ls -d results/compare-* 2>/dev/null | tail -1)}

# make compare-kernels VARIANTS="baseline v4 xchg cond rcu" [CPUS="2 4 8 16"]
compare-kernels: build
	@scripts/compare-kernels $(if $(CPUS),--cpus "$(CPUS)") $(VARIANTS)

# make ab A="vmsplice -p 8" B="vmsplice -p 8 --inject-ns 10" ROUNDS=8 [SEED=1]
# A and B interleaved in randomised balanced rounds, then gupbench compare
ab: build
	@scripts/interleave -o $${OUT:-results/ab-$$(date -u +%Y%m%dT%H%M%SZ)} \
		--rounds $(or $(ROUNDS),8) $(if $(SEED),--seed $(SEED)) --compare \
		A="$(A)" B="$(B)"

# make host-kernels VARIANTS="baseline cond" [HOST_CONFIG=f] [BASE=6.12] [KERNEL_SRC=tree BASE_REF=ref]
# kernels for this machine (its config + kernel-configs/host.config); prints
# the packages to dpkg -i
host-kernels:
	@scripts/deps host-kernels
	@scripts/build-kernel --host $(or $(VARIANTS),baseline cond)

# make campaign VARIANTS="baseline cond" BOOTS=5 [YES=1] [ARGS="-a 'isolcpus=3 nohz_full=3'"]
# kexec-interleaved boots of the installed variant kernels (scripts/campaign;
# campaign status/stop/resume); without YES=1 it plans and asks for --yes
campaign: build
	@scripts/deps campaign
	@scripts/campaign start -b $(or $(BOOTS),4) $(if $(YES),--yes) $(ARGS) $(or $(VARIANTS),baseline cond)

# make series VARIANT=cond AUTHOR="Your Name <you@your.domain>" [BASE=6.12]
# the series with your identity in From:/Signed-off-by: (scripts/export-series)
series:
	@scripts/export-series $(VARIANT)

clean:
	rm -rf build build-asan build-aarch64 build-aarch64-sysroot
