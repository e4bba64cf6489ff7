/*
 * test_hostnotice.c - the resource host's notice that it terminated
 * everything after its clusterd went (cs_hostnotice.h): what it encodes
 * decodes, and nothing else does.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cs_hostnotice.h"

static void test_notice_roundtrip(void **state)
{
	uint8_t msg[CS_HOSTNOTICE_SIZE];
	uint32_t pid = 0;

	(void)state;
	cs_hostnotice_encode(msg, 4242);
	assert_int_equal(cs_hostnotice_decode(msg, sizeof(msg), &pid), 0);
	assert_int_equal(pid, 4242);
}

static void test_notice_bad(void **state)
{
	uint8_t msg[CS_HOSTNOTICE_SIZE + 1];
	uint32_t pid = 7;

	(void)state;
	cs_hostnotice_encode(msg, 4242);
	assert_int_equal(cs_hostnotice_decode(NULL, CS_HOSTNOTICE_SIZE, &pid), -1);
	assert_int_equal(cs_hostnotice_decode(msg, CS_HOSTNOTICE_SIZE - 1, &pid), -1);
	assert_int_equal(cs_hostnotice_decode(msg, CS_HOSTNOTICE_SIZE + 1, &pid), -1);
	msg[0] ^= 1; /* magic */
	assert_int_equal(cs_hostnotice_decode(msg, CS_HOSTNOTICE_SIZE, &pid), -1);
	msg[0] ^= 1;
	msg[4] = 2; /* version */
	assert_int_equal(cs_hostnotice_decode(msg, CS_HOSTNOTICE_SIZE, &pid), -1);
	assert_int_equal(pid, 7); /* untouched by a refusal */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_notice_roundtrip),
		cmocka_unit_test(test_notice_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
