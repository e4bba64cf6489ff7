/*
 * wire.c - see wire.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "wire.h"

#include <clusapi/errors.h>

#include "cs_bytes.h"

void wire_encode_hdr(uint8_t *out, const struct wire_hdr *h)
{
	cs_put_le32(out, WIRE_MAGIC);
	cs_put_le16(out + 4, h->type);
	cs_put_le16(out + 6, h->op);
	cs_put_le32(out + 8, h->from);
	cs_put_le32(out + 12, h->dest);
	cs_put_le32(out + 16, h->req_id);
	cs_put_le32(out + 20, h->status);
	cs_put_le32(out + 24, h->len);
	cs_put_le32(out + 28, h->version);
}

uint32_t wire_decode(const void *msg, size_t msg_len, struct wire_hdr *h,
		     const uint8_t **ret_payload)
{
	const uint8_t *p = msg;
	uint32_t len;

	if (!p || msg_len < WIRE_HEADER || cs_le32(p) != WIRE_MAGIC)
		return ERROR_INVALID_DATA;
	len = cs_le32(p + 24);
	if (len > WIRE_MAX_PAYLOAD || len != msg_len - WIRE_HEADER)
		return ERROR_INVALID_DATA;
	h->type = cs_le16(p + 4);
	h->op = cs_le16(p + 6);
	h->from = cs_le32(p + 8);
	h->dest = cs_le32(p + 12);
	h->req_id = cs_le32(p + 16);
	h->status = cs_le32(p + 20);
	h->len = len;
	h->version = cs_le32(p + 28) ? cs_le32(p + 28) : 1u;
	*ret_payload = p + WIRE_HEADER;
	return ERROR_SUCCESS;
}

void wire_encode_state(uint8_t out[WIRE_STATE_SIZE], const struct wire_state *st)
{
	cs_put_le64(out, st->version);
	cs_put_le32(out + 8, st->flags);
	cs_put_le64(out + 12, st->epoch);
}

uint32_t wire_decode_state(const uint8_t *p, size_t len, struct wire_state *ret)
{
	if (!p || len != WIRE_STATE_SIZE)
		return ERROR_INVALID_DATA;
	ret->version = cs_le64(p);
	ret->flags = cs_le32(p + 8);
	ret->epoch = cs_le64(p + 12);
	return ERROR_SUCCESS;
}
