# Thin wrapper; the work is in meson.build and scripts/.
.PHONY: all build bench test clean

all: build

build:
	@scripts/deps build
	@[ -f build/build.ninja ] || meson setup build
	@ninja -C build

bench: build
	@scripts/bench

test:
	@scripts/test

clean:
	rm -rf build build-asan
