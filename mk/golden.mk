# golden.mk: `make golden` regenerates every committed golden spec under
# golden/ from the Coder docs versions in $(PG_SHARED)/coder/docs and the
# other projects' docs (golden/others/, mk/golden-others.mk) and the
# seeds; tests/22-golden-regen.t checks that the result equals what is
# committed. GOLDEN_OUT redirects the output (the test uses a temp dir).

PG_SHARED ?= $(CURDIR)/../shared
GOLDEN_OUT ?= golden
GOLDEN_OVERLAY := golden/overlay/coder.json
GOLDEN_DOCS := $(PG_SHARED)/coder/docs
GOLDEN_SEEDS := $(PG_SHARED)/seeds
GOLDEN_CMD = bin/promgate golden --no-lint

# Docs versions without the overlay: written before the 2026 metric set the
# overlay's evidence (coder/coder @ a6afcd046f) describes.
GOLDEN_PLAIN := 2022-12-13.8df02f42c0 2023-01-13.f76ef98a32 2024-10-05.419eba5fb6
# Docs versions with the overlay.
GOLDEN_OVERLAID := 2026-01-30.036ed5672f 2026-02-06.6035e45cb8 \
  2026-02-13.df84cea924 2026-07-06.b21e0717d5
GOLDEN_LATEST := 2026-07-06.b21e0717d5

golden: bin/promgate golden-others
	@mkdir -p $(GOLDEN_OUT)
	@set -e; for v in $(GOLDEN_PLAIN); do \
	  $(GOLDEN_CMD) --from-docs $(GOLDEN_DOCS)/prometheus.$$v.md \
	    -o $(GOLDEN_OUT)/coder-$$(echo $$v | tr . -).json; \
	done
	@set -e; for v in $(GOLDEN_OVERLAID); do \
	  $(GOLDEN_CMD) --from-docs $(GOLDEN_DOCS)/prometheus.$$v.md \
	    --overlay $(GOLDEN_OVERLAY) \
	    -o $(GOLDEN_OUT)/coder-$$(echo $$v | tr . -).json 2>/dev/null; \
	done
	@$(GOLDEN_CMD) --from-docs $(GOLDEN_SEEDS)/000_35c126d9a4a12f8e.txt \
	  --overlay $(GOLDEN_OVERLAY) --spec-version "2026-Q2 seed-000" \
	  -o $(GOLDEN_OUT)/coder-2026q2-seed000.json 2>/dev/null
	@$(GOLDEN_CMD) --from-docs $(GOLDEN_SEEDS)/002_137e2d3e2a005bf6.txt \
	  --spec-version "v1 seed-002" -o $(GOLDEN_OUT)/coder-v1-seed002.json
	@$(GOLDEN_CMD) --from-docs $(GOLDEN_DOCS)/prometheus.$(GOLDEN_LATEST).md \
	  --overlay $(GOLDEN_OVERLAY) -o $(GOLDEN_OUT)/coder-latest.json
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
