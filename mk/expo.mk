# expo.mk: the exposition parser's test programs, fuzz harness and the
# URL support of `promgate lint`.


TEST_PROGS += bin/pg-expo-run

bin/pg-expo-run: build/tests/expo_run.o build/libpromgate.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< build/libpromgate.a $(LDLIBS)

-include build/tests/expo_run.d

# libFuzzer harness (clang). It is compiled whenever clang is available,
# as a prerequisite of `make check`, so it does not rot; `make fuzz` runs
# it for FUZZ_SECONDS, `make fuzz-smoke` for 20 s (for .ci/run).
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SRC := tests/fuzz/fuzz_expo.c lib/expo/expo.c lib/expo/expo_num.c lib/core/util.c \
  lib/core/num.c
HAVE_FUZZ_CC := $(shell command -v $(FUZZ_CC) 2>/dev/null)

build/fuzz/fuzz_expo: $(FUZZ_SRC) lib/expo/expo.h lib/expo/expo_int.h lib/core/util.h \
  lib/core/num.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -g -O1 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	  -Ilib -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	  -o $@ $(FUZZ_SRC) -lm

ifneq ($(HAVE_FUZZ_CC),)
TEST_PROGS += build/fuzz/fuzz_expo
endif

# Seeds: every fixture input behind each of the control bytes 0x00-0x0f
# (format, callbacks, small caps) with whole-input and chunked feeding.
# The inputs imported from Prometheus's tests are read from ../shared when
# it is there (they are not in the repository).
build/fuzz/seeds.stamp: $(wildcard fixtures/expo/*/input)
	@rm -rf build/fuzz/seeds build/fuzz/imported && mkdir -p build/fuzz/seeds build/fuzz/corpus
	@perl fixtures/expo/import-prometheus.pl --inputs build/fuzz/imported || \
	  echo "fuzz seeds: only the project's own fixtures"
	@for f in fixtures/expo/*/input build/fuzz/imported/*/input; do \
	  [ -f $$f ] && [ $$(wc -c < $$f) -le 16000 ] || continue; \
	  c=$$(basename $$(dirname $$f)); \
	  for b in 00 05 06 0b 0f; do \
	    { printf "\\x$$b"; printf "\\x00"; cat $$f; } > build/fuzz/seeds/$$c-$$b-0; \
	    { printf "\\x$$b"; printf "\\x07"; cat $$f; } > build/fuzz/seeds/$$c-$$b-7; \
	  done; \
	done
	@touch $@

fuzz: build/fuzz/fuzz_expo build/fuzz/seeds.stamp
	build/fuzz/fuzz_expo -max_total_time=$(FUZZ_SECONDS) -max_len=16384 \
	  -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	  -artifact_prefix=build/fuzz/ \
	  build/fuzz/corpus build/fuzz/seeds

fuzz-smoke:
	$(MAKE) fuzz FUZZ_SECONDS=20

.PHONY: fuzz fuzz-smoke

TEST_PROGS += bin/test-expo-api
bin/test-expo-api: build/tests/expo_api.o build/libpromgate.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< build/libpromgate.a $(LDLIBS)
-include build/tests/expo_api.d

# pg_file_feed() (lib/source/filefeed.c): windows, stop, a file that
# shrinks while it is read.
TEST_PROGS += bin/test-filefeed
bin/test-filefeed: build/tests/progs/filefeed_cases.o build/libpromgate.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< build/libpromgate.a $(LDLIBS)
-include build/tests/progs/filefeed_cases.d
