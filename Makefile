# convex - correlation research from daily prices.
#
#   make            build build/convex
#   make demo       install what is missing, build, run the demo job
#                   (SMTP=smtp://host:587 [SMTP_CA_FILE=F]: send its digest)
#   make check      install what is missing, build, run every test (unit,
#                   e2e, both also under ASan+UBSan, fuzz-short, analyze)
#   make bench      run the benchmarks in bench/
#   make install    install under $(DESTDIR)$(PREFIX) (default /usr/local)
#   make uninstall  remove what make install installed
#
# Overridable: CC, OPT, CFLAGS, LDFLAGS, BUILD (output directory), V=1,
# PREFIX, DESTDIR.

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
# The lean `convex` (src/main.c): `stats` and what it uses, linked with libc,
# libm and jansson only; every other command runs in convex-full.
LEAN_MAIN := $(BUILD)/obj/main-lean.o
LEAN_OBJ := $(addprefix $(BUILD)/obj/,cmd_stats.o cliargs.o prices.o csv.o log.o err.o \
	date.o stats.o stats_json.o quality.o plausible.o xalloc.o pool.o progress.o)
LEAN_LIBS = $(shell pkg-config --libs jansson 2>/dev/null) -lpthread -lm
# Linked statically (no dynamic loader at all: ~7 ms less CPU per process on
# this machine), except under the sanitizers, whose runtimes are shared.
LEAN_STATIC = $(if $(findstring sanitize,$(OPT) $(CFLAGS) $(LDFLAGS)),,-static-pie)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps deps-all demo check unit e2e e2e-asan e2e-both asan-unit bench clean distclean install uninstall

all: $(BUILD)/convex $(BUILD)/convex-full

# Install the libraries when pkg-config or the libharu header can't be found.
$(BUILD)/.deps-ok:
	$(Q)if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists $(PKGS) || [ ! -f /usr/include/hpdf.h ]; then scripts/deps.sh build; fi
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
$(BUILD)/convex-full: $(MAIN_OBJ) $(LIB_OBJ)
	@[ "$(V)" = 1 ] || echo "  LINK $@"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDFLAGS) $(PKG_LIBS)

$(LEAN_MAIN): src/main.c | $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	@[ "$(V)" = 1 ] || echo "    CC $< (lean)"
	$(Q)$(CC) $(ALL_CFLAGS) -DCONVEX_LEAN -c -o $@ $<

