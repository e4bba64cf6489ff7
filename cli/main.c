/*
 * main.c - the `cluster` command; all of it is cli_main() (cluster.c), which
 * the unit tests run too.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
