# golden.mk: `make golden` regenerates every committed golden spec under
# golden/ from the Coder release docs in $(PG_SHARED)/coder/releases, the
# newest docs commit, the other projects' docs (golden/others/,
# mk/golden-others.mk) and the seeds; tests/22-golden-regen.t checks that
# the result equals what is committed. GOLDEN_OUT redirects the output (the
# test uses a temp dir).

PG_SHARED ?= $(CURDIR)/../shared
GOLDEN_OUT ?= golden
GOLDEN_OVERLAY := golden/overlay/coder.json
GOLDEN_RELEASES := $(PG_SHARED)/coder/releases
GOLDEN_DOCS := $(PG_SHARED)/coder/docs
GOLDEN_SEEDS := $(PG_SHARED)/seeds
GOLDEN_CMD = bin/promgate golden --no-lint
GOLDEN_LATEST := 2026-07-06.b21e0717d5

# golden/coder/: one golden per distinct docs table among Coder's releases
# and releases.tsv (every tag -> its golden), by scripts/coder-goldens.pl.
# golden/coder-latest.json: the newest docs commit (2026-07-06, newer than
# any release), and the two seeds: fixtures of the test suite, not
# releases.
golden: bin/promgate golden-others
	@for d in $(GOLDEN_RELEASES)/releases.tsv $(GOLDEN_RELEASES)/docs \
	  $(GOLDEN_DOCS) $(GOLDEN_SEEDS); do [ -r $$d ] || { \
	  echo "make golden: needs $$d (Coder release table and docs pages;" \
	  "set PG_SHARED to the directory holding coder/ and seeds/)" >&2; \
	  exit 2; }; done
	@mkdir -p $(GOLDEN_OUT)/coder
	@scripts/coder-goldens.pl --releases $(GOLDEN_RELEASES)/releases.tsv \
	  --docs $(GOLDEN_RELEASES)/docs --overlay $(GOLDEN_OVERLAY) \
	  --out $(GOLDEN_OUT)/coder
	@$(GOLDEN_CMD) --from-docs $(GOLDEN_SEEDS)/000_35c126d9a4a12f8e.txt \
	  --overlay $(GOLDEN_OVERLAY) --spec-version "2026-Q2 seed-000" \
	  -o $(GOLDEN_OUT)/coder-2026q2-seed000.json 2>/dev/null
	@$(GOLDEN_CMD) --from-docs $(GOLDEN_SEEDS)/002_137e2d3e2a005bf6.txt \
	  --spec-version "v1 seed-002" -o $(GOLDEN_OUT)/coder-v1-seed002.json
	@$(GOLDEN_CMD) --from-docs $(GOLDEN_DOCS)/prometheus.$(GOLDEN_LATEST).md \
	  --overlay $(GOLDEN_OVERLAY) -o $(GOLDEN_OUT)/coder-latest.json 2>/dev/null
	@echo "goldens written to $(GOLDEN_OUT)/"

.PHONY: golden

# Test driver: load a golden and dump it back (tests/23-golden-load.t).
bin/pg-golden-load: build/tests/progs/golden_load.o build/libpromgate.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< build/libpromgate.a $(LDLIBS)

TEST_PROGS += bin/pg-golden-load

# pg_edit_distance() against fixtures/golden/edit-distance.txt (tests/29-golden-util.t).
bin/pg-util-cases: build/tests/progs/util_cases.o build/libpromgate.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< build/libpromgate.a $(LDLIBS)

TEST_PROGS += bin/pg-util-cases
