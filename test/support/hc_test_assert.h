/* cmocka's asserts for library results: a failure names the codes
 * (hc_strerror) instead of printing two numbers. Includes what cmocka.h
 * needs before it, so a test may include this alone. */
#ifndef HC_TEST_ASSERT_H
#define HC_TEST_ASSERT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "healthchecks/hc_error.h"

/** Fail the running test unless @p actual equals @p expected, both
 *  hc_err_t, naming both codes. Each argument is evaluated once. */
#define assert_err(actual, expected)                                                 \
    do {                                                                             \
        hc_err_t a_ = (actual), e_ = (expected);                                     \
        if (a_ != e_)                                                                \
            fail_msg("got %s (%d), expected %s (%d)", hc_strerror(a_), (int)a_,      \
                     hc_strerror(e_), (int)e_);                                      \
    } while (0)

#endif /* HC_TEST_ASSERT_H */
