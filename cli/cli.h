/*
 * cli.h - the parts of the `cluster` command that are not main(): the
 * command itself (cli_main), JSON output, --priv parsing, decoding of
 * control outputs and of the status.
 * They use only the public libclusapi API (and allocate through
 * cluster_alloc/cluster_free), so the unit tests can link them as they are.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CLI_H
#define CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <clusapi/clusapi.h>

/* ---- cluster.c: the command ---- */

/*
 * cli_main - the `cluster` command on argv (argv[0] is its name): writes to
 * stdout and stderr and returns the exit status (see cluster(8)).  It keeps
 * no state between calls.
 */
int cli_main(int argc, char **argv);

/* ---- num.c: numbers on the command line ---- */

enum cli_num {
	CLI_NUM_OK = 0,
	CLI_NUM_MALFORMED,         /* empty, or not the syntax below */
	CLI_NUM_RANGE,             /* above the maximum (or below the minimum) */
	CLI_NUM_ROUNDS_TO_ZERO,    /* a duration not 0 but under half a millisecond */
};

/*
 * cli_parse_uint - s as an unsigned integer of at most max: decimal digits
 * (a leading zero does not make it octal) or 0x/0X and hex digits, and
 * nothing else (no sign, no space).  *ret is set only on CLI_NUM_OK.
 */
enum cli_num cli_parse_uint(const char *s, uint64_t max, uint64_t *ret);

/* cli_parse_int - an optional '-', then as cli_parse_uint; min to max. */
enum cli_num cli_parse_int(const char *s, int64_t min, int64_t max, int64_t *ret);

/*
 * cli_parse_seconds - a duration: decimal digits with an optional fraction
 * ("2", "2.5", ".25"; at least one digit, no sign, no exponent), rounded to
 * the nearest millisecond, at most max_ms.  A value that is not 0 but
 * rounds to 0 is CLI_NUM_ROUNDS_TO_ZERO: where 0 means "for ever" or "no
 * wait", taking it as 0 would do the opposite of what was asked.
 */
enum cli_num cli_parse_seconds(const char *s, uint32_t max_ms, uint32_t *ret_ms);

/* ---- text.c: untrusted strings for a terminal ---- */

/*
 * cli_text_write - s (n bytes) for a terminal, escaped so that nothing in it
 * acts on the terminal: backslash as \\, newline, CR and tab as \n, \r,
 * \t, other control characters, DEL and each byte of invalid UTF-8 as
 * \xHH (ESC is \x1b), and C1 controls, U+2028/U+2029 and the bidi
 * controls (U+200E/F, U+202A-E, U+2066-9) as \uXXXX; other UTF-8 as is.
 * Returns the columns written (a character, or an escape's length).
 */
size_t cli_text_write(FILE *f, const char *s, size_t n);
size_t cli_text_width(const char *s, size_t n);       /* the columns, writing nothing */
void cli_text_puts(FILE *f, const char *s);
void cli_text_pad(FILE *f, const char *s, size_t width); /* then spaces up to width */

/* Length of the valid UTF-8 sequence at s (n > 0 bytes left), its code
 * point in *cp; 0 if the bytes there are not valid UTF-8. */
size_t cli_utf8_seq(const unsigned char *s, size_t n, uint32_t *cp);

/* ---- json.c: a small streaming JSON writer (pretty, 2-space indent) ---- */

#define JW_MAX_DEPTH 32

struct jw {
	FILE *f;
	int depth;
	int after_key;
	unsigned count[JW_MAX_DEPTH];
};

void jw_init(struct jw *w, FILE *f);
void jw_obj_begin(struct jw *w);
void jw_obj_end(struct jw *w);
void jw_arr_begin(struct jw *w);
void jw_arr_end(struct jw *w);
void jw_key(struct jw *w, const char *key);
void jw_str(struct jw *w, const char *s);            /* NULL writes null */
void jw_str_n(struct jw *w, const char *s, size_t n);
void jw_u64(struct jw *w, uint64_t v);
void jw_i64(struct jw *w, int64_t v);
void jw_bool(struct jw *w, int v);
void jw_null(struct jw *w);
void jw_hex(struct jw *w, const void *data, size_t n); /* a string of hex digits */
void jw_finish(struct jw *w);                         /* the final newline */

/*
 * json_write_string - s (n bytes) as a JSON string with its quotes: '"',
 * '\\' and control characters escaped (\n, \t, ..., else \u00XX; also DEL),
 * U+2028/U+2029 escaped, other valid UTF-8 copied as is, and each byte of
 * an invalid UTF-8 sequence written as \ufffd.
 */
