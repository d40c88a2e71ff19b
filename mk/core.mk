# core.mk: test drivers of lib/core.

# lib/core/num.h against fixtures/core/num-*.txt (tests/58-core-numbers.t).
bin/pg-num-cases: build/tests/progs/num_cases.o build/libpromgate.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< build/libpromgate.a $(LDLIBS)

TEST_PROGS += bin/pg-num-cases
