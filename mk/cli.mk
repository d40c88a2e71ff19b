# cli.mk: the build revision that `promgate --version` prints (git
# describe at build time, "unknown" outside a git checkout). The header is
# rewritten only when the revision changes, so builds stay incremental.

PG_REVISION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

build/revision.h: FORCE
	@mkdir -p $(dir $@)
	@printf '#define PG_REVISION "%s"\n' '$(PG_REVISION)' >$@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

build/runners/version.o: build/revision.h
build/runners/version.o: override CFLAGS += -Ibuild

.PHONY: FORCE
FORCE:
