// SPDX-License-Identifier: GPL-2.0
/* gupbench litmus: not written yet. */
#include "gupbench.h"

#include <stdio.h>

int cmd_litmus(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "gupbench: litmus is not implemented yet\n");
	return EXIT_RUN_FAILED;
}
