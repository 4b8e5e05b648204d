/* hc_url_parse, hc_check_header_value and hc_check_header_bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "hc_test_assert.h"
#include "healthchecks/hc_url.h"
#include "hc_lex.h"

typedef struct good_url {
    const char *url;
    bool tls;
    uint16_t port;
    bool default_port;
    bool ipv6;
    const char *host;
    const char *path;  /* expected prefix, compared over path_len */
} good_url_t;

static const good_url_t good_urls[] = {
    /* hosted service */
    { "https://hc-ping.com", true, 443, true, false, "hc-ping.com", "" },
    { "https://hc-ping.com/", true, 443, true, false, "hc-ping.com", "" },
    { "https://healthchecks.io/api", true, 443, true, false, "healthchecks.io", "/api" },
    { "https://healthchecks.io/api/", true, 443, true, false, "healthchecks.io", "/api" },
    { "https://healthchecks.io/api/v3/", true, 443, true, false, "healthchecks.io", "/api/v3" },
    /* scheme case */
    { "HTTPS://hc-ping.com/", true, 443, true, false, "hc-ping.com", "" },
    { "Http://Example.COM/", false, 80, true, false, "Example.COM", "" },
    { "hTtPs://HC-PING.com", true, 443, true, false, "HC-PING.com", "" },
    /* self-hosted with ports and prefixes */
    { "http://127.0.0.1:8000/ping/", false, 8000, false, false, "127.0.0.1", "/ping" },
    { "http://127.0.0.1:8000/api/", false, 8000, false, false, "127.0.0.1", "/api" },
    { "http://localhost:8000", false, 8000, false, false, "localhost", "" },
    { "https://hc.example.org/hc/ping/", true, 443, true, false, "hc.example.org", "/hc/ping" },
    { "https://hc.example.org/hc/api", true, 443, true, false, "hc.example.org", "/hc/api" },
    { "https://hc.example.org:8443/hc/", true, 8443, false, false, "hc.example.org", "/hc" },
    { "http://my_host-1.lan/hc", false, 80, true, false, "my_host-1.lan", "/hc" },
    { "http://10.0.0.1/a//b/", false, 80, true, false, "10.0.0.1", "/a//b" },
    { "http://h//", false, 80, true, false, "h", "" },
    { "http://h/hc//", false, 80, true, false, "h", "/hc" },
    { "http://h/p~x/a-b_c.d/%41/:x/!$&'()*+,;=", false, 80, true, false, "h",
      "/p~x/a-b_c.d/%41/:x/!$&'()*+,;=" },
    /* explicit default ports */
    { "https://hc-ping.com:443/", true, 443, true, false, "hc-ping.com", "" },
    { "http://hc-ping.com:80", false, 80, true, false, "hc-ping.com", "" },
    { "http://hc-ping.com:443/", false, 443, false, false, "hc-ping.com", "" },
    { "https://hc-ping.com:80/", true, 80, false, false, "hc-ping.com", "" },
    /* port limits */
    { "http://h:1", false, 1, false, false, "h", "" },
    { "http://h:65535/x", false, 65535, false, false, "h", "/x" },
    { "http://h:008000/", false, 8000, false, false, "h", "" },
    /* IPv6 literals */
    { "http://[::1]:8000/hc/api", false, 8000, false, true, "::1", "/hc/api" },
    { "http://[::1]", false, 80, true, true, "::1", "" },
    { "https://[2001:db8::1]/", true, 443, true, true, "2001:db8::1", "" },
    { "https://[2001:DB8:0:0:0:0:0:1]:443/ping", true, 443, true, true,
      "2001:DB8:0:0:0:0:0:1", "/ping" },
    { "http://[::ffff:192.0.2.1]:8080/", false, 8080, false, true, "::ffff:192.0.2.1", "" },
    { "http://[abcd:ef01::AB:CDEF]/x", false, 80, true, true, "abcd:ef01::AB:CDEF", "/x" },
};

static void test_parse_good_urls(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof good_urls / sizeof good_urls[0]; i++) {
        const good_url_t *g = &good_urls[i];
        hc_url_t u;
        memset(&u, 0xa5, sizeof u); /* an unterminated host would show */
        const hc_err_t got = hc_url_parse(g->url, &u);
        /* name the failing row; the asserts below say which field */
        if (got != HC_OK || u.tls != g->tls || u.port != g->port ||
            u.default_port != g->default_port || u.ipv6 != g->ipv6 ||
            u.path_len != strlen(g->path) || !memchr(u.host, '\0', sizeof u.host) ||
            strcmp(u.host, g->host) != 0)
            print_message("good url #%zu: \"%s\"\n", i, g->url);
        assert_err(got, HC_OK);
        assert_non_null(memchr(u.host, '\0', sizeof u.host));
        assert_int_equal(u.tls, g->tls);
        assert_int_equal(u.port, g->port);
        assert_int_equal(u.default_port, g->default_port);
        assert_int_equal(u.ipv6, g->ipv6);
        assert_string_equal(u.host, g->host);
        /* path points into the input, and reads as the prefix over path_len */
        const size_t url_len = strlen(g->url);
        assert_true(u.path >= g->url && u.path <= g->url + url_len);
        assert_true(u.path + u.path_len <= g->url + url_len);
        assert_int_equal(u.path_len, strlen(g->path));
        assert_memory_equal(u.path, g->path, u.path_len);
        if (u.path_len == 0)
            assert_string_equal(u.path, "");
        else
            assert_int_equal(u.path[0], '/');
    }
}

