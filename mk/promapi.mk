# promapi: the driver the promapi tests use to see rebuilt expositions.
bin/test-promapi-dump: build/tests/promapi_dump.o build/libpromgate.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ build/tests/promapi_dump.o build/libpromgate.a $(LDLIBS)

TEST_PROGS += bin/test-promapi-dump
-include build/tests/promapi_dump.d
