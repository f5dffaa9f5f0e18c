# Thin wrapper; the work is in meson.build and scripts/.
.PHONY: all build bench test report compare-kernels clean

all: build

build:
	@scripts/deps build
	@[ -f build/build.ninja ] || meson setup build
	@ninja -C build

bench: build
	@scripts/bench

test:
	@scripts/test

# make report R=results/compare-<time>   (default: the newest compare-*)
report: build
	@scripts/deps bench
	@scripts/report $${R:-$$(ls -d results/compare-* 2>/dev/null | tail -1)}

# make compare-kernels VARIANTS="baseline v4 xchg cond rcu"
compare-kernels: build
	@scripts/compare-kernels $(VARIANTS)

clean:
	rm -rf build build-asan
