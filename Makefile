# convex - correlation research from daily prices.
#
#   make            build build/convex
#   make demo       install what is missing, build, run the demo job
#   make check      install what is missing, build, run every test
#   make bench      run the benchmarks in bench/
#
# Overridable: CC, OPT, CFLAGS, LDFLAGS, BUILD (output directory), V=1.

BUILD   ?= build
CC      ?= cc
OPT     ?= -O2 -g
CFLAGS  ?= $(OPT)
LDFLAGS ?=

# Every library but libharu, which Debian ships without a pkg-config file.
PKGS := cairo freetype2 libcurl libxml-2.0 libxslt libexslt sqlite3 jansson gmime-3.0 glib-2.0 libpng zlib

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla
STD      := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lhpdf -lpthread -lm
DATADIR_DEF = -DCONVEX_SRCDIR='"$(CURDIR)"'
ALL_CFLAGS = $(STD) $(WARN) -MMD -MP -Iinclude $(PKG_CFLAGS) $(DATADIR_DEF) $(CFLAGS)

ifeq ($(V),1)
Q :=
else
Q := @
endif

SRC      := $(wildcard src/*.c)
LIB_SRC  := $(filter-out src/main.c,$(SRC))
LIB_OBJ  := $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o)
MAIN_OBJ := $(BUILD)/obj/main.o
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps deps-all demo check unit e2e asan-unit bench clean distclean

all: $(BUILD)/convex

# Install the libraries when pkg-config or the libharu header can't be found.
$(BUILD)/.deps-ok:
	$(Q)if ! pkg-config --exists $(PKGS) || [ ! -f /usr/include/hpdf.h ]; then scripts/deps.sh build; fi
	$(Q)mkdir -p $(@D) && touch $@

deps: $(BUILD)/.deps-ok
deps-all:
	$(Q)scripts/deps.sh all

$(BUILD)/obj/%.o: src/%.c | $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	@[ "$(V)" = 1 ] || echo "    CC $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libconvex.a: $(LIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

# The objects themselves, not the archive: every subcommand must be linked in.
$(BUILD)/convex: $(MAIN_OBJ) $(LIB_OBJ)
	@[ "$(V)" = 1 ] || echo "  LINK $@"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDFLAGS) $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libconvex.a
	@mkdir -p $(@D)
	@[ "$(V)" = 1 ] || echo "    CC $<"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libconvex.a $(LDFLAGS) $(PKG_LIBS) $(shell pkg-config --libs cmocka 2>/dev/null)

# ---- tests -------------------------------------------------------------
# Unit tests (cmocka), then the same tests built with ASan+UBSan, then the
# end-to-end scripts against the real binary. tests/run.sh keeps the tally
# and prints the closing "N passed, N failed" line.
TALLY ?= $(CURDIR)/$(BUILD)/tally
export TALLY

unit: $(UNIT_BIN)
	$(Q)tests/run.sh unit $(UNIT_BIN)

ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
asan-unit:
	$(Q)$(MAKE) --no-print-directory BUILD=$(BUILD)/asan TALLY=$(TALLY) OPT="$(ASAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" \
	    $(UNIT_BIN:$(BUILD)/%=$(BUILD)/asan/%) $(BUILD)/asan/convex
	$(Q)ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    tests/run.sh asan $(UNIT_BIN:$(BUILD)/%=$(BUILD)/asan/%)

e2e: $(BUILD)/convex
	$(Q)CONVEX=$(CURDIR)/$(BUILD)/convex BUILD=$(CURDIR)/$(BUILD) tests/run.sh e2e $(sort $(wildcard tests/e2e/*.sh))

check: deps-all
	$(Q)$(MAKE) --no-print-directory all $(UNIT_BIN)
	$(Q)rm -f $(TALLY)
	$(Q)status=0; \
	  $(MAKE) --no-print-directory unit || status=1; \
	  $(MAKE) --no-print-directory asan-unit || status=1; \
	  $(MAKE) --no-print-directory e2e || status=1; \
	  tests/run.sh summary; exit $$status

# ---- demo ----------------------------------------------------------------
demo: $(BUILD)/convex
	$(Q)scripts/demo.sh $(BUILD)

# ---- benchmarks ------------------------------------------------------------
bench: $(BUILD)/convex
	$(Q)scripts/deps.sh all
	$(Q)BUILD=$(CURDIR)/$(BUILD) CONVEX=$(CURDIR)/$(BUILD)/convex bench/run.sh

clean:
	rm -rf $(BUILD)

distclean: clean
	rm -rf out

# ---- fuzzing, valgrind, static analysis (fuzz/fuzz.mk, scripts/) ---------
include fuzz/fuzz.mk

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d)
