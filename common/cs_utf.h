/*
 * cs_utf.h - the two halves of each UTF conversion, for code that measures
 * first and writes later (the property-list builder and iterator).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CS_UTF_H
#define CS_UTF_H

#include <stddef.h>
#include <stdint.h>

/* Validate UTF-8; the UTF-16LE size it converts to. ERROR_NO_UNICODE_TRANSLATION if invalid. */
uint32_t cs_utf8_check(const char *in, size_t len, size_t *ret_utf16_bytes);
/* Convert UTF-8 already passed by cs_utf8_check() into out (exactly that size). */
void cs_utf8_write_utf16le(const char *in, size_t len, uint8_t *out);

/* Validate UTF-16LE; the UTF-8 size it converts to (ret may be NULL).
 * ERROR_INVALID_DATA for an odd size, ERROR_NO_UNICODE_TRANSLATION for a lone surrogate. */
uint32_t cs_utf16le_check(const void *in, size_t in_bytes, size_t *ret_utf8_bytes);
/* Convert UTF-16LE already passed by cs_utf16le_check() into out. */
void cs_utf16le_write_utf8(const void *in, size_t in_bytes, char *out);

#endif /* CS_UTF_H */
