/* tui/cli.c: placeholder front door until the command frame lands. */
#include "tui/cli.h"

#include <stdio.h>

int cli_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("pipetop %s\n", PIPETOP_VERSION);
    return 0;
}