/* The host limit follows HC_HOST_MAX, whatever the build sets it to. */
static void test_host_length_limit(void **state)
{
    (void)state;
    enum { PREFIX = sizeof "http://" - 1 };
    char url[PREFIX + HC_HOST_MAX + 4];
    char bracketed[PREFIX + HC_HOST_MAX + 6];
    hc_url_t u;

    memcpy(url, "http://", PREFIX);
    memset(url + PREFIX, 'a', HC_HOST_MAX - 1);
    strcpy(url + PREFIX + HC_HOST_MAX - 1, "/p");
    assert_err(hc_url_parse(url, &u), HC_OK);
    assert_int_equal(strlen(u.host), HC_HOST_MAX - 1);
    assert_memory_equal(u.host, url + PREFIX, HC_HOST_MAX - 1);
    assert_int_equal(u.path_len, 2);

    memset(url + PREFIX, 'a', HC_HOST_MAX);
    strcpy(url + PREFIX + HC_HOST_MAX, "/p");
    assert_err(hc_url_parse(url, &u), HC_ERR_URL);

    /* the brackets of an IPv6 literal do not count, its characters do */
    memcpy(bracketed, "http://[", PREFIX + 1);
    memset(bracketed + PREFIX + 1, ':', HC_HOST_MAX - 1);
    strcpy(bracketed + PREFIX + HC_HOST_MAX, "]/");
    assert_err(hc_url_parse(bracketed, &u), HC_OK);
    assert_int_equal(strlen(u.host), HC_HOST_MAX - 1);
    assert_true(u.ipv6);
    memset(bracketed + PREFIX + 1, ':', HC_HOST_MAX);
    strcpy(bracketed + PREFIX + 1 + HC_HOST_MAX, "]/");
    assert_err(hc_url_parse(bracketed, &u), HC_ERR_URL);
}

typedef struct bad_url {
    const char *url;
    hc_err_t err;
} bad_url_t;

