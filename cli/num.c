/*
 * num.c - the numbers the `cluster` command takes: counts and values
 * (decimal or 0x hex, never octal) and durations in seconds.  strtoull()
 * is not used: it skips leading white space, takes a sign, and with base 0
 * reads a leading zero as octal, all of which let a mangled argument pass
 * as some other number.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "cli.h"

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

enum cli_num cli_parse_uint(const char *s, uint64_t max, uint64_t *ret)
{
	unsigned base = 10;
	uint64_t v = 0;
	int big = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return CLI_NUM_MALFORMED;
	for (; *s; s++) {
		int d = hex_digit(*s);

		if (d < 0 || (unsigned)d >= base)
			return CLI_NUM_MALFORMED;
		/* Past max, keep reading: trailing garbage is still malformed. */
		if (!big && ((uint64_t)d > max || v > (max - (uint64_t)d) / base))
			big = 1;
		if (!big)
			v = v * base + (uint64_t)d;
	}
	if (big)
		return CLI_NUM_RANGE;
	*ret = v;
	return CLI_NUM_OK;
}

enum cli_num cli_parse_int(const char *s, int64_t min, int64_t max, int64_t *ret)
{
	uint64_t mag;
	enum cli_num e;

	if (s[0] == '-') {
		e = cli_parse_uint(s + 1, min < 0 ? (uint64_t)-(min + 1) + 1 : 0, &mag);
		if (e != CLI_NUM_OK)
			return e;
		*ret = mag ? -(int64_t)(mag - 1) - 1 : 0;
		return CLI_NUM_OK;
	}
	e = cli_parse_uint(s, max < 0 ? 0 : (uint64_t)max, &mag);
	if (e != CLI_NUM_OK)
		return e;
	if (max < 0 || (min > 0 && mag < (uint64_t)min))
		return CLI_NUM_RANGE;
	*ret = (int64_t)mag;
	return CLI_NUM_OK;
}

enum cli_num cli_parse_seconds(const char *s, uint32_t max_ms, uint32_t *ret_ms)
{
	uint64_t whole = 0, ms;
	unsigned frac = 0, nfrac = 0, digits = 0;
	int nonzero = 0, round_up = 0, big = 0;

	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		nonzero |= *s != '0';
		if (whole <= max_ms / 1000u)
			whole = whole * 10 + (uint64_t)(*s - '0');
		else
			big = 1;
	}
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, digits++, nfrac++) {
			nonzero |= *s != '0';
			if (nfrac < 3)
				frac = frac * 10 + (unsigned)(*s - '0');
			else if (nfrac == 3)
				round_up = *s >= '5';   /* to the nearest millisecond */
		}
	}
	if (*s || digits == 0)
		return CLI_NUM_MALFORMED;
	for (; nfrac < 3; nfrac++)
		frac *= 10;
	ms = whole * 1000u + frac + (unsigned)round_up;
	if (big || ms > max_ms)
		return CLI_NUM_RANGE;
	if (ms == 0 && nonzero)
		return CLI_NUM_ROUNDS_TO_ZERO;
	*ret_ms = (uint32_t)ms;
	return CLI_NUM_OK;
}
