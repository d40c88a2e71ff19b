# expo.mk: the exposition parser's test programs, fuzz harness and the
# URL support of `promgate lint` (enabled once lib/scrape.c is present).

ifneq ($(wildcard lib/scrape.c),)
build/runners/cmd_lint.o: override CFLAGS += -DPG_HAVE_SCRAPE
endif

TEST_PROGS += bin/pg-expo-run

bin/pg-expo-run: build/tests/expo_run.o build/libpromgate.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< build/libpromgate.a $(LDLIBS)

-include build/tests/expo_run.d