static const bad_url_t bad_urls[] = {
    /* scheme */
    { "", HC_ERR_URL },
    { "hc-ping.com", HC_ERR_URL },
    { "ftp://hc-ping.com/", HC_ERR_URL },
    { "httpx://hc-ping.com/", HC_ERR_URL },
    { "http:/hc-ping.com/", HC_ERR_URL },
    { "http:hc-ping.com", HC_ERR_URL },
    { "http", HC_ERR_URL },
    { "https", HC_ERR_URL },
    { "https:/", HC_ERR_URL },
    { "//hc-ping.com/", HC_ERR_URL },
    /* every letter of the scheme counts, the first too */
    { "xttp://hc-ping.com/", HC_ERR_URL },
    { "Jttps://hc-ping.com/", HC_ERR_URL },
    { "ftps://hc-ping.com/", HC_ERR_URL },
    { "hxxp://hc-ping.com/", HC_ERR_URL },
    /* only 's' or 'S' makes the scheme https; 'r' differs from 's' by one bit */
    { "httpr://hc-ping.com/", HC_ERR_URL },
    { "HTTPR://hc-ping.com/", HC_ERR_URL },
    /* host */
    { "http://", HC_ERR_URL },
    { "https:///path", HC_ERR_URL },
    { "http://:8000/", HC_ERR_URL },
    { "http://host name/", HC_ERR_URL },
    { "http://ho%73t/", HC_ERR_URL },
    { "http://h\xc3\xa9/", HC_ERR_URL },
    { "http://h*st/", HC_ERR_URL },
    /* user-info, query, fragment */
    { "http://user@hc-ping.com/", HC_ERR_URL },
    { "http://user:pw@hc-ping.com/", HC_ERR_URL },
    { "http://hc-ping.com/@evil", HC_ERR_URL },
    { "http://hc-ping.com?x=1", HC_ERR_URL },
    { "http://hc-ping.com/ping?x=1", HC_ERR_URL },
    { "http://hc-ping.com#frag", HC_ERR_URL },
    { "http://hc-ping.com/ping/#frag", HC_ERR_URL },
    { "http://hc-ping.com:80?x", HC_ERR_URL },
    /* other path bytes */
    { "http://hc-ping.com/a b", HC_ERR_URL },
    { "http://hc-ping.com/a\\b", HC_ERR_URL },
    { "http://hc-ping.com/\"q\"", HC_ERR_URL },
    { "http://hc-ping.com/<x>", HC_ERR_URL },
    { "http://hc-ping.com/{x}", HC_ERR_URL },
    { "http://hc-ping.com/a|b", HC_ERR_URL },
    { "http://hc-ping.com/a^b", HC_ERR_URL },
    { "http://hc-ping.com/a`b", HC_ERR_URL },
    { "http://hc-ping.com/[x]", HC_ERR_URL },
    { "http://hc-ping.com/caf\xc3\xa9", HC_ERR_URL },
    { "http://hc-ping.com/\xff", HC_ERR_URL },
    /* port */
    { "http://h:/", HC_ERR_URL },
    { "http://h:", HC_ERR_URL },
    { "http://h:0/", HC_ERR_URL },
    { "http://h:00", HC_ERR_URL },
    { "http://h:65536/", HC_ERR_URL },
    { "http://h:99999", HC_ERR_URL },
    { "http://h:4294967377/", HC_ERR_URL }, /* 2^32 + 81: wraps to 81 in 32 bits */
    { "http://h:123456789012345678901234567890/", HC_ERR_URL },
    { "http://h:80a/", HC_ERR_URL },
    { "http://h:a80/", HC_ERR_URL },
    { "http://h:-1/", HC_ERR_URL },
    { "http://h:+80/", HC_ERR_URL },
    { "http://h:80:81/", HC_ERR_URL },
    { "http://h: 80/", HC_ERR_URL },
    /* IPv6 */
    { "http://::1/", HC_ERR_URL },
    { "http://2001:db8::1/", HC_ERR_URL },
    { "http://[::1/", HC_ERR_URL },
    { "http://[::1", HC_ERR_URL },
    { "http://::1]/", HC_ERR_URL },
    { "http://[]/", HC_ERR_URL },
    { "http://[1]/", HC_ERR_URL },
    { "http://[example.com]/", HC_ERR_URL },
    { "http://[fe80::1%25eth0]/", HC_ERR_URL },
    { "http://[fe80::g]/", HC_ERR_URL },
    { "http://[FE80::G]/", HC_ERR_URL },
    { "http://[::1]x/", HC_ERR_URL },
    { "http://[::1]:/", HC_ERR_URL },
    { "http://[::1]:0/", HC_ERR_URL },
    { "http://[[::1]]/", HC_ERR_URL },
    /* control bytes, wherever they are */
    { "http://hc-ping.com/\r\nX-Evil: 1", HC_ERR_UNSAFE_CHAR },
    { "http://hc-ping.com\r\n", HC_ERR_UNSAFE_CHAR },
    { "http://hc-ping.com/a\nb", HC_ERR_UNSAFE_CHAR },
    { "http://hc-\rping.com/", HC_ERR_UNSAFE_CHAR },
    { "http://hc-ping.com:80\n/", HC_ERR_UNSAFE_CHAR },
    { "ht\ntp://hc-ping.com/", HC_ERR_UNSAFE_CHAR },
    { "\rhttp://hc-ping.com/", HC_ERR_UNSAFE_CHAR },
    { "http://hc-ping.com/\t", HC_ERR_UNSAFE_CHAR },
    { "http://hc-ping.com/\x01", HC_ERR_UNSAFE_CHAR },
    { "http://hc-ping.com/\x1f", HC_ERR_UNSAFE_CHAR },
    { "http://hc-ping.com/\x7f", HC_ERR_UNSAFE_CHAR },
    { "ftp://x y/\x1b", HC_ERR_UNSAFE_CHAR },
    { "http://[::1\r]/", HC_ERR_UNSAFE_CHAR },
};

static void test_parse_bad_urls(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_urls / sizeof bad_urls[0]; i++) {
        hc_url_t u;
        const hc_err_t got = hc_url_parse(bad_urls[i].url, &u);
        if (got != bad_urls[i].err)
            print_message("bad url #%zu: \"%s\"\n", i, bad_urls[i].url);
        assert_int_equal(got, bad_urls[i].err);
    }
}

static void test_parse_null(void **state)
{
    (void)state;
    hc_url_t u;
    assert_err(hc_url_parse(NULL, &u), HC_ERR_ARG);
    assert_err(hc_url_parse("https://hc-ping.com/", NULL), HC_ERR_ARG);
    assert_err(hc_url_parse(NULL, NULL), HC_ERR_ARG);
}

/* Every single byte after the host's path slash: a table-free sweep that
 * pins down which code each byte value gives. */
