# fuzz.mk - libFuzzer harnesses (fuzz/fuzz_*.c), included by the Makefile.
#
#   make fuzz         build, replay the regressions, fuzz each harness
#                     FUZZ_SECONDS (default 60) seconds
#   make fuzz-short   the same for 10 s each with a fixed seed (part of make check)
#
# The harnesses link the project's objects compiled again with clang and
# -fsanitize=fuzzer-no-link,address,undefined into $(BUILD)/fuzz, never the
# gcc objects. fuzz/run.sh keeps the tally (one line per harness) and the
# seconds each harness has run in $(BUILD)/fuzz/seconds.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS   = $(STD) $(WARN) -MMD -MP -Iinclude $(PKG_CFLAGS) $(DATADIR_DEF) -O1 -g $(FUZZ_SAN)
FUZZ_SRC     := $(wildcard fuzz/fuzz_*.c)
FUZZ_BIN     := $(FUZZ_SRC:fuzz/%.c=$(FUZZ_DIR)/%)
FUZZ_LIB_OBJ := $(LIB_SRC:src/%.c=$(FUZZ_DIR)/obj/%.o)

.PHONY: fuzz fuzz-short fuzz-build

$(FUZZ_DIR)/obj/%.o: src/%.c | $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	@[ "$(V)" = 1 ] || echo "  FUZZCC $<"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_DIR)/libconvex.a: $(FUZZ_LIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_DIR)/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz.h $(FUZZ_DIR)/libconvex.a
	@[ "$(V)" = 1 ] || echo "  FUZZCC $<"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_DIR)/libconvex.a $(LDFLAGS) $(PKG_LIBS)

fuzz-build: $(FUZZ_BIN)

fuzz: $(FUZZ_BIN)
	$(Q)FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_DIR=$(CURDIR)/$(FUZZ_DIR) fuzz/run.sh $(FUZZ_BIN)

fuzz-short: $(FUZZ_BIN)
	$(Q)FUZZ_SECONDS=10 FUZZ_SEED=1 FUZZ_DIR=$(CURDIR)/$(FUZZ_DIR) fuzz/run.sh $(FUZZ_BIN)

-include $(FUZZ_LIB_OBJ:.o=.d)
