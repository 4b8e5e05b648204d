/* Text of every result code; see hc_error.h. */
#include "healthchecks/hc_error.h"

const char *hc_strerror(hc_err_t err)
{
    switch (err) {
    case HC_OK: return "done, and it worked";
    case HC_IN_PROGRESS: return "non-blocking call: not done yet, poll again";
    case HC_ERR_ARG: return "a required argument is missing or malformed";
    case HC_ERR_UNSAFE_CHAR: return "CR, LF or NUL in a value bound for a request line or header";
    case HC_ERR_URL: return "a base URL could not be parsed";
    case HC_ERR_RANGE: return "a number is outside the range the server accepts";
    case HC_ERR_TOO_LONG: return "a string is longer than the server accepts";
    case HC_ERR_BUFFER: return "the work buffer is too small for this request";
    case HC_ERR_BUSY: return "the client is already running a request";
    case HC_ERR_NO_TLS: return "an https:// URL but no TLS transport configured";
    case HC_ERR_DNS: return "the host name could not be resolved";
    case HC_ERR_CONNECT: return "no address accepted the connection";
    case HC_ERR_TLS: return "the TLS handshake or session failed";
    case HC_ERR_TLS_VERIFY: return "the server's certificate or name did not verify";
    case HC_ERR_TIMEOUT: return "a phase deadline passed";
    case HC_ERR_IO: return "the transport reported an error";
    case HC_ERR_CLOSED: return "the peer closed before any response byte arrived";
    case HC_ERR_HTTP_STATUS_LINE: return "the status line is not \"HTTP/1.x NNN ...\"";
    case HC_ERR_HTTP_HEADER: return "a malformed header line";
    case HC_ERR_HTTP_HEADER_TOO_LONG: return "a header line or the header count is over its bound";
    case HC_ERR_HTTP_CONTENT_LENGTH: return "Content-Length non-numeric, too large or conflicting";
    case HC_ERR_HTTP_CHUNK: return "a malformed or overflowing chunk size or chunk end";
    case HC_ERR_HTTP_TRUNCATED: return "the connection closed inside the response";
    case HC_ERR_HTTP_TRAILING_DATA: return "bytes arrived after a complete response";
    case HC_ERR_BODY_TOO_LARGE: return "the response body is larger than the caller allows";
    case HC_ERR_BAD_REQUEST: return "400: the server rejected the request";
    case HC_ERR_UNAUTHORIZED: return "401: missing or wrong key, or a read-only key on a write";
    case HC_ERR_FORBIDDEN: return "403: another project's check, or the check limit reached";
    case HC_ERR_NOT_FOUND: return "404, or a hosted-service \"OK (not found)\"";
    case HC_ERR_CONFLICT: return "409: ambiguous slug, or resuming a check that is not paused";
    case HC_ERR_PAYLOAD_TOO_LARGE: return "413: the request body is too large for the server";
    case HC_ERR_RATE_LIMITED: return "429, or a hosted-service \"OK (rate-limited)\"";
    case HC_ERR_SERVER: return "5xx";
    case HC_ERR_HTTP_STATUS: return "any other status the call does not expect";
    case HC_ERR_JSON: return "malformed, truncated or wrongly typed JSON";
    case HC_ERR_JSON_TOO_LARGE: return "one JSON element does not fit the caller's buffers";
    case HC_ERR__COUNT: break;
    }
    return "unknown error";
}
