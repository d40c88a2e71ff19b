# bench.mk: `make bench` measures the parser (promgate lint) and
# `promgate check` against promtool and a memchr line count, on generated
# Coder-like expositions of 1k, 10k and 100k workspaces (see doc/bench.md).

BENCH_PROGS := bin/pg-bench-gen bin/pg-bench-memchr bin/pg-bench-rss \
  bin/pg-bench-pb
TEST_PROGS += $(BENCH_PROGS)

bin/pg-bench-gen: build/bench/gen.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< -lm

bin/pg-bench-memchr: build/bench/memchr_lines.o build/libpromgate.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< build/libpromgate.a $(LDLIBS)

bin/pg-bench-rss: build/bench/rss.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $<

# The benchmark scrape as delimited protobuf: encoded with the code
# protoc-c generates for the parser (mk/expo.mk).
bin/pg-bench-pb: build/bench/pbenc.o build/libpromgate.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< build/libpromgate.a $(LDLIBS)

build/bench/pbenc.o: override CFLAGS += -Ibuild/gen
build/bench/pbenc.o: build/gen/expo/proto_metrics.pb-c.h

BENCH_SIZES ?= 1000 10000 100000
BENCH_RUNS ?= 3
PATHO_SIZES ?= 20000 40000 80000 160000

# pg-fixture-server (mk/scrape.mk) serves the file to promgate check.
# Then the pathological section: inputs that double in size, the time
# ratio per doubling (bench/pathological.sh).
bench: all $(BENCH_PROGS) bin/pg-fixture-server
	BENCH_SIZES="$(BENCH_SIZES)" BENCH_RUNS="$(BENCH_RUNS)" ./bench/run.sh
	PATHO_SIZES="$(PATHO_SIZES)" BENCH_RUNS="$(BENCH_RUNS)" ./bench/pathological.sh

.PHONY: bench
-include build/bench/gen.d build/bench/memchr_lines.d build/bench/rss.d \
  build/bench/pbenc.d

bench-profile: all $(BENCH_PROGS)
	./bench/profile.sh

.PHONY: bench-profile
