/*
 * text.c - untrusted strings (names, values, what came from the command
 * line or from clusterd) written for a terminal.  Written raw, a name
 * holding ESC [ 2 J clears the screen, ESC ] sets the window title, a
 * newline forges a line of output: so every byte a terminal could act on
 * is shown as an escape instead, and the rest (valid, printable UTF-8)
 * is copied as is.  JSON has its own escapes (json_write_string).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "cli.h"

#include <string.h>

size_t cli_utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		len = 2;
		c = s[0] & 0x1F;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		len = 3;
		c = s[0] & 0x0F;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
	    (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

/* Code points that are valid but act on the terminal or reorder the text:
 * C1 controls (U+009B is CSI), line and paragraph separators, bidi
 * embeddings, overrides and isolates. */
static int is_format_control(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9F) || cp == 0x200E || cp == 0x200F ||
	       (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Write (f not NULL) or only measure s escaped; the columns it takes. */
static size_t escape(FILE *f, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, cols = 0;
	char buf[16];

	while (i < n) {
		const char *e = buf;
		uint32_t cp = 0;
		size_t len = cli_utf8_seq(s + i, n - i, &cp);

		if (len == 0 || cp < 0x20 || cp == 0x7F) {
			len = 1;
			switch (s[i]) {
			case '\n': e = "\\n"; break;
			case '\r': e = "\\r"; break;
			case '\t': e = "\\t"; break;
			default: snprintf(buf, sizeof(buf), "\\x%02x", s[i]); break;
			}
		} else if (cp == '\\') {
			e = "\\\\";
		} else if (is_format_control(cp)) {
			snprintf(buf, sizeof(buf), "\\u%04x", (unsigned)cp);
		} else {
			e = NULL;
		}
		if (e) {
			if (f)
				fputs(e, f);
			cols += strlen(e);
		} else {
			if (f)
				fwrite(s + i, 1, len, f);
			cols++;
		}
		i += len;
	}
	return cols;
}

size_t cli_text_write(FILE *f, const char *s, size_t n)
{
	return escape(f, s, n);
}

size_t cli_text_width(const char *s, size_t n)
{
	return escape(NULL, s, n);
}

void cli_text_puts(FILE *f, const char *s)
{
	escape(f, s, strlen(s));
}

void cli_text_pad(FILE *f, const char *s, size_t width)
{
	for (size_t cols = escape(f, s, strlen(s)); cols < width; cols++)
		fputc(' ', f);
}
