/* The recorded responses of a real Healthchecks server
 * (test/fixtures/healthchecks-3.0.1), for the tests and the benchmarks.
 * No test framework: a fixture that cannot be read is a broken checkout,
 * not a failed assertion, so the program says which one and exits.
 * Test code: allocates. */
#ifndef HC_FIXTURE_H
#define HC_FIXTURE_H

#include <stddef.h>

/** The whole recorded response @p name (e.g. "api_checks_list.http"):
 *  status line, headers and body, NUL-terminated, its length in @p len;
 *  the caller frees it. Exits when the file cannot be read whole or is
 *  empty. */
char *hc_fixture_load(const char *name, size_t *len);

/** Only the body of the recorded response @p name (what follows the blank
 *  line ending its head), NUL-terminated, its length in @p len; the caller
 *  frees it. Exits as hc_fixture_load() does, or when there is no head. */
char *hc_fixture_load_body(const char *name, size_t *len);

/** Where the body of the NUL-terminated response @p all begins: just past
 *  the blank line ending its head. NULL when @p all has no such line. */
char *hc_fixture_body(char *all);

#endif /* HC_FIXTURE_H */
