// SPDX-License-Identifier: GPL-2.0
/* gupbench model: not written yet. */
#include "gupbench.h"

#include <stdio.h>

int cmd_model(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "gupbench: model is not implemented yet\n");
	return EXIT_RUN_FAILED;
}
