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
