/* The list responses the list benchmarks share: 1,000 copies of the first
 * element of a recorded v3 list (a realistic check or received ping) under
 * the recorded response's headers, with the Content-Length of the new body.
 * bench_list decodes it through hc_api; bench_jstream splits it; bench_jsmn
 * tokenizes the same body bytes with jsmn, the floor the first is held to. */
#ifndef HC_BENCH_LISTS_H
#define HC_BENCH_LISTS_H

#include <stddef.h>

#define HC_BENCH_ELEMENTS 1000u

/** Which recorded list: "checks" (api_checks_list.http) or "pings"
 *  (api_check_pings.http). */
typedef struct hc_bench_list {
    const char *key;       /**< the list's member name, and argv's word */
    const char *fixture;   /**< the recorded response */
} hc_bench_list_t;

/** The list named @p key, or exits when there is none. */
const hc_bench_list_t *hc_bench_list(const char *key);

/** Where things are in a list response. Element i starts at
 *  first_elem + i * (elem_len + 2): the elements are joined by ", ". */
typedef struct hc_bench_layout {
    size_t len;         /**< the whole response */
    size_t body_at;     /**< where the body starts */
    size_t first_elem;  /**< where the first element starts */
    size_t elem_len;    /**< each element's length */
} hc_bench_layout_t;

/** The whole response (head and body), malloc'd, and its layout. */
char *hc_bench_list_response(const hc_bench_list_t *list, hc_bench_layout_t *layout);

#endif /* HC_BENCH_LISTS_H */
