# check.mk: promgate check, its conformance suite (suite/) and the demo.

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
