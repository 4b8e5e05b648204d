/* The recorded responses of a real Healthchecks server
 * (test/fixtures/healthchecks-3.0.1), read without any test framework: the
 * cmocka tests (hc_test_fixture.h) and the benchmarks (bench.h) wrap these
 * with their own checks. Test code: allocates. */
#ifndef HC_FIXTURE_H
#define HC_FIXTURE_H

#include <stddef.h>

/** The whole recorded response @p name (e.g. "api_checks_list.http"):
 *  status line, headers and body, NUL-terminated, its length in @p len;
 *  the caller frees it. NULL when the file cannot be read whole or is
 *  empty (@p len is then untouched). */
char *hc_fixture_load(const char *name, size_t *len);

/** Where the body of the NUL-terminated response @p all begins: just past
 *  the blank line ending its head. NULL when @p all has no such line. */
char *hc_fixture_body(char *all);

#endif /* HC_FIXTURE_H */
