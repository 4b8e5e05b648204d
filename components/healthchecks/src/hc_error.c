/* Text of every result code; see hc_error.h. Short, so a log line can
 * carry it, and free of the key or any other request value. */
#include "healthchecks/hc_error.h"

const char *hc_strerror(hc_err_t err)
{
    switch (err) {
    case HC_OK: return "success";
    case HC_IN_PROGRESS: return "in progress";
    case HC_ERR_ARG: return "invalid argument";
    case HC_ERR_UNSAFE_CHAR: return "CR, LF or control character in a request value";
    case HC_ERR_URL: return "malformed base URL";
    case HC_ERR_RANGE: return "value out of range";
    case HC_ERR_TOO_LONG: return "value too long";
    case HC_ERR_BUFFER: return "work buffer too small for the request";
    case HC_ERR_BUSY: return "client busy with another request";
    case HC_ERR_ABORTED: return "request aborted";
    case HC_ERR_NO_TLS: return "https URL but no TLS transport";
    case HC_ERR_DNS: return "host name did not resolve";
    case HC_ERR_CONNECT: return "connection refused or failed";
    case HC_ERR_TLS: return "TLS handshake failed";
    case HC_ERR_TLS_VERIFY: return "server certificate did not verify";
    case HC_ERR_TIMEOUT: return "timed out";
    case HC_ERR_IO: return "network error";
    case HC_ERR_CLOSED: return "connection closed before a response";
    case HC_ERR_HTTP_STATUS_LINE: return "malformed HTTP status line";
    case HC_ERR_HTTP_HEADER: return "malformed HTTP header";
    case HC_ERR_HTTP_HEADER_TOO_LONG: return "HTTP header line or count over the limit";
    case HC_ERR_HTTP_CONTENT_LENGTH: return "invalid or conflicting Content-Length";
    case HC_ERR_HTTP_CHUNK: return "malformed chunked encoding";
    case HC_ERR_HTTP_TRUNCATED: return "response cut short";
    case HC_ERR_HTTP_TRAILING_DATA: return "unexpected bytes after the response";
    case HC_ERR_BODY_TOO_LARGE: return "response body larger than allowed";
    case HC_ERR_BAD_REQUEST: return "server rejected the request (400)";
    case HC_ERR_UNAUTHORIZED: return "missing, wrong or read-only API key (401)";
    case HC_ERR_FORBIDDEN: return "forbidden (403)";
    case HC_ERR_NOT_FOUND: return "check not found";
    case HC_ERR_CONFLICT: return "conflict (409)";
    case HC_ERR_PAYLOAD_TOO_LARGE: return "request body too large (413)";
    case HC_ERR_RATE_LIMITED: return "rate limited";
    case HC_ERR_SERVER: return "server error (5xx)";
    case HC_ERR_HTTP_STATUS: return "unexpected HTTP status";
    case HC_ERR_JSON: return "malformed or unexpected JSON";
    case HC_ERR_JSON_TOO_LARGE: return "JSON element too large for the buffers";
    case HC_ERR_IMAGE_SPACE: return "buffer too small for the outbox image";
    case HC_ERR_IMAGE_FOREIGN: return "not an outbox image";
    case HC_ERR_IMAGE_VERSION: return "outbox image of another format version";
    case HC_ERR_IMAGE_CONFIG: return "outbox image saved with other configured sizes";
    case HC_ERR_IMAGE_TRUNCATED: return "outbox image cut short";
    case HC_ERR_IMAGE_CORRUPT: return "outbox image damaged (checksum or content)";
    case HC_ERR_IMAGE_CAPACITY: return "outbox image has more entries than the outbox has slots";
    case HC_ERR_SESSION_NONE: return "no TLS session to save";
    case HC_ERR_SESSION_SPACE: return "buffer too small for the TLS session";
    case HC_ERR_SESSION_FOREIGN: return "not a saved TLS session";
    case HC_ERR_SESSION_INVALID: return "saved TLS session damaged or of another build";
    case HC_ERR_SESSION_OTHER_SERVER: return "saved TLS session is for another server";
    case HC_ERR_SESSION_EXPIRED: return "saved TLS session expired";
    case HC_ERR_HEADER_RESERVED: return "header reserved by the library (Host, Content-Length, ...)";
    case HC_ERR__COUNT: break;
    }
    return "unknown error";
}
