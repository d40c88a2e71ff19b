# promgate: GNU Make build. `make` builds bin/promgate; `make check` runs
# every test through prove; `make SANITIZE=address,undefined check` runs
# them under ASan+UBSan; DEVELOPER=1 turns warnings into errors.

CC ?= cc
CFLAGS ?= -O2 -g
PKGS := libcurl libpcre2-8 jansson
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lcurl -lpcre2-8 -ljansson)

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
  -Wmissing-prototypes -Wwrite-strings -Wvla -Wformat=2 -Wconversion \
  -Wno-sign-conversion
override CFLAGS += -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
  $(WARN) -Ilib $(PKG_CFLAGS) -MMD -MP
ifdef DEVELOPER
override CFLAGS += -Werror
endif
ifdef SANITIZE
override CFLAGS += -fsanitize=$(SANITIZE) -fno-sanitize-recover=$(SANITIZE) \
  -fno-omit-frame-pointer
override LDFLAGS += -fsanitize=$(SANITIZE)
endif
LDLIBS += $(PKG_LIBS) -lm -pthread

LIB_SRC := $(wildcard lib/*/*.c)
LIB_OBJ := $(LIB_SRC:%.c=build/%.o)
RUN_SRC := $(wildcard runners/*.c)
RUN_OBJ := $(RUN_SRC:%.c=build/%.o)

# Area makefiles append programs the tests need to TEST_PROGS.
TEST_PROGS :=

all: bin/promgate

build/%.o: %.c build/flags
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

# Made anew each time, and whenever the list of its objects changes
# (build/objects): `ar r` into an existing archive would keep the object
# of a source file that was removed or renamed.
build/libpromgate.a: $(LIB_OBJ) build/objects
	@mkdir -p $(dir $@)
	@rm -f $@
	$(AR) rcs $@ $(filter %.o,$^)

bin/promgate: $(RUN_OBJ) build/libpromgate.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(RUN_OBJ) build/libpromgate.a $(LDLIBS)

-include $(sort $(wildcard mk/*.mk))

# build/flags holds the compiler and flags the objects were built with,
# rewritten only when they change: switching between a sanitizer build
# and a normal one rebuilds everything instead of linking a mix.
BUILD_FLAGS := $(CC) $(CFLAGS) $(LDFLAGS) $(LDLIBS)
ifneq ($(BUILD_FLAGS),$(shell cat build/flags 2>/dev/null))
$(shell mkdir -p build && printf '%s\n' '$(BUILD_FLAGS)' > build/flags)
endif
ifneq ($(strip $(LIB_OBJ)),$(shell cat build/objects 2>/dev/null))
$(shell mkdir -p build && printf '%s\n' '$(strip $(LIB_OBJ))' > build/objects)
endif

deps:
	./scripts/install-deps.sh

PROVE ?= prove
check: all $(TEST_PROGS)
	env -u PROMGATE_REPORT_DIR UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	ASAN_OPTIONS=detect_leaks=1 $(PROVE) -j2 tests/

clean:
	rm -rf build bin

# A command that fails leaves no half-made target that looks up to date.
.DELETE_ON_ERROR:
.PHONY: all check clean deps
-include $(LIB_OBJ:.o=.d) $(RUN_OBJ:.o=.d)
