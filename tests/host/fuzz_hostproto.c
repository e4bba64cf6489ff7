/*
 * fuzz_hostproto.c - the resource-host wire protocol against arbitrary bytes:
 * record reassembly (hostproto_rx_feed) and every payload decoder.  No input
 * may crash, read out of bounds, or leak.
 *
 * Built two ways:
 *   - with -Dfuzz=true (clang): a libFuzzer target, fuzz_hostproto.
 *   - always: a standalone program (test 'hostproto-fuzz-smoke', suite 'host')
 *     that runs the same function over pseudo-random inputs and mutations of
 *     valid messages.
 *
 * Input layout: byte 0 = number of records (1..8); then per record a
 * 2-byte length (capped) followed by its bytes, until the input runs out.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <clusapi/proplist.h>

#include "cs_alloc.h"
#include "cs_bytes.h"
#include "hostproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long messages_decoded;

static void decode_all(const struct hostproto_hdr *h, const uint8_t *p)
{
	size_t len = h->payload_len;
	struct hostproto_open_view o;
	struct hostproto_control_view c;
	struct hostproto_complete_view cv;
	struct hostproto_log_view lv;
	uint32_t a, b;
	volatile uint32_t sink = 0;

	messages_decoded++;
	if (hostproto_decode_open(p, len, &o) == ERROR_SUCCESS) {
		/* every view lies inside the payload */
		if (o.type < (const char *)p || o.type + o.type_len > (const char *)p + len ||
		    o.name + o.name_len > (const char *)p + len)
			abort();
		if (o.props_len)
			sink += clusprop_validate_property_list(o.props, o.props_len, NULL);
		char file[HOSTPROTO_MAX_TYPE_NAME + 4];
		if (!hostproto_type_file_name(o.type, o.type_len, file, sizeof(file)))
			abort(); /* decode_open accepted the name */
		if (strchr(file, '/'))
			abort();
	}
	if (hostproto_decode_set_poll(p, len, &a, &b) == ERROR_SUCCESS)
		sink += a + b;
	for (uint16_t t = HOSTPROTO_CONTROL; t <= HOSTPROTO_TYPE_CONTROL; t++) {
		if (hostproto_decode_control(t, p, len, &c) == ERROR_SUCCESS) {
			if (c.in_len && c.in + c.in_len > p + len)
				abort();
			if (c.out_size > HOSTPROTO_MAX_CTL_OUT)
				abort();
		}
	}
	if (hostproto_decode_complete(p, len, &cv) == ERROR_SUCCESS && cv.out_len &&
	    cv.out + cv.out_len > p + len)
		abort();
	if (hostproto_decode_log(p, len, &lv) == ERROR_SUCCESS && lv.text + lv.text_len >
								       (const char *)p + len)
		abort();
	if (hostproto_decode_failed(p, len, &a) == ERROR_SUCCESS)
		sink += a;
	(void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hostproto_rx rx;
	memset(&rx, 0, sizeof(rx));
	if (size < 1)
		return 0;
	unsigned nrec = 1 + data[0] % 8;
	size_t off = 1;
	for (unsigned i = 0; i < nrec && off + 2 <= size; i++) {
		size_t len = cs_le16(data + off) % 4096u;
		off += 2;
		if (len > size - off)
			len = size - off;
		bool done = false;
		uint32_t err = hostproto_rx_feed(&rx, data + off, len, &done);
		off += len;
		if (err != ERROR_SUCCESS)
			break; /* the stream is dead: a real reader closes it */
		if (done) {
			struct hostproto_hdr h = rx.hdr;
			bool dropped = rx.dropped;
			uint8_t *payload = hostproto_rx_take(&rx);
			if (!dropped && (h.payload_len == 0 || payload))
				decode_all(&h, payload);
			cs_free(payload);
		}
	}
	hostproto_rx_reset(&rx);
	return 0;
}

#ifndef CS_LIBFUZZER
/* Standalone smoke driver. */
static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