static void test_parse_every_path_byte(void **state)
{
    (void)state;
    for (unsigned c = 1; c < 256; c++) {
        char url[] = "http://h/a?";
        url[sizeof url - 2] = (char)c;
        hc_url_t u;
        hc_err_t want = HC_OK;
        if (c < 0x20 || c == 0x7f)
            want = HC_ERR_UNSAFE_CHAR;
        else if (c >= 0x80 || strchr(" \"#<>?@[\\]^`{|}", (int)c))
            want = HC_ERR_URL;
        const hc_err_t got = hc_url_parse(url, &u);
        if (got != want)
            print_message("path byte 0x%02x\n", c);
        assert_int_equal(got, want);
        if (want == HC_OK) {
            assert_int_equal(u.path_len, c == '/' ? 2 : 3);
            assert_memory_equal(u.path, url + 8, u.path_len);
        }
    }
}

static void test_header_value_accepts(void **state)
{
    (void)state;
    assert_err(hc_check_header_value(""), HC_OK);
    assert_err(hc_check_header_value("hc-client/0.1 (esp32)"), HC_OK);
    assert_err(hc_check_header_value("a\tb"), HC_OK);
    assert_err(hc_check_header_value("\t"), HC_OK);
    assert_err(hc_check_header_value(" !~"), HC_OK);
    /* UTF-8 and other high bytes are opaque octets to HTTP */
    assert_err(hc_check_header_value("caf\xc3\xa9 \x80\xff"), HC_OK);
}

static void test_header_value_rejects(void **state)
{
    (void)state;
    assert_err(hc_check_header_value(NULL), HC_ERR_ARG);
    assert_err(hc_check_header_value("a\r\nX-Evil: 1"), HC_ERR_UNSAFE_CHAR);
    assert_err(hc_check_header_value("a\rb"), HC_ERR_UNSAFE_CHAR);
    assert_err(hc_check_header_value("a\nb"), HC_ERR_UNSAFE_CHAR);
    assert_err(hc_check_header_value("\n"), HC_ERR_UNSAFE_CHAR);
    assert_err(hc_check_header_value("end\r"), HC_ERR_UNSAFE_CHAR);
    assert_err(hc_check_header_value("a\x7f"), HC_ERR_UNSAFE_CHAR);
    assert_err(hc_check_header_value("\x1b[31m"), HC_ERR_UNSAFE_CHAR);
}

/* Every byte value alone, through both entry points. */
static void test_header_every_byte(void **state)
{
    (void)state;
    for (unsigned c = 0; c < 256; c++) {
        const char one[2] = { (char)c, '\0' };
        const hc_err_t want =
            ((c < 0x20 && c != '\t') || c == 0x7f) ? HC_ERR_UNSAFE_CHAR : HC_OK;
        const hc_err_t got_bytes = hc_check_header_bytes(one, 1);
        const hc_err_t got_value = c ? hc_check_header_value(one) : want;
        if (got_bytes != want || got_value != want)
            print_message("header byte 0x%02x\n", c);
        assert_int_equal(got_bytes, want);
        assert_int_equal(got_value, want);
    }
}

static void test_header_bytes(void **state)
{
    (void)state;
    static const char with_nul[] = { 'a', 'b', '\0', 'c' };
    assert_err(hc_check_header_bytes(with_nul, sizeof with_nul), HC_ERR_UNSAFE_CHAR);
    /* only the first n bytes count */
    assert_err(hc_check_header_bytes(with_nul, 2), HC_OK);
    assert_err(hc_check_header_bytes("ok\r\n", 2), HC_OK);
    assert_err(hc_check_header_bytes("ok\r\n", 3), HC_ERR_UNSAFE_CHAR);
    assert_err(hc_check_header_bytes("x", 0), HC_OK);
    assert_err(hc_check_header_bytes("a\tb", 3), HC_OK);
    assert_err(hc_check_header_bytes(NULL, 0), HC_ERR_ARG);
    assert_err(hc_check_header_bytes(NULL, 5), HC_ERR_ARG);
    /* the bad byte is found at the far end of a long value too */
    char big[512];
    memset(big, 'v', sizeof big);
    assert_err(hc_check_header_bytes(big, sizeof big), HC_OK);
    big[sizeof big - 1] = '\n';
    assert_err(hc_check_header_bytes(big, sizeof big), HC_ERR_UNSAFE_CHAR);
    assert_err(hc_check_header_bytes(big, sizeof big - 1), HC_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_good_urls),
        cmocka_unit_test(test_host_length_limit),
        cmocka_unit_test(test_parse_bad_urls),
        cmocka_unit_test(test_parse_null),
        cmocka_unit_test(test_parse_every_path_byte),
        cmocka_unit_test(test_header_value_accepts),
        cmocka_unit_test(test_header_value_rejects),
        cmocka_unit_test(test_header_every_byte),
        cmocka_unit_test(test_header_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
