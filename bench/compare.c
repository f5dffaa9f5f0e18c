// SPDX-License-Identifier: GPL-2.0
/* gupbench compare: not written yet. */
#include "gupbench.h"

#include <stdio.h>

int cmd_compare(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "gupbench: compare is not implemented yet\n");
	return EXIT_RUN_FAILED;
}