void json_write_string(FILE *f, const char *s, size_t n);

/* ---- priv.c: --priv KEY[:TYPE]=VALUE ---- */

enum cli_priv_kind {
	CLI_PRIV_SZ = 1,
	CLI_PRIV_EXPAND_SZ,
	CLI_PRIV_DWORD,
	CLI_PRIV_LONG,
	CLI_PRIV_ULARGE,
	CLI_PRIV_MULTI_SZ,
	CLI_PRIV_BINARY,
};

struct cli_priv {
	char *key;                 /* cluster_alloc'ed */
	enum cli_priv_kind kind;
	const char *value;         /* points into the argument */
	uint64_t num;              /* DWORD, ULARGE */
	int64_t snum;              /* LONG */
};

/*
 * cli_priv_parse - one argument: KEY=VALUE (a DWORD if VALUE is a decimal
 * number of at most 4294967295, else an SZ), or KEY:TYPE=VALUE with TYPE one
 * of sz, expand_sz, dword, long, ularge, multi_sz (values separated by
 * commas), binary (hex digits).  0 on success (*out filled; free with
 * cli_priv_clear), -1 with a message in err.
 */
int cli_priv_parse(const char *arg, struct cli_priv *out, char *err, size_t errlen);
void cli_priv_clear(struct cli_priv *p);

/* Append one parsed property to a property-list builder. */
uint32_t cli_priv_append(clusprop_builder *b, const struct cli_priv *p);

/*
 * cli_priv_build - a whole property list from n arguments (a key given twice
 * is an error).  0 with *ret_buf (free with clusprop_free) and *ret_size, or
 * -1 with a message in err.
 */
int cli_priv_build(const char *const *args, size_t n, void **ret_buf, size_t *ret_size,
		   char *err, size_t errlen);

/*
 * cli_props_check - PROPERTY=VALUE arguments: each has a name and '=', and
 * no name is given twice.  0, or -1 with a message in err.
 */
int cli_props_check(const char *const *args, size_t n, char *err, size_t errlen);

/*
 * cli_props_build - the SET_COMMON_PROPERTIES input for PROPERTY=VALUE
 * arguments, each value in the format the object's GET_COMMON_PROPERTIES
 * output (cur, cur_len) shows for it: a DWORD is decimal, 0x hex, or -1
 * (0xFFFFFFFF); a string is VALUE as it is (empty: the default).  A name
 * the object does not list is sent as --priv would send it (a DWORD if
 * VALUE is a decimal number, else a string), for clusterd to refuse by
 * name.  0 with *ret_buf (clusprop_free) and *ret_size, or -1 with a
 * message in err.
 */
int cli_props_build(const char *const *args, size_t n, const void *cur, size_t cur_len,
		    void **ret_buf, size_t *ret_size, char *err, size_t errlen);

/* ---- decode.c: control outputs ---- */

enum cli_fmt {
	CLI_FMT_TEXT = 1,
	CLI_FMT_JSON = 2,
};

/* What a control code's output is, as far as this tool knows. */
enum cli_shape {
	CLI_SHAPE_UNKNOWN = 0,   /* try property list, then value list, else hex */
	CLI_SHAPE_DWORD,
	CLI_SHAPE_SZ,
	CLI_SHAPE_MULTI_SZ,
	CLI_SHAPE_CLASS_INFO,
	CLI_SHAPE_PROPERTY_LIST,
	CLI_SHAPE_VALUE_LIST,
};

enum cli_shape cli_control_shape(uint32_t code);

/* Print a control's output (len bytes) decoded as text or JSON. */
void cli_print_control_output(FILE *f, uint32_t code, const void *buf, size_t len,
			      enum cli_fmt fmt);

/*
 * cli_print_property - the value of one property of a property list (len
 * bytes): text: a number in decimal, a string escaped, one line; JSON: a
 * number or string.  0 if printed, 1 if the list has no such property, -1
 * if buf is not a property list.
 */
int cli_print_property(FILE *f, const void *buf, size_t len, const char *name,
		       enum cli_fmt fmt);

/* ---- show.c: the status and lists of names ---- */

void cli_print_status(FILE *f, const cluster_status *s, enum cli_fmt fmt);

/* Names one per line (escaped), or as a JSON array. */
void cli_print_names(FILE *f, char *const *names, size_t n, enum cli_fmt fmt);

#endif /* CLI_H */
