# scrape.mk: the fixture HTTP(S) server with fault injection and the
# scrape test driver, both used by tests/3*-scrape-*.t (and by other
# areas' tests through tests/lib/fixture.sh).

FIXTURE_LIBS := $(shell pkg-config --libs openssl zlib 2>/dev/null || echo -lssl -lcrypto -lz)

bin/pg-fixture-server: build/tests/fixture_server.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -pthread -o $@ $^ $(FIXTURE_LIBS)

build/tests/fixture_server.o: override CFLAGS += -pthread

bin/test-scrape-client: build/tests/scrape_client.o build/libpromgate.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(FIXTURE_LIBS)

fixture-server: bin/pg-fixture-server

TEST_PROGS += bin/pg-fixture-server bin/test-scrape-client
.PHONY: fixture-server
-include build/tests/fixture_server.d build/tests/scrape_client.d
