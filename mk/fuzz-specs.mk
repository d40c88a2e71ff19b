# fuzz-specs.mk: libFuzzer harnesses for the spec readers (tests/fuzz):
# fuzz_docs (a docs page in, a golden out), fuzz_golden (the golden JSON
# loader) and fuzz_overlay (the overlay loader, applied to a golden).
# Built with clang like fuzz_expo (mk/expo.mk) and, like it, as
# prerequisites of `make check` so they keep compiling. `make fuzz-specs`
# runs each for FUZZ_SPECS_SECONDS; `make fuzz-smoke` for 7 s each.
# Seeds: the project's fixtures and goldens, and the other projects' docs
# pages in $(PG_SHARED)/otherdocs when it is there.

FUZZ_CC ?= clang
FUZZ_SPECS_SECONDS ?= 60
FUZZ_SPECS := docs golden overlay
FUZZ_SPECS_BIN := $(FUZZ_SPECS:%=build/fuzz/fuzz_%)
# The readers and the folders below them (lib/specs, lib/expo with its
# generated protobuf code, lib/core), compiled once for all three.
FUZZ_SPECS_SRC := $(wildcard lib/specs/*.c lib/expo/*.c lib/core/*.c) \
  $(PROTO_GEN).c
FUZZ_SPECS_OBJ := $(FUZZ_SPECS_SRC:%.c=build/fuzz/obj/%.o)
FUZZ_SPECS_CFLAGS := -g -O1 -std=c11 -D_POSIX_C_SOURCE=200809L \
  -D_DEFAULT_SOURCE -Ilib -Ibuild -Ibuild/gen \
  -fsanitize=fuzzer-no-link,address,undefined \
  -fno-sanitize-recover=undefined -MMD -MP
FUZZ_SPECS_LDFLAGS := -fsanitize=fuzzer,address,undefined

build/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_SPECS_CFLAGS) -c -o $@ $<

build/fuzz/obj/lib/expo/proto.o build/fuzz/obj/lib/expo/proto_metric.o: $(PROTO_GEN).h

# Linked under a temporary name: a failed link leaves no binary behind.
build/fuzz/fuzz_%: build/fuzz/obj/tests/fuzz/fuzz_%.o $(FUZZ_SPECS_OBJ)
	$(FUZZ_CC) $(FUZZ_SPECS_LDFLAGS) -o $@.tmp $^ -lpcre2-8 -ljansson \
	  $(PROTO_LIBS) -lm
	@mv $@.tmp $@

-include $(wildcard build/fuzz/obj/lib/*/*.d build/fuzz/obj/tests/fuzz/*.d)

ifneq ($(shell command -v $(FUZZ_CC) 2>/dev/null),)
TEST_PROGS += $(FUZZ_SPECS_BIN)
endif

# Seeds, one directory per harness. Docs pages and overlays get a first
# byte choosing the options (0x03: keep going and lint).
build/fuzz/specs-seeds.stamp: $(wildcard fixtures/docs*/*/*.md \
  fixtures/golden/*/*.json fixtures/golden/*/*/*.json golden/*.json \
  golden/*/*.json)
	@rm -rf build/fuzz/seeds-docs build/fuzz/seeds-golden \
	  build/fuzz/seeds-overlay
	@mkdir -p build/fuzz/seeds-docs build/fuzz/seeds-golden \
	  build/fuzz/seeds-overlay build/fuzz/corpus-docs \
	  build/fuzz/corpus-golden build/fuzz/corpus-overlay
	@n=0; for f in fixtures/docs*/*/*.md fixtures/docs*/*/*.mdx \
	  $$(find $(PG_SHARED)/otherdocs -name '*.md' 2>/dev/null); do \
	  [ -f "$$f" ] && [ $$(wc -c < "$$f") -le 65000 ] || continue; \
	  n=$$((n+1)); { printf '\003'; cat "$$f"; } > build/fuzz/seeds-docs/$$n; \
	done
	@n=0; for f in fixtures/golden/load/*/input.json fixtures/golden/docs/*.json \
	  golden/*.json golden/coder/*.json; do \
	  [ -f "$$f" ] && [ $$(wc -c < "$$f") -le 65000 ] || continue; \
	  n=$$((n+1)); cp "$$f" build/fuzz/seeds-golden/$$n; \
	done
	@n=0; for f in fixtures/golden/overlay/*/overlay.json golden/overlay/*.json; do \
	  [ -f "$$f" ] || continue; \
	  n=$$((n+1)); { printf '\001'; cat "$$f"; } > build/fuzz/seeds-overlay/$$n; \
	done
	@touch $@

fuzz-specs: $(FUZZ_SPECS_BIN) build/fuzz/specs-seeds.stamp
	@for h in $(FUZZ_SPECS); do \
	  echo "fuzz_$$h: $(FUZZ_SPECS_SECONDS) s"; \
	  build/fuzz/fuzz_$$h -max_total_time=$(FUZZ_SPECS_SECONDS) \
	    -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix=build/fuzz/$$h- \
	    build/fuzz/corpus-$$h build/fuzz/seeds-$$h || exit 1; \
	done

fuzz-specs-smoke:
	$(MAKE) fuzz-specs FUZZ_SPECS_SECONDS=7

fuzz-smoke: fuzz-specs-smoke

.PHONY: fuzz-specs fuzz-specs-smoke

# Objects named only through pattern rules would be removed as
# intermediates after each link.
.SECONDARY: $(FUZZ_SPECS_OBJ) $(FUZZ_SPECS:%=build/fuzz/obj/tests/fuzz/fuzz_%.o)
