# reliability.mk - memory checking and static analysis, included by the
# Makefile (fuzzing is in fuzz/fuzz.mk).
#
#   make valgrind   the demo job under valgrind memcheck (tests/valgrind.sh)
#   make analyze    cppcheck and clang-tidy (.clang-tidy) over src/; fails on
#                   any finding

.PHONY: valgrind analyze analyze-cppcheck analyze-tidy

valgrind: $(BUILD)/convex
	$(Q)tests/valgrind.sh $(BUILD)

# Library headers as system headers: their own warnings are not ours.
ANALYZE_FLAGS = $(STD) -Iinclude $(patsubst -I%,-isystem %,$(PKG_CFLAGS)) $(DATADIR_DEF)

# CastIntegerToAddressAtReturn in site.c: cppcheck 2.10 reads `struct
# template` as the C++ keyword and takes template_load() for an int
# (reproduced with a three-line file); the return type is a pointer.
analyze-cppcheck: | $(BUILD)/.deps-ok
	$(Q)cppcheck --quiet --language=c --std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	    --enable=warning,portability,performance --error-exitcode=1 --inline-suppr \
	    --suppress=missingIncludeSystem --suppress=CastIntegerToAddressAtReturn:src/site.c \
	    -Iinclude src/

analyze-tidy: | $(BUILD)/.deps-ok
	$(Q)status=0; for f in $(SRC); do \
	  inc="-include tests/analyze.h"; [ "$$f" = src/err.c ] && inc=""; \
	  clang-tidy --quiet $$f -- $(ANALYZE_FLAGS) $$inc 2>/dev/null || status=1; \
	done; exit $$status

analyze:
	$(Q)status=0; \
	  $(MAKE) --no-print-directory analyze-cppcheck || status=1; \
	  $(MAKE) --no-print-directory analyze-tidy || status=1; \
	  if [ $$status = 0 ]; then echo "ok   analyze: cppcheck and clang-tidy found nothing"; \
	  else echo "FAIL analyze"; fi; exit $$status