/* An input holding one valid message of a random type, split in records. */
static size_t make_valid(uint8_t *buf, size_t cap)
{
	uint8_t payload[600];
	size_t plen = 0;
	uint16_t type = (uint16_t)(1 + rnd() % HOSTPROTO_REQUEST_MAX_);
	switch (rnd() % 4) {
	case 0: /* OPEN */
		type = HOSTPROTO_OPEN;
		cs_put_le32(payload, 5);
		cs_put_le32(payload + 4, 3);
		cs_put_le32(payload + 8, 0);
		memset(payload + 12, 0, 12);
		memcpy(payload + 24, "Dummyabc", 8);
		plen = 32;
		break;
	case 1: /* CONTROL with input */
		type = HOSTPROTO_CONTROL;
		cs_put_le32(payload, 0x01000081);
		cs_put_le32(payload + 4, 100);
		cs_put_le32(payload + 8, 4096);
		cs_put_le32(payload + 12, 0);
		memset(payload + 16, 0xab, 100);
		plen = 116;
		break;
	case 2: /* COMPLETE with output */
		type = HOSTPROTO_COMPLETE;
		cs_put_le32(payload, HOSTPROTO_CONTROL);
		cs_put_le32(payload + 4, 40);
		cs_put_le32(payload + 8, 40);
		cs_put_le32(payload + 12, 0);
		memset(payload + 16, 1, 40);
		plen = 56;
		break;
	default: /* LOG */
		type = HOSTPROTO_LOG;
		cs_put_le32(payload, 6);
		cs_put_le32(payload + 4, 11);
		memcpy(payload + 8, "hello world", 11);
		plen = 19;
		break;
	}
	struct hostproto_part part = { payload, plen };
	size_t mlen = 0;
	uint8_t *m = hostproto_msg_new(type, rnd(), rnd(), 0, &part, 1, &mlen);
	if (!m)
		abort();
	/* split into up to 3 records */
	size_t n = 0, off = 0;
	unsigned nrec = 1 + rnd() % 3;
	buf[n++] = (uint8_t)(nrec - 1);
	for (unsigned i = 0; i < nrec && n + 2 < cap; i++) {
		size_t left = mlen - off;
		size_t len = i + 1 == nrec ? left : (left ? rnd() % (left + 1) : 0);
		if (i == 0 && len < HOSTPROTO_HDR_SIZE && left >= HOSTPROTO_HDR_SIZE)
			len = HOSTPROTO_HDR_SIZE;
		if (len > cap - n - 2)
			len = cap - n - 2;
		cs_put_le16(buf + n, (uint16_t)len);
		n += 2;
		memcpy(buf + n, m + off, len);
		n += len;
		off += len;
	}
	cs_free(m);
	return n;
}

int main(int argc, char **argv)
{
	long rounds = argc > 1 ? strtol(argv[1], NULL, 10) : 200000;
	uint8_t buf[2048];
	int64_t live0 = cs_alloc_live();
	for (long r = 0; r < rounds; r++) {
		size_t n;
		if (r % 2) {
			n = make_valid(buf, sizeof(buf));
			/* flip a few bytes */
			unsigned flips = rnd() % 4;
			for (unsigned i = 0; i < flips && n > 1; i++)
				buf[1 + rnd() % (n - 1)] ^= (uint8_t)(1u << (rnd() % 8));
		} else {
			n = rnd() % sizeof(buf);
			for (size_t i = 0; i < n; i++)
				buf[i] = (uint8_t)rnd();
		}
		LLVMFuzzerTestOneInput(buf, n);
	}
	if (cs_alloc_live() != live0) {
		fprintf(stderr, "leak: %lld blocks\n", (long long)(cs_alloc_live() - live0));
		return 1;
	}
	printf("%ld inputs (%lu whole messages decoded), no crash, no leak\n", rounds,
	       messages_decoded);
	if (messages_decoded < (unsigned long)rounds / 8) {
		fprintf(stderr, "too few inputs reached the decoders\n");
		return 1;
	}
	return 0;
}
#endif
