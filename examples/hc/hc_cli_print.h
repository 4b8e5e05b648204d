/* What each management subcommand prints of the objects a server sent: the
 * field tables, table columns and row printers of checks, pings, flips,
 * channels and badges, and the sink that writes a ping body to stdout.
 * Output only (hc_cli_out.h does the formatting); no connection, so a fuzz
 * target can feed these any object. */
#ifndef HC_CLI_PRINT_H
#define HC_CLI_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "healthchecks/hc_objects.h"
#include "hc_cli_out.h"

/* ------------------------------------------------------------------ checks */

/** A check with its field table, for cli_out_object(). */
cli_obj_t cli_check_obj(const hc_check_t *c);

/** "<what> check 'name' (id)" on @p f, the server's strings made safe; no
 *  line end. The id is the uuid, or the unique_key a read-only key gives. */
void cli_print_check_line(FILE *f, const char *what, const hc_check_t *c);

/** Every server sends a check's name, status and identifier: a check
 *  without one is a malformed response, not a check to print.
 *  @return the field missing, or NULL. */
const char *cli_check_missing(const hc_check_t *c);

/** The output of hc checks list: a table (name, slug, status, last ping,
 *  id) or JSON. */
cli_out_t cli_checks_out(bool json);

/** hc_list_t::each of hc checks list: prints one check into the
 *  cli_out_t @p ctx; a check without a required field stops the list
 *  (HC_ERR_JSON, with cli_out_t::missing naming the field). */
hc_err_t cli_print_check_row(void *ctx, const void *item);

/* ------------------------------------------------------------------- pings */

/** The output of hc pings: number, type, date, method, address, duration. */
cli_out_t cli_pings_out(bool json);

/** hc_list_t::each of hc pings: prints one hc_received_ping_t. */
hc_err_t cli_print_ping_row(void *ctx, const void *item);

/* --------------------------------------------------------------- ping-body */

/** Where a ping body goes: stdout, up to a bound; on a terminal, made safe
 *  (control characters but LF and TAB escaped, bytes that are not UTF-8
 *  shown as U+FFFD), elsewhere byte for byte. */
typedef struct cli_body_out {
    int64_t max, written;
    bool cut;              /**< the body went on past max */
    bool terminal;         /**< stdout is a terminal */
    char carry[4];         /**< the start of a character cut between chunks */
    size_t n_carry;
} cli_body_out_t;

/** hc_bytes_t::each of hc ping-body: writes the piece to stdout, up to
 *  @c max bytes in all. @return HC_OK; HC_ERR_BODY_TOO_LARGE once the body
 *  went past @c max (the transfer stops; @c cut is set); HC_ERR_IO when
 *  stdout failed. */
hc_err_t cli_write_body(void *ctx, const uint8_t *data, size_t len);

/** After the last piece: writes a character the body ended inside. */
void cli_body_end(cli_body_out_t *b);

/* ------------------------------------------------------------------- flips */

/** The output of hc flips: timestamp and status. */
cli_out_t cli_flips_out(bool json);

/** hc_list_t::each of hc flips: prints one hc_flip_t. */
hc_err_t cli_print_flip_row(void *ctx, const void *item);

/* ---------------------------------------------------------------- channels */

/** The output of hc channels: id, name, kind. */
cli_out_t cli_channels_out(bool json);

/** hc_list_t::each of hc channels: prints one hc_channel_t. */
hc_err_t cli_print_channel_row(void *ctx, const void *item);

/* ------------------------------------------------------------------ badges */

/** The output of hc badges: tag and SVG URL (every URL with --json). */
cli_out_t cli_badges_out(bool json);

/** hc_list_t::each of hc badges: prints one hc_badge_t. */
hc_err_t cli_print_badge_row(void *ctx, const void *item);

#endif /* HC_CLI_PRINT_H */
