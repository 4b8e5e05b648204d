/* The recorded responses of a real Healthchecks server (test/fixtures), for
 * unit tests. Test code: allocates, and fails the running cmocka test when
 * a fixture cannot be read. */
#ifndef HC_TEST_FIXTURE_H
#define HC_TEST_FIXTURE_H

#include <stddef.h>

/** The whole recorded response @p name (e.g. "api_checks_list.http"):
 *  status line, headers and body, NUL-terminated; the caller frees it. */
char *hc_test_fixture(const char *name, size_t *len);

/** Only the body of the recorded response @p name (what follows the blank
 *  line ending the head), NUL-terminated; the caller frees it. */
char *hc_test_fixture_body(const char *name, size_t *len);

#endif /* HC_TEST_FIXTURE_H */
