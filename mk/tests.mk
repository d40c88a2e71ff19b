# tests.mk: test-suite housekeeping.
#
# make bless: rewrites the expected files of the data-driven case tests
# (fixtures/expo/*/expected, fixtures/diff, fixtures/check,
# fixtures/report) from what the code produces now. The tests themselves
# never write an expected file: run this by hand after an intended change
# of output, review `git diff`, commit. It is not part of `make check` and
# never runs in CI (doc/testing.md).
BLESS_TESTS := tests/10-expo-fixtures.t tests/25-diff-cases.t \
  tests/40-check-cases.t tests/50-report-golden.t tests/56-report-check.t

bless: all $(TEST_PROGS)
	@rm -rf build/bless
	-PG_BLESS_DIR=$(CURDIR)/build/bless \
	PROMGATE_REPORT_DIR=$(CURDIR)/build/test-reports \
	$(PROVE) $(BLESS_TESTS)
	./scripts/bless.sh build/bless

.PHONY: bless

# bin/pg-producer-go: the client_golang program of the real-producer sweep
# (tests/63-real-producers.t), built offline from Debian's Go packages
# (GOPATH mode: nothing is downloaded). Where go or client_golang is
# missing it is not built, and the test says so and skips it.
GO ?= go
GO_CLIENT_SRC := /usr/share/gocode/src/github.com/prometheus/client_golang/prometheus
HAVE_GO_CLIENT := $(and $(shell command -v $(GO) 2>/dev/null),$(wildcard $(GO_CLIENT_SRC)))
ifneq ($(HAVE_GO_CLIENT),)
TEST_PROGS += bin/pg-producer-go
endif

bin/pg-producer-go: $(wildcard tests/producers/go/*.go)
	@mkdir -p $(dir $@)
	cd tests/producers/go && GO111MODULE=off GOPATH=/usr/share/gocode \
	  GOPROXY=off GOFLAGS= GOCACHE=$(CURDIR)/build/go-cache \
	  $(GO) build -o $(CURDIR)/$@ .

producers: bin/pg-producer-go

.PHONY: producers
