/* analyze.h - included ahead of every file but err.c by `make analyze`
 * (tests/reliability.mk), never by the build.
 *
 * cx_fail() returns -1 (err.h), but clang-tidy looks at one file at a time
 * and cannot see into err.c, so it follows every `return cx_fail(...)` as if
 * it could return 0 and reports the impossible paths behind it. This gives
 * it the contract at each call site.
 */
#include "err.h"
#define cx_fail(...) ((cx_fail)(__VA_ARGS__), -1)
