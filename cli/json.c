/*
 * json.c - a small streaming JSON writer for the `cluster` command.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "cli.h"

#include <inttypes.h>
#include <string.h>

void json_write_string(FILE *f, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	fputc('"', f);
	while (i < n) {
		unsigned char c = s[i];
		uint32_t cp;
		size_t len;

		switch (c) {
		case '"': fputs("\\\"", f); i++; continue;
		case '\\': fputs("\\\\", f); i++; continue;
		case '\b': fputs("\\b", f); i++; continue;
		case '\f': fputs("\\f", f); i++; continue;
		case '\n': fputs("\\n", f); i++; continue;
		case '\r': fputs("\\r", f); i++; continue;
		case '\t': fputs("\\t", f); i++; continue;
		default: break;
		}
		if (c < 0x20 || c == 0x7F) {
			fprintf(f, "\\u%04x", c);
			i++;
			continue;
		}
		len = cli_utf8_seq(s + i, n - i, &cp);
		if (len == 0) {
			fputs("\\ufffd", f);
			i++;
			continue;
		}
		if (cp == 0x2028 || cp == 0x2029)
			fprintf(f, "\\u%04" PRIx32, cp);
		else
			fwrite(s + i, 1, len, f);
		i += len;
	}
	fputc('"', f);
}

void jw_init(struct jw *w, FILE *f)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
}

static void indent(struct jw *w)
{
	fputc('\n', w->f);
	for (int i = 0; i < w->depth; i++)
		fputs("  ", w->f);
}

/* Before any value: the comma and line break its position needs. */
static void before_value(struct jw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->depth > 0) {
		if (w->count[w->depth - 1]++ > 0)
			fputc(',', w->f);
		indent(w);
	}
}

static void open_(struct jw *w, char c)
{
	before_value(w);
	fputc(c, w->f);
	if (w->depth < JW_MAX_DEPTH) {
		w->count[w->depth] = 0;
		w->depth++;
	}
}

static void close_(struct jw *w, char c)
{
	unsigned n = 0;

	if (w->depth > 0) {
		w->depth--;
		n = w->count[w->depth];
	}
	if (n > 0)
		indent(w);
	fputc(c, w->f);
}

void jw_obj_begin(struct jw *w) { open_(w, '{'); }
void jw_obj_end(struct jw *w) { close_(w, '}'); }
void jw_arr_begin(struct jw *w) { open_(w, '['); }
void jw_arr_end(struct jw *w) { close_(w, ']'); }

void jw_key(struct jw *w, const char *key)
{
	before_value(w);
	json_write_string(w->f, key, strlen(key));
	fputs(": ", w->f);
	w->after_key = 1;
}

void jw_str_n(struct jw *w, const char *s, size_t n)
{
	before_value(w);
	json_write_string(w->f, s, n);
}

void jw_str(struct jw *w, const char *s)
{
	if (!s) {
		jw_null(w);
		return;
	}
	jw_str_n(w, s, strlen(s));
}

void jw_u64(struct jw *w, uint64_t v)
{
	before_value(w);
	fprintf(w->f, "%" PRIu64, v);
}

void jw_i64(struct jw *w, int64_t v)
{
	before_value(w);
	fprintf(w->f, "%" PRId64, v);
}

void jw_bool(struct jw *w, int v)
{
	before_value(w);
	fputs(v ? "true" : "false", w->f);
}

void jw_null(struct jw *w)
{
	before_value(w);
	fputs("null", w->f);
}

void jw_hex(struct jw *w, const void *data, size_t n)
{
	const unsigned char *p = data;

	before_value(w);
	fputc('"', w->f);
	for (size_t i = 0; i < n; i++)
		fprintf(w->f, "%02x", p[i]);
	fputc('"', w->f);
}

void jw_finish(struct jw *w)
{
	fputc('\n', w->f);
}
