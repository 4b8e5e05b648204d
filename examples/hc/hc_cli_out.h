/* Output of the management subcommands: objects as aligned tables, as
 * "field: value" lines or as JSON, and the server's error text. Every
 * string a server sent goes through hc_cli_text.h first, so no byte of it
 * reaches a terminal raw; this module opens no connection, so a fuzz target
 * can drive it with any object. */
#ifndef HC_CLI_OUT_H
#define HC_CLI_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "healthchecks/hc_objects.h"

/** How a field of a decoded object is stored and printed. */
typedef enum cli_ftype {
    CLI_F_STR,       /**< char[] */
    CLI_F_U32,       /**< uint32_t */
    CLI_F_BOOL,      /**< bool */
    CLI_F_TIME,      /**< int64_t UNIX seconds, printed as ISO 8601 UTC */
    CLI_F_TIME_US,   /**< CLI_F_TIME with its uint32_t microseconds right after;
                          --json prints them as the server does */
    CLI_F_STATUS,    /**< hc_check_status_t */
    CLI_F_PING_TYPE, /**< hc_ping_type_t */
    CLI_F_US,        /**< uint64_t microseconds, printed as seconds (to the
                          millisecond in tables, all of it in --json) */
    CLI_F_UP         /**< bool, printed as 1/0 in JSON (as the server does) */
} cli_ftype_t;

/** One field of a decoded object: its JSON name, bit in the masks, type
 *  and offset in the struct. */
typedef struct cli_field {
    const char *name;
    unsigned bit;
    cli_ftype_t type;
    size_t off;
} cli_field_t;

/** A decoded object with its field table and masks widened to 64 bits. */
typedef struct cli_obj {
    const cli_field_t *fields;
    size_t n_fields;
    const void *obj;
    uint64_t present, nulls, truncated;
} cli_obj_t;

/** A table column: heading and width in characters (0: the last column,
 *  not padded). */
typedef struct cli_col {
    const char *title;
    int width;
} cli_col_t;

/** Output state of one command: a table printed row by row, or JSON. */
typedef struct cli_out {
    bool json;
    const cli_col_t *cols;
    size_t n_cols;
    size_t items;       /**< items printed so far */
    unsigned cut;       /**< values this build of hc had to cut */
    const char *missing;  /**< set by a row printer that stopped the list at an
                               item without this required field */
} cli_out_t;

/** Print one list item: JSON object, or a table row from @p cells (the
 *  cell of column k is cut and marked when bit k of @p cut_cells is set). */
void cli_out_item(cli_out_t *o, const cli_obj_t *obj, const char *const *cells,
                  uint32_t cut_cells);

/** After a list that arrived whole: close the JSON array, or print the
 *  heading of an empty table; warn on stderr about cut values. */
void cli_out_end(cli_out_t *o);

/** Print one object: one JSON object, or "field: value" lines. */
void cli_out_object(cli_out_t *o, const cli_obj_t *obj);

/** Format UNIX seconds as "YYYY-MM-DDTHH:MM:SSZ" into @p buf (>= 32 bytes). */
const char *cli_time(int64_t t, char *buf, size_t cap);

/** Format microseconds as "S.mmm s" (to the millisecond) into @p buf. */
const char *cli_duration(uint64_t us, char *buf, size_t cap);

/** The API's name of a check status ("up", "paused", ...). */
const char *cli_status_name(hc_check_status_t s);

/** The API's name of a ping type ("success", "ign", ...). */
const char *cli_ping_type_name(hc_ping_type_t t);

/** ": \"<text>\"" on @p f, the server's error text on one line and made
 *  safe; nothing for an empty text or an HTML page (which says nothing
 *  the status does not). */
void cli_put_server_text(FILE *f, const char *text);

#endif /* HC_CLI_OUT_H */
