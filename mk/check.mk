# check.mk: promgate check, its conformance suite (suite/) and the demo.

# cmd_check.c uses the report and Prometheus API modules once their
# implementations are in the tree; listing them as prerequisites rebuilds
# it when they appear.
CHECK_OPTIONAL := $(wildcard lib/report.c lib/promapi.c)
build/runners/cmd_check.o: $(CHECK_OPTIONAL)
build/runners/cmd_check.o: override CFLAGS += \
  $(if $(filter lib/report.c,$(CHECK_OPTIONAL)),-DPG_HAVE_REPORT) \
  $(if $(filter lib/promapi.c,$(CHECK_OPTIONAL)),-DPG_HAVE_PROMAPI)

# make demo: the conformance suite against a local fixture server serving
# a realistic Coder scrape (fixtures/coder-demo/metrics), or against
# $PROMGATE_TARGET when set.
demo: bin/promgate bin/pg-fixture-server
	./suite/demo.sh

.PHONY: demo

# tests/48-check-chunks.t: verdicts do not depend on chunk boundaries.
bin/test-check-chunks: build/tests/progs/check_chunks.o build/libpromgate.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

TEST_PROGS += bin/test-check-chunks
-include build/tests/progs/check_chunks.d
