/*
 * cs_bytes.h - little-endian loads and stores at any alignment.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CS_BYTES_H
#define CS_BYTES_H

#include <stddef.h>
#include <stdint.h>

static inline uint16_t cs_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t cs_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static inline uint64_t cs_le64(const uint8_t *p)
{
	return (uint64_t)cs_le32(p) | ((uint64_t)cs_le32(p + 4) << 32);
}

static inline void cs_put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void cs_put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void cs_put_le64(uint8_t *p, uint64_t v)
{
	cs_put_le32(p, (uint32_t)v);
	cs_put_le32(p + 4, (uint32_t)(v >> 32));
}

/* n rounded up to a multiple of 4 (n must be below SIZE_MAX - 3). */
static inline size_t cs_pad4(size_t n)
{
	return (n + 3u) & ~(size_t)3u;
}

#endif /* CS_BYTES_H */