# convex-full is built with it: convex runs it for every command but stats.
$(BUILD)/convex: $(LEAN_MAIN) $(LEAN_OBJ) $(BUILD)/obj/paths.o | $(BUILD)/convex-full
	@[ "$(V)" = 1 ] || echo "  LINK $@ (lean)"
	$(Q)$(CC) $(ALL_CFLAGS) $(LEAN_STATIC) -o $@ $^ $(LDFLAGS) $(LEAN_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libconvex.a
	@mkdir -p $(@D)
	@[ "$(V)" = 1 ] || echo "    CC $<"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libconvex.a $(LDFLAGS) $(PKG_LIBS) $(shell pkg-config --libs cmocka 2>/dev/null)

# ---- tests -------------------------------------------------------------
# Unit tests (cmocka), then the same tests built with ASan+UBSan, then the
# end-to-end scripts against the real binary and again against an ASan+UBSan
# build, the short fuzz passes and the static analysis. tests/run.sh keeps
# the tally and prints the closing "N passed, N failed, N skipped" line.
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

# Every e2e script again, against convex built with ASan+UBSan; any
# sanitizer report fails the script (tests/run.sh e2e-asan). Built with
# clang, in $(BUILD)/e2e-asan: the reports must reach files (log_path), and
# gcc 12 keeps UBSan in a runtime of its own (libubsan.so beside
# libasan.so) that ignores log_path and prints to stderr, which the
# scripts redirect or throw away; clang has one runtime for both. CC, OPT
# and LDFLAGS go to the scripts' environment too: 73-install's `make
# install` links its binary the same way.
ASAN_E2E_CC ?= clang
ASAN_E2E_DIR := $(BUILD)/e2e-asan
ASAN_E2E_ENV = CC=$(ASAN_E2E_CC) OPT="$(ASAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined"
e2e-asan:
	$(Q)$(MAKE) --no-print-directory $(ASAN_E2E_ENV) BUILD=$(ASAN_E2E_DIR) $(ASAN_E2E_DIR)/convex
	$(Q)$(ASAN_E2E_ENV) CONVEX=$(CURDIR)/$(ASAN_E2E_DIR)/convex BUILD=$(CURDIR)/$(ASAN_E2E_DIR) \
	    tests/run.sh e2e-asan $(sort $(wildcard tests/e2e/*.sh))

# The plain and the ASan+UBSan end-to-end passes side by side, one per
# core: most scripts wait on servers, timeouts and child processes rather
# than compute, and each keeps its own build directory, scratch directories
# and ports, so they do not meet. Each pass's output is shown whole after
# both end (build/e2e.out, build/e2e-asan.out).
e2e-both: $(BUILD)/convex
	$(Q)$(MAKE) --no-print-directory $(ASAN_E2E_ENV) BUILD=$(ASAN_E2E_DIR) $(ASAN_E2E_DIR)/convex
	$(Q)$(MAKE) --no-print-directory e2e > $(BUILD)/e2e.out 2>&1 & p1=$$!; \
	  $(MAKE) --no-print-directory e2e-asan > $(BUILD)/e2e-asan.out 2>&1 & p2=$$!; \
	  s1=0; s2=0; wait $$p1 || s1=1; wait $$p2 || s2=1; \
	  cat $(BUILD)/e2e.out $(BUILD)/e2e-asan.out; [ $$s1 -eq 0 ] && [ $$s2 -eq 0 ]

check: deps-all
	$(Q)$(MAKE) --no-print-directory all $(UNIT_BIN)
	$(Q)rm -f $(TALLY)
	$(Q)status=0; \
	  $(MAKE) --no-print-directory unit || status=1; \
	  $(MAKE) --no-print-directory asan-unit || status=1; \
	  $(MAKE) --no-print-directory e2e-both || status=1; \
	  $(MAKE) --no-print-directory fuzz-short || status=1; \
	  if $(MAKE) --no-print-directory analyze; then echo "pass analyze" >> $(TALLY); \
	  else echo "fail analyze" >> $(TALLY); status=1; fi; \
	  tests/run.sh summary; exit $$status

# ---- demo ----------------------------------------------------------------
# make demo SMTP=smtp://host:587 [SMTP_CA_FILE=ca.pem] sends the digest
# through that relay instead of writing .eml files (scripts/demo.sh).
demo: $(BUILD)/convex
	$(Q)scripts/demo.sh $(BUILD) $(if $(SMTP),--smtp '$(SMTP)') $(if $(SMTP_CA_FILE),--smtp-ca-file '$(SMTP_CA_FILE)')

# ---- benchmarks ------------------------------------------------------------
bench: $(BUILD)/convex
	$(Q)scripts/deps.sh all
	$(Q)BUILD=$(CURDIR)/$(BUILD) CONVEX=$(CURDIR)/$(BUILD)/convex bench/run.sh
	$(Q)CONVEX=$(CURDIR)/$(BUILD)/convex bench/smtp.sh

# ---- install ---------------------------------------------------------------
# The installed binary is linked apart, in $(BUILD)/install/, with paths.c
# compiled for PREFIX/share/convex; build/convex keeps using the source tree.
# DESTDIR stages the files elsewhere (packaging) without changing that path.
PREFIX  ?= /usr/local
BINDIR   = $(PREFIX)/bin
LIBEXECDIR = $(PREFIX)/libexec/convex
MAN1DIR  = $(PREFIX)/share/man/man1
DATADIR  = $(PREFIX)/share/convex
DOCDIR   = $(PREFIX)/share/doc/convex
INSTALL ?= install
INST_DIR = $(BUILD)/install
DATA_FILES  = $(wildcard templates/*.xsl) $(wildcard fonts/*) jobs/job.rng
EXAMPLE_FILES = jobs/demo.xml jobs/stooq.xml jobs/fred.xml $(wildcard jobs/demo/subscribers.csv) \
	$(wildcard jobs/demo/prices/*) $(wildcard jobs/schedule/*)

# Rebuilt every time: the prefix is in it.
$(INST_DIR)/paths.o: src/paths.c FORCE | $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -DCONVEX_DATADIR='"$(DATADIR)"' -c -o $@ $<

$(INST_DIR)/convex-full: $(MAIN_OBJ) $(filter-out $(BUILD)/obj/paths.o,$(LIB_OBJ)) $(INST_DIR)/paths.o
	@[ "$(V)" = 1 ] || echo "  LINK $@ (data in $(DATADIR))"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDFLAGS) $(PKG_LIBS)

$(INST_DIR)/convex: $(LEAN_MAIN) $(LEAN_OBJ) $(INST_DIR)/paths.o | $(INST_DIR)/convex-full
	@[ "$(V)" = 1 ] || echo "  LINK $@ (lean, data in $(DATADIR))"
	$(Q)$(CC) $(ALL_CFLAGS) $(LEAN_STATIC) -o $@ $^ $(LDFLAGS) $(LEAN_LIBS)

# `sudo make install` in a tree that belongs to someone else builds as that
# someone (setpriv), so the build tree never gets root-owned files; only
# the copying runs as root.
DOC_FILES = README.md $(wildcard docs/*.md)
install:
	$(Q)owner=$$(stat -c %u .); if [ "$$(id -u)" = 0 ] && [ "$$owner" != 0 ]; then \
	  setpriv --reuid="$$owner" --regid="$$(stat -c %g .)" --clear-groups \
	    $(MAKE) --no-print-directory $(INST_DIR)/convex; \
	else $(MAKE) --no-print-directory $(INST_DIR)/convex; fi
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(MAN1DIR) $(DESTDIR)$(DATADIR)/templates \
	  $(DESTDIR)$(DATADIR)/fonts $(DESTDIR)$(DATADIR)/jobs $(DESTDIR)$(DOCDIR)/examples/demo/prices \
	  $(DESTDIR)$(DOCDIR)/examples/schedule
	$(INSTALL) -m 755 $(INST_DIR)/convex $(DESTDIR)$(BINDIR)/convex
	$(INSTALL) -m 755 $(INST_DIR)/convex-full $(DESTDIR)$(LIBEXECDIR)/convex-full
	$(INSTALL) -m 644 docs/convex.1 $(DESTDIR)$(MAN1DIR)/convex.1
	for f in $(DATA_FILES); do $(INSTALL) -m 644 $$f $(DESTDIR)$(DATADIR)/$$f || exit 1; done
	for f in $(EXAMPLE_FILES); do $(INSTALL) -m 644 $$f $(DESTDIR)$(DOCDIR)/examples/$${f#jobs/} || exit 1; done
	$(INSTALL) -d $(DESTDIR)$(DOCDIR)/docs $(DESTDIR)$(DOCDIR)/docs/img
	$(INSTALL) -m 644 README.md $(DESTDIR)$(DOCDIR)/README.md
	for f in $(filter docs/%,$(DOC_FILES)) $(wildcard docs/img/*.png); do $(INSTALL) -m 644 $$f $(DESTDIR)$(DOCDIR)/$$f || exit 1; done

# Exactly the files install puts there, then the directories it made (when empty).
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/convex $(DESTDIR)$(LIBEXECDIR)/convex-full $(DESTDIR)$(MAN1DIR)/convex.1 $(DESTDIR)$(DOCDIR)/README.md
	for f in $(DATA_FILES); do rm -f $(DESTDIR)$(DATADIR)/$$f; done
	for f in $(EXAMPLE_FILES); do rm -f $(DESTDIR)$(DOCDIR)/examples/$${f#jobs/}; done
	for f in $(filter docs/%,$(DOC_FILES)) $(wildcard docs/img/*.png); do rm -f $(DESTDIR)$(DOCDIR)/$$f; done
	-rmdir $(DESTDIR)$(DOCDIR)/docs/img $(DESTDIR)$(DOCDIR)/docs 2>/dev/null
	-rmdir $(DESTDIR)$(DATADIR)/templates $(DESTDIR)$(DATADIR)/fonts $(DESTDIR)$(DATADIR)/jobs \
	  $(DESTDIR)$(DATADIR) $(DESTDIR)$(DOCDIR)/examples/demo/prices $(DESTDIR)$(DOCDIR)/examples/demo \
	  $(DESTDIR)$(DOCDIR)/examples/schedule $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR) 2>/dev/null
	-rmdir $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(PREFIX)/libexec 2>/dev/null

FORCE:

clean:
	rm -rf $(BUILD)

distclean: clean
	rm -rf out

# ---- fuzzing, valgrind, static analysis (fuzz/fuzz.mk, scripts/) ---------
include fuzz/fuzz.mk
include tests/reliability.mk

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(LEAN_MAIN:.o=.d)
